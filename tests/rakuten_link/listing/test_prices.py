"""Prices follow the master: a listed product's new price reaches the sandbox through items.patch (price only)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rakuten_link.listing.lookup import listing_for
from rakuten_link.listing.pricing import rakuten_price
from rakuten_link.listing.sending import send_listing
from rakuten_link.sandbox.state.faults import FaultRule
from rakuten_link.sync.clients import client_for
from rakuten_link.sync.jobs import run_account_job

PATCH = "itemapi_2.0.items.patch"


@pytest.fixture(autouse=True)
def no_pacing(settings):
    settings.RAKUTEN_PUSH_DEBOUNCE_SECONDS = 0
    settings.RAKUTEN_PUSH_PACING_SECONDS = 0


def _listed(rms, account, make_product, **fields):
    product = make_product(**fields)
    listing = listing_for(account, product)
    assert send_listing(listing, client_for(account)).ok
    rms.state.clear_requests()
    return product, listing


def _prices(rms) -> dict[str, str]:
    return {vid: v["standardPrice"] for vid, v in rms.state.items_of("000001")["tee01"]["variants"].items()}


def test_a_price_change_is_patched_with_the_price_fields_only(rms, account, ready_template, make_product):
    product, listing = _listed(rms, account, make_product)
    assert run_account_job(account, "prices").counts["pushed"] == 0  # nothing changed: no call
    assert rms.state.requests(PATCH) == []
    product.price = 3980
    product.save()

    run = run_account_job(account, "prices")

    assert run.status == "success" and run.counts["pushed"] == 1
    [call] = rms.state.requests(PATCH)
    assert call["body"] == {"variants": {"tee01-1": {"standardPrice": "3980"}, "tee01-2": {"standardPrice": "3980"}}}
    assert _prices(rms) == {"tee01-1": "3980", "tee01-2": "3980"}
    assert rms.state.items_of("000001")["tee01"]["title"] == "Tシャツ"
    listing.refresh_from_db()
    assert (listing.price_sent, listing.price_error) == (3980, "")


@pytest.mark.parametrize("rounding, expected", [("floor", (3620, 3624)), ("ceil", (3621, 3625)),
                                                ("round", (3620, 3625))])
def test_the_markup_is_rounded_as_the_account_says(account, rounding, expected):
    account.price_markup_percent, account.price_rounding = Decimal("10"), rounding
    assert (rakuten_price(3291, account), rakuten_price(3295, account)) == expected  # 3620.1, 3624.5
    account.price_markup_percent = Decimal("0")
    assert rakuten_price(3291, account) == 3291


def test_a_marked_up_price_is_listed_and_pushed(rms, account, ready_template, make_product):
    account.price_markup_percent, account.price_rounding = Decimal("10"), "ceil"
    account.save()
    product, listing = _listed(rms, account, make_product, price=1000)
    assert _prices(rms) == {"tee01-1": "1100", "tee01-2": "1100"}
    product.price = 1999
    product.save()
    run_account_job(account, "prices")
    assert _prices(rms) == {"tee01-1": "2199", "tee01-2": "2199"}  # 2198.9 rounded up


def test_rms_refusing_the_price_is_kept_on_the_listing(rms, account, ready_template, make_product):
    product, listing = _listed(rms, account, make_product)
    rms.state.faults.add(FaultRule(
        PATCH, 1, 400, {"errors": [{"code": "IE0002", "message": "standardPrice is invalid."}]}))
    product.price = 4000
    product.save()

    run = run_account_job(account, "prices")

    assert run.counts["refused"] == 1
    listing.refresh_from_db()
    assert listing.price_sent == 3300 and "IE0002" in listing.price_error


def test_a_blocked_listing_sends_no_price(rms, account, ready_template, make_product):
    product, listing = _listed(rms, account, make_product)
    account.prohibited_words = "Tシャツ"
    account.save()
    product.price = 5000
    product.save()

    run = run_account_job(account, "prices")

    assert run.counts["blocked"] == 1 and rms.state.requests(PATCH) == []


def test_the_account_form_takes_a_markup_and_refuses_a_negative_one(account):
    from accounts.forms import EcAccountForm

    def form(**values):
        data = {"name": account.name, "shop_url": account.shop_url, "stores": [s.pk for s in account.stores.all()],
                "follow_up_days": 7, "tax_rounding": "floor", "safety_stock": 0, **values}
        return EcAccountForm(data, instance=account)

    bad = form(price_markup_percent="-5")
    assert not bad.is_valid() and "price_markup_percent" in bad.errors
    assert "0" in bad.errors["price_markup_percent"][0]
    good = form(price_markup_percent="12.5", price_rounding="round")
    assert good.is_valid(), good.errors
    good.save()
    account.refresh_from_db()
    assert (account.price_markup_percent, account.price_rounding) == (Decimal("12.5"), "round")
    kept = form()  # a form without the fields keeps them
    assert kept.is_valid(), kept.errors
    kept.save()
    account.refresh_from_db()
    assert account.price_markup_percent == Decimal("12.5")
