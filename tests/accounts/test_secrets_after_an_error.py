"""After a validation error the secret fields come back empty (never re-rendered): the form says so beside them."""

from __future__ import annotations

from accounts.forms import EcAccountForm

NOTE = "もう一度入力してください"  # the UI is Japanese in the tests (LANGUAGE_CODE ja)


def _data(account, **overrides) -> dict:
    data = {name: getattr(account, name) for name in ("name", "shop_url", "smtp_id", "smtp_from_address",
                                                      "tax_rounding", "safety_stock", "follow_up_days")}
    return {**data, **overrides}


def test_a_typed_secret_is_flagged_when_the_form_comes_back_with_an_error(make_account):
    account = make_account("秘密テスト店")
    form = EcAccountForm(data=_data(account, shop_url="not a url", license_key="SL123456_new",
                                    smtp_password="typed-password"), instance=account)
    assert not form.is_valid()
    assert NOTE in str(form.fields["license_key"].help_text)
    assert NOTE in str(form.fields["smtp_password"].help_text)
    assert NOTE not in str(form.fields["service_secret"].help_text)  # left blank: the stored value is kept
    assert 'value="SL123456_new"' not in str(form["license_key"])


def test_no_note_without_an_error(make_account):
    account = make_account("秘密テスト店2")
    form = EcAccountForm(data=_data(account, smtp_password="typed-password"), instance=account)
    assert form.is_valid(), form.errors
    assert NOTE not in str(form.fields["smtp_password"].help_text)
