"""Every custom admin page and every admin action checks the model permission it serves.

Being staff only lets a person into the admin; what they may see or do there is their permissions.
The pages and actions are found from the admin registry, not listed here, so one added later is walked
too: as a staff user with no permission at all (GET and POST: 403 or a redirect to the login page or
the index, never a page or a file, and nothing in the database changed), and every action as that user
and as one who may only view the model (not offered, nothing changed).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_q.models import Failure, OrmQ, Task

from inventory.models import StockMovement
from inventory.services import apply_stock_movement
from orders.models import PaymentMethod
from rakuten_link.models import AlertLog, ApiCall, DriftReport, PaymentMethodMapping, ProductMapping, SyncRun

ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _standard_routes(model_admin: admin.ModelAdmin) -> set[str]:
    """The routes every ModelAdmin has (list, add, history, delete, change): Django checks those itself."""
    return {str(pattern.pattern) for pattern in admin.ModelAdmin.get_urls(model_admin)}


def custom_admin_urls() -> list[tuple[str, str]]:
    """(model label, route) of every URL a ModelAdmin adds to the standard ones, from the live registry."""
    found = []
    for model, model_admin in admin.site._registry.items():
        standard = _standard_routes(model_admin)
        found += [(model._meta.label, str(p.pattern)) for p in model_admin.get_urls() if str(p.pattern) not in standard]
    return sorted(found)


def admin_actions() -> list[tuple[str, str]]:
    """(model label, action name) of every action of every registered ModelAdmin, site-wide ones included."""
    return sorted(
        (model._meta.label, name)
        for model, model_admin in admin.site._registry.items()
        for _func, name, _description in model_admin._get_base_actions()
    )


def _model_admin(label: str) -> admin.ModelAdmin:
    return admin.site._registry[apps.get_model(label)]


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _fill(route: str, model, world: dict) -> str:
    """A concrete path for a route: real ids where the route names one, a format where it takes a string."""

    def value(match: re.Match) -> str:
        name = match["name"]
        if name == "account_id":
            return str(world["account"].pk)
        if name in ("id", "pk", "object_id") or match["converter"] in ("int", "path"):
            first = model._default_manager.order_by("pk").first()
            return str(first.pk if first else 1)
        return "csv"

    return ROUTE_PARAMETER.sub(value, route)


def fingerprint() -> dict[str, list]:
    """Every row of every table but the sessions: equal before and after means nothing changed."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model is not Session and not model._meta.proxy
    }


@pytest.fixture
def world(make_store, make_sku, make_account, make_order, set_stock, django_user_model):
    """At least one row for every model whose admin has something beyond the standard pages."""
    store, sku = make_store("S1"), make_sku("A-1")
    set_stock(store, sku, 5)
    account = make_account(stores=[store])
    apply_stock_movement(store=store, sku=sku, quantity=1, kind="adjustment", note="入荷")
    order = make_order(account, [(sku, 1)])
    ProductMapping.objects.create(account=account, manage_number="tee01", variant_id="tee01-M", sku=sku,
                                  status="ok", last_pushed_quantity=4)
    method = PaymentMethod.objects.create(code="card", name="クレジットカード")
    PaymentMethodMapping.objects.create(account=account, settlement_method_code=1, payment_method=method)
    DriftReport.objects.create(account=account, checked=1, differing=0, missing=0)
    run = SyncRun.objects.create(account=account, kind="orders")
    ApiCall.objects.create(account=account, sync_run=run, function="order.searchOrder", method="POST", path="/")
    AlertLog.objects.create(account=account, kind="auth", subject="認証エラー")
    now = timezone.now()
    for index, success in enumerate((True, False)):
        Task.objects.create(id=f"{index:032d}", name=f"task-{index}", func="rakuten_link.tasks.prune_logs", args=(),
                            kwargs={}, started=now - timedelta(seconds=1), stopped=now, success=success)
    owner = django_user_model.objects.create_superuser("owner", "owner@example.com", "owner-password")
    LogEntry.objects.create(user=owner, content_type=ContentType.objects.get_for_model(order),
                            object_id=str(order.pk), object_repr=str(order), action_flag=ADDITION)
    for model_label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
        _add_login_record(model_label)
    return {"store": store, "sku": sku, "account": account, "order": order, "owner": owner}


def _add_login_record(label: str) -> None:
    if not apps.is_installed("axes"):
        return
    model = apps.get_model(label)
    fields = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "someone", "http_accept": "*/*",
              "path_info": "/admin/login/"}
    if label == "axes.AccessAttempt":
        fields.update(get_data="", post_data="", failures_since_start=1)
    model.objects.create(**fields)


def _payload(world: dict) -> dict:
    """What a staff user allowed to would post to the pages above: enough to change something if accepted."""
    store, sku, account = world["store"], world["sku"], world["account"]
    stock_csv = f"店舗コード,SKUコード,数量\n{store.code},{sku.code},9\n".encode()
    return {"store": store.pk, "sku": sku.pk, "quantity": "3", "note": "x", "account": account.pk,
            "order_number": "000001-20250101-00000099", "file": SimpleUploadedFile("upload.csv", stock_csv),
            "password1": "a-new-password-1", "password2": "a-new-password-1"}


def _staff(django_user_model, username: str, *permissions: str) -> User:
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


@pytest.fixture
def nobody(client, django_user_model):
    """A client logged in as staff (is_staff=True) without a single permission."""
    client.force_login(_staff(django_user_model, "nobody"))
    return client


def _refused(response) -> bool:
    if response.status_code == 403:
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and (location.startswith(reverse("admin:login")) or location == "/admin/")


def test_the_walk_finds_the_custom_pages_and_actions():
    """Guards the discovery itself: an empty walk would pass every test below."""
    urls = custom_admin_urls()
    for expected in [("inventory.StockLevel", "export/"), ("inventory.StockLevel", "import/"),
                     ("rakuten_link.ProductMapping", "export/<str:fmt>/"), ("orders.Order", "fetch/"),
                     ("rakuten_link.PaymentMethodMapping", "edit/<int:account_id>/")]:
        assert expected in urls
    assert ("orders.Order", "rematch_lines") in admin_actions()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("label", "route"), custom_admin_urls())
def test_a_staff_user_without_permissions_is_refused_every_custom_page(nobody, world, label, route, method):
    model = apps.get_model(label)
    path = _changelist(model) + _fill(route, model, world)
    before = fingerprint()
    response = nobody.get(path) if method == "get" else nobody.post(path, _payload(world))
    assert _refused(response), (path, response.status_code, response.headers.get("Location"))
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert fingerprint() == before


@pytest.mark.parametrize(("label", "name"), admin_actions())
def test_every_action_declares_the_permission_it_needs(label, name):
    actions = {name: func for func, name, _description in _model_admin(label)._get_base_actions()}
    assert getattr(actions[name], "allowed_permissions", None), f"{label}: action {name} declares no permissions"


def _post_action(client, model, name: str):
    selected = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:3]]
    return client.post(_changelist(model), {"action": name, "_selected_action": selected, "index": "0"})


@pytest.mark.parametrize(("label", "name"), admin_actions())
def test_a_staff_user_without_permissions_cannot_run_an_action(nobody, world, label, name):
    model = apps.get_model(label)
    before = fingerprint()
    assert _post_action(nobody, model, name).status_code == 403
    assert fingerprint() == before


@pytest.mark.parametrize(("label", "name"), admin_actions())
def test_a_user_who_may_only_view_cannot_run_an_action(client, world, django_user_model, label, name):
    model_admin = _model_admin(label)
    model = model_admin.model
    actions = {name: func for func, name, _description in model_admin._get_base_actions()}
    if "view" in getattr(actions[name], "allowed_permissions", ()):
        pytest.skip(f"{name} is meant for viewers")
    opts = model._meta
    client.force_login(_staff(django_user_model, "viewer", f"{opts.app_label}.view_{opts.model_name}"))
    before = fingerprint()
    response = _post_action(client, model, name)
    assert response.status_code in (200, 302, 403)  # 403: pages that also need another permission (files: orders)
    assert fingerprint() == before


def test_the_fingerprint_sees_a_change_made_through_a_custom_page(admin_client, world):
    """The walk's "nothing changed" would be worthless if an accepted post did not show."""
    before = fingerprint()
    response = admin_client.post("/admin/inventory/stocklevel/adjust/", _payload(world))
    assert response.status_code == 302
    assert fingerprint() != before


def test_a_viewer_of_the_stock_gets_the_export(client, world, django_user_model):
    client.force_login(_staff(django_user_model, "stock-viewer", "inventory.view_stocklevel"))
    page = client.get("/admin/inventory/stocklevel/").content.decode()
    assert 'href="export/"' in page and 'href="adjust/"' not in page  # no link to a page that would refuse
    response = client.get("/admin/inventory/stocklevel/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_viewer_of_the_mappings_gets_the_template_and_export(client, world, django_user_model):
    client.force_login(_staff(django_user_model, "mapping-viewer", "rakuten_link.view_productmapping"))
    assert client.get("/admin/rakuten_link/productmapping/template/").status_code == 200
    export = client.get("/admin/rakuten_link/productmapping/export/csv/")
    assert export.status_code == 200 and "tee01-M" in export.content.decode("utf-8-sig")
    assert client.get("/admin/rakuten_link/productmapping/import/").status_code == 403


def test_a_stock_clerk_may_adjust_and_import_but_a_viewer_may_not(client, world, django_user_model):
    viewer = _staff(django_user_model, "viewer", "inventory.view_stocklevel")
    clerk = _staff(django_user_model, "clerk", "inventory.view_stocklevel", "inventory.add_stockmovement")
    client.force_login(viewer)
    assert client.get("/admin/inventory/stocklevel/adjust/").status_code == 403
    assert client.get("/admin/inventory/stocklevel/import/").status_code == 403
    client.force_login(clerk)
    assert client.get("/admin/inventory/stocklevel/import/").status_code == 200
    response = client.post("/admin/inventory/stocklevel/adjust/", _payload(world))
    assert response.status_code == 302
    assert StockMovement.objects.filter(created_by=clerk).exists()


def test_a_user_who_may_change_mappings_can_run_their_action(client, world, django_user_model):
    editor = _staff(django_user_model, "editor", "rakuten_link.view_productmapping",
                    "rakuten_link.change_productmapping")
    client.force_login(editor)
    response = _post_action(client, ProductMapping, "push_now")
    assert response.status_code == 302
    assert ProductMapping.objects.get().last_pushed_quantity is None
    assert LogEntry.objects.filter(user=editor).exists()


def test_a_user_who_may_change_failed_tasks_can_resubmit_them(client, world, django_user_model):
    client.force_login(_staff(django_user_model, "operator", "django_q.view_failure", "django_q.change_failure"))
    response = _post_action(client, Failure, "resubmit_tasks")
    assert response.status_code == 302
    assert OrmQ.objects.count() == 1 and not Failure.objects.exists()
    assert LogEntry.objects.filter(user__username="operator").count() == 1
