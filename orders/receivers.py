"""The order side's answers to inventory's signals (inventory never imports orders)."""

from __future__ import annotations

from django.dispatch import receiver

from inventory.signals import allocation_exceeds_count

from .shortage import release_excess


@receiver(allocation_exceeds_count, dispatch_uid="orders.release_excess")
def release_allocations_over_the_count(sender, excess, **kwargs) -> None:
    release_excess(excess)
