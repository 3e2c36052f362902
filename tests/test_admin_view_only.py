"""Every change page (and its history) renders for a user who may only view: read-only, never a server error.

Django shows a change page read-only when the user has the view permission and not the change one; a form
that assumes its fields (``self.fields["body"]``) or a display that assumes an editable object then fails
with a 500 on that page only. The models are found from the admin registry, so one added later is walked too,
with one object each (the permission walk's ``world`` plus what it lacks).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django_q.tasks import async_task

from api.models import SkuStockThreshold, WebhookDelivery, WebhookEndpoint
from api.tokens import create_token
from orders.models import BuyerMessage, MailTemplate, MessageEvent, MessageStatus, ReportJob, ReportKind, Shipment
from rakuten_link.models import LabelSettings, Listing, ListingTemplate
from tests import test_admin_permissions

world = test_admin_permissions.world
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def everything(world):
    """At least one object of every model registered in the admin."""
    account, order = world["account"], world["order"]
    Group.objects.create(name="出荷担当")
    call_command("setup_schedules", verbosity=0)
    async_task("rakuten_link.tasks.prune_logs", task_name="queued")
    template = MailTemplate.objects.create(name="発送完了", subject="{注文番号}", body="{購入者名} 様")
    BuyerMessage.objects.create(order=order, event=MessageEvent.NEW_ORDER, status=MessageStatus.HELD,
                                subject="s", body="b", recipient="abc@pc.fw.rakuten.ne.jp")
    Shipment.objects.create(order=order, package=order.packages.get(), delivery_company="1001",
                            tracking_number="T1", shipped_on=date(2025, 1, 2))
    listing_template = ListingTemplate.objects.filter(account=account).first() \
        or ListingTemplate.objects.create(account=account, name="標準")
    Listing.objects.create(account=account, product=world["sku"].product, template=listing_template)
    account.template_shipped = template
    account.save()
    _proposal(account, world["sku"])
    LabelSettings.objects.create(account=account, sender_name="楽天ショップ", sender_zip="158-0094",
                                 sender_address="東京都世田谷区玉川1-14-1", sender_phone="03-1234-5678")
    create_token(name="till-1", scopes="stock:read")
    hook = WebhookEndpoint.objects.create(name="erp", url="https://erp.example.com/hook", events=["stock.low"],
                                          secret="whsec_x")
    WebhookDelivery.objects.create(endpoint=hook, event="stock.low", payload={"event": "stock.low"})
    SkuStockThreshold.objects.create(sku=world["sku"], below=2)
    return world


def _proposal(account, sku) -> None:
    """A mapping-assistant proposal (and the catalogue variant it is for)."""
    from django.utils import timezone

    from rakuten_link.models import CatalogueItem, CatalogueVariant, MappingProposal

    item = CatalogueItem.objects.create(account=account, manage_number="tee02", pulled_at=timezone.now())
    variant = CatalogueVariant.objects.create(item=item, account=account, variant_id="m", pulled_at=timezone.now())
    MappingProposal.objects.create(account=account, variant=variant, sku=sku, confidence="high", reason="exact_code")


def _viewer(client, django_user_model, permissions):
    user = django_user_model.objects.create_user("viewer", "viewer@example.com", "pw", is_staff=True)
    user.user_permissions.set(permissions)
    client.force_login(user)
    return client


def test_the_walk_covers_the_registry():
    labels = {model._meta.label for model in REGISTERED}
    assert {"orders.MailTemplate", "accounts.EcAccount", "orders.Order", "django_q.Schedule"} <= labels
    assert len(labels) >= 25


@pytest.mark.parametrize("scope", ["every view permission", "this model's view permission"])
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_a_viewer_gets_every_change_page(client, django_user_model, everything, model, scope):
    opts = model._meta
    views = Permission.objects.filter(codename__startswith="view_")
    if scope != "every view permission":
        views = views.filter(content_type__app_label=opts.app_label, codename=f"view_{opts.model_name}")
    assert views.exists()
    viewer = _viewer(client, django_user_model, views)
    if model is ReportJob:  # each person sees only the files they asked for
        ReportJob.objects.create(kind=ReportKind.SLIPS, requested_by=django_user_model.objects.get(username="viewer"))
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {opts.label} to open: add one to the fixture"
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = viewer.get(url, follow=True)  # a file's row opens its progress page
    if model is ReportJob and scope != "every view permission":
        assert response.status_code == 403  # the files are orders: viewing them needs the order permission
        return
    assert response.status_code == 200, (url, response.status_code)
    assert 'name="_save"' not in response.content.decode()  # shown read-only, not as a form to save
    history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    assert viewer.get(history).status_code == 200, history
