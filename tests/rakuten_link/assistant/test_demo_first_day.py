"""The demo's first day over HTTP against the sandbox's `demo` seed: demo_data, a catalogue pull, the proposals,
accept the high-confidence ones in one go, verify them (OK), list what is left; and create the leftovers
from Rakuten (dry run, then for real, then again: nothing more)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from inventory.models import Sku, StockLevel
from rakuten_link.assistant.models import MappingProposal
from rakuten_link.demo import load_demo_data
from rakuten_link.models import CatalogueVariant, MappingStatus, ProductMapping, SyncRun
from rakuten_link.sandbox.state.catalogue import DEMO_CATALOGUE
from rakuten_link.sandbox.state.first_day import (
    EXACT,
    ITEM_OPTIONS,
    JAN,
    NAME,
    NONE,
    NORMALISED,
    first_day_kinds,
    first_day_truth,
)
from rakuten_link.sync.jobs import run_account_job
from tests.support.matching import pull_and_match

HIGH_KINDS = (EXACT, NORMALISED, JAN, ITEM_OPTIONS)
MAPPED = sum(len(entry["variants"]) for entry in DEMO_CATALOGUE)


@pytest.fixture
def demo(db, rms):
    """The demo seed and demo_data, its own mappings verified, as `make run` leaves them."""
    rms.reset("demo")
    account = load_demo_data()
    assert run_account_job(account, "mappings").status == "success"
    get_user_model().objects.create_user("hanako", is_staff=True)
    return account


@pytest.fixture
def pulled(demo, django_capture_on_commit_callbacks):
    """Pulled, and matched by the task the pull queued."""
    assert len(pull_and_match(demo, django_capture_on_commit_callbacks)) == 1
    assert SyncRun.objects.filter(account=demo, kind="catalogue").latest("pk").status == "success"
    return demo


def _key(proposal: MappingProposal) -> tuple[str, str]:
    return proposal.variant.item.manage_number, proposal.variant.variant_id


def _of_kind(*kinds: str) -> set[tuple[str, str]]:
    return {key for key, kind in first_day_kinds().items() if kind in kinds}


def test_demo_data_creates_our_first_day_skus_with_stock_but_no_mapping(demo):
    truth = {code for code in first_day_truth().values() if code}
    skus = Sku.objects.filter(code__in=truth)
    assert skus.count() == len(truth)
    assert StockLevel.objects.filter(sku__in=skus).count() == 2 * len(truth)  # both demo stores
    assert not ProductMapping.objects.filter(sku__in=skus).exists()
    assert demo.product_mappings.count() == MAPPED
    before = (Sku.objects.count(), StockLevel.objects.count(), ProductMapping.objects.count())
    load_demo_data()  # idempotent
    assert (Sku.objects.count(), StockLevel.objects.count(), ProductMapping.objects.count()) == before


def test_the_first_day_accept_the_high_ones_see_them_verified_and_list_the_rest(rms, pulled, admin_client):
    truth = first_day_truth()
    proposals = MappingProposal.objects.filter(account=pulled).select_related("variant__item", "sku")
    high = [p for p in proposals if p.confidence == "high" and not p.conflict]
    assert {_key(p) for p in high} == _of_kind(*HIGH_KINDS)  # the pull's own matching task proposed them
    assert all(p.sku.code == truth[_key(p)] for p in high)
    assert {p.reason for p in high} >= {"exact_code", "normalised_code", "jan", "item_options"}
    low = [p for p in proposals if p.confidence == "low"]
    assert {_key(p) for p in low} == _of_kind(NAME) and all(p.sku.code == truth[_key(p)] for p in low)

    out = StringIO()
    call_command("match_catalogue", "--account", pulled.name, "--accept", "high", "--user", "hanako", stdout=out)
    assert f"accepted: {len(high)} mappings created" in out.getvalue()
    rms.state.clear_requests()
    assert run_account_job(pulled, "mappings").status == "success"
    assert rms.state.requests("itemapi_2.0.items.bulk.get")  # checked with RMS, not taken on trust
    mappings = ProductMapping.objects.filter(account=pulled)
    assert mappings.count() == MAPPED + len(high)
    assert set(mappings.values_list("status", flat=True)) == {MappingStatus.OK}  # all green

    left = StringIO()
    call_command("match_catalogue", "--account", pulled.name, stdout=left)
    unmapped = len(_of_kind(NAME, NONE))
    assert f"{unmapped} unmapped variants, {unmapped - len(low)} without a proposal" in left.getvalue()
    assert f"low: {len(low)} (conflicts 0)" in left.getvalue()
    page = admin_client.get(reverse("admin:rakuten_link_mappingproposal_left"), {"account": pulled.pk})
    listed = {(row.item.manage_number, row.variant_id) for row in page.context["rows"]}
    assert listed == _of_kind(NONE)  # the title-only pair waits among the low proposals instead


def test_the_leftovers_are_created_from_rakuten_once(pulled):
    call_command("match_catalogue", "--account", pulled.name, "--accept", "high", "--user", "hanako",
                 stdout=StringIO())
    leftovers = _of_kind(NAME, NONE)
    before = (Sku.objects.count(), ProductMapping.objects.count(), StockLevel.objects.count())
    dry = StringIO()
    call_command("import_catalogue_products", "--account", pulled.name, "--store", "S02", "--dry-run", stdout=dry)
    assert f"variants to map {len(leftovers)}" in dry.getvalue()
    assert (Sku.objects.count(), ProductMapping.objects.count(), StockLevel.objects.count()) == before

    call_command("import_catalogue_products", "--account", pulled.name, "--store", "S02", "--user", "hanako",
                 stdout=StringIO())
    keys = set(ProductMapping.objects.filter(account=pulled).values_list("manage_number", "variant_id"))
    assert leftovers <= keys and ProductMapping.objects.count() == before[1] + len(leftovers)
    variants = CatalogueVariant.objects.filter(account=pulled, item__manage_number__in={k[0] for k in leftovers})
    codes = set(ProductMapping.objects.filter(account=pulled, manage_number__in={k[0] for k in leftovers})
                .values_list("sku__code", flat=True))
    assert {v.merchant_sku_id for v in variants if v.merchant_sku_id} <= codes  # GIFT-WRAP, MASK01-WHT …
    after = (Sku.objects.count(), ProductMapping.objects.count(), StockLevel.objects.count())
    call_command("import_catalogue_products", "--account", pulled.name, "--store", "S02", stdout=StringIO())
    assert (Sku.objects.count(), ProductMapping.objects.count(), StockLevel.objects.count()) == after
