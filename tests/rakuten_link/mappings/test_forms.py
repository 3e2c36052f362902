"""The mapping form: one of our SKUs mapped to a second Rakuten SKU of the account is a warning, never a refusal."""

from __future__ import annotations

from rakuten_link.mappings.forms import ProductMappingForm
from rakuten_link.models import ProductMapping


def _data(account, sku, **values) -> dict:
    return {"account": account.pk, "manage_number": "set01", "variant_id": "set01-a", "legacy_h_choice": "",
            "legacy_v_choice": "", "merchant_defined_sku_id": "", "sku": sku.pk, "safety_stock": "", **values}


def test_a_sku_already_mapped_in_the_account_warns_and_still_saves(account, make_sku, make_mapping):
    sku = make_sku("TEE-M")
    make_mapping(account, "tee01", "tee01-m", sku)
    form = ProductMappingForm(_data(account, sku))
    assert form.is_valid(), form.errors
    assert len(form.warnings) == 1 and "TEE-M" in form.warnings[0] and "tee01 / tee01-m" in form.warnings[0]
    form.save()
    assert ProductMapping.objects.filter(sku=sku).count() == 2


def test_no_warning_for_a_new_sku_another_account_or_the_mapping_itself(account, make_account, make_sku,
                                                                        make_mapping):
    sku = make_sku()
    make_mapping(make_account(), "tee01", "tee01-m", sku)
    form = ProductMappingForm(_data(account, sku))
    assert form.is_valid() and form.warnings == []
    mapping = form.save()
    edit = ProductMappingForm(_data(account, sku, safety_stock="2"), instance=mapping)
    assert edit.is_valid() and edit.warnings == []


def test_the_change_page_shows_the_warning(admin_client, account, make_sku, make_mapping):
    sku = make_sku("SET-A")
    make_mapping(account, "tee01", "tee01-m", sku)
    second = make_mapping(account, "set01", "set01-a", sku)
    response = admin_client.get(f"/admin/rakuten_link/productmapping/{second.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200 and 'id="mapping-warnings"' in html and "tee01 / tee01-m" in html


def test_a_changed_key_forgets_the_verified_choices(account, make_sku, make_mapping):
    sku = make_sku()
    mapping = make_mapping(account, "tee01", "tee01-m", sku, variant_choices={"サイズ": "M"})
    form = ProductMappingForm(_data(account, sku, manage_number="tee01", variant_id="tee01-l"), instance=mapping)
    assert form.is_valid(), form.errors
    form.save()
    mapping.refresh_from_db()
    assert mapping.variant_choices is None and mapping.status == "unchecked"


def test_saving_a_second_mapping_of_the_same_sku_says_so_after_the_save(admin_client, account, make_sku,
                                                                         make_mapping):
    from django.contrib.messages import get_messages

    sku = make_sku("TEE-W")
    make_mapping(account, "tee01", "tee01-m", sku)
    response = admin_client.post("/admin/rakuten_link/productmapping/add/", {
        "account": account.pk, "manage_number": "tee02", "variant_id": "tee02-m", "legacy_h_choice": "",
        "legacy_v_choice": "", "merchant_defined_sku_id": "", "sku": sku.pk, "safety_stock": ""})
    assert response.status_code == 302
    assert any("tee01 / tee01-m" in str(m) for m in get_messages(response.wsgi_request))
