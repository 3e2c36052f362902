"""Shipping has one home per layer: orders.shipping (the parcels and one call that settles a report) and
rakuten_link.shipping (everything Rakuten-side); an upload queued before the move still finds its importer."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.module_loading import import_string

from inventory.models import UploadJob

ROOT = Path(__file__).resolve().parents[3]
MIGRATION = "rakuten_link.migrations.0019_shipping_upload_handlers_moved"


def _imported_names(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text())
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == module
            for alias in node.names}


def test_the_rakuten_side_settles_reports_through_one_call_only():
    """The report job asks orders.shipping for nothing but the settling call and its outcomes."""
    job = sorted((ROOT / "rakuten_link/shipping/report").glob("*.py"))
    assert job, "the report job lives in rakuten_link/shipping/report/"
    used = set().union(*(_imported_names(path, "orders.shipping") for path in job))
    assert used == {"Outcome", "settle_report"}


def test_no_shipping_module_of_rakuten_link_lives_outside_its_package():
    """Rakuten-side shipping (job, staff actions, labels, admin pages) is under rakuten_link/shipping/."""
    outside = [str(p.relative_to(ROOT)) for p in (ROOT / "rakuten_link").rglob("*.py")
               if any(word in p.stem for word in ("ship", "label", "scan"))
               and "shipping" not in p.relative_to(ROOT).parts and "migrations" not in p.parts
               and "sandbox" not in p.parts and "management" not in p.parts]
    assert outside == []


@pytest.mark.django_db
def test_an_upload_queued_before_the_move_names_the_importer_where_it_lives_now():
    user = get_user_model().objects.create_user("desk")
    old = ["rakuten_link.admin.order_bulk.import_for_job", "rakuten_link.admin.labels.import_b2_for_job"]
    jobs = [UploadJob.objects.create(kind="shipments", handler=h, phase="check", token="t", requested_by=user)
            for h in old + ["rakuten_link.admin.mapping_views.import_for_job"]]
    importlib.import_module(MIGRATION).forwards(apps, None)
    handlers = [UploadJob.objects.get(pk=job.pk).handler for job in jobs]
    assert handlers == ["rakuten_link.shipping.admin.order_bulk.import_for_job",
                        "rakuten_link.shipping.admin.labels.import_b2_for_job",
                        "rakuten_link.admin.mapping_views.import_for_job"]
    assert all(callable(import_string(handler)) for handler in handlers)
    importlib.import_module(MIGRATION).backwards(apps, None)
    assert [UploadJob.objects.get(pk=job.pk).handler for job in jobs][:2] == old
