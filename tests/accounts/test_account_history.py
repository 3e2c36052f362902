"""Saving an account page unchanged records no change: no "出品禁止ワード changed" when the words were untouched.

A browser posts a textarea's lines with CR LF; an account made elsewhere (a script, demo_data, an API client
posting plain LF) stores LF. Compared as they came, the first save in a browser listed the prohibited words
as changed in the account's history although nobody touched them. The lines are now compared and stored
with LF, whichever way they were sent.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.forms import CheckboxInput, Textarea
from django.urls import reverse

from accounts.models import EcAccount
from orders.models import MailTemplate
from tests.accounts.test_account_admin import _form
from tests.conftest import ACCOUNT_INLINES

WORDS_LF = "最安値\n日本一\n激安"
WORDS_BROWSER = WORDS_LF.replace("\n", "\r\n")
LABELS = ("出品禁止ワード", "prohibited listing words", "Prohibited listing words", "prohibited_words")


@pytest.fixture
def store(make_store):
    return make_store("S1", "本店")


def _history(obj) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(obj)
    return list(LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk)))


def _as_a_browser_posts(client, url: str, **changes) -> dict:
    """The change page's form posted back as a browser does: textarea lines in CR LF, secrets left blank."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = changes.get(name, form[name].value())
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(item) for item in value]
        else:
            value = "" if value is None else str(value)
            data[name] = value.replace("\n", "\r\n") if isinstance(field.widget, Textarea) else value
    return data


def _browser_save(client, account: EcAccount, **changes) -> None:
    url = f"/admin/accounts/ecaccount/{account.pk}/change/"
    response = client.post(url, {**_as_a_browser_posts(client, url, **changes), **ACCOUNT_INLINES})
    assert response.status_code == 302, response.content.decode()[:2000]


def _changes(obj) -> str:
    return " ".join(entry.get_change_message() for entry in _history(obj) if entry.is_change())


def test_the_first_browser_save_after_the_add_view_lists_no_untouched_words(admin_client, store):
    response = admin_client.post("/admin/accounts/ecaccount/add/", _form(store, prohibited_words=WORDS_LF))
    assert response.status_code == 302
    account = EcAccount.objects.get()
    _browser_save(admin_client, account, safety_stock="3")
    changes = _changes(account)
    assert "安全在庫" in changes or "safety stock" in changes.lower(), changes  # the one field touched
    assert not any(label in changes for label in LABELS), changes
    history = admin_client.get(f"/admin/accounts/ecaccount/{account.pk}/history/").content.decode()
    assert not any(label in history for label in LABELS)


def test_an_account_made_outside_the_admin_saves_unchanged(admin_client, store, make_account):
    account = make_account(stores=[store], prohibited_words=WORDS_LF)
    _browser_save(admin_client, account)
    assert not any(label in _changes(account) for label in LABELS), _changes(account)
    account.refresh_from_db()
    assert account.prohibited_words == WORDS_LF and account.prohibited_word_list == ["最安値", "日本一", "激安"]


def test_a_real_change_of_the_words_is_still_recorded(admin_client, store, make_account):
    account = make_account(stores=[store], prohibited_words=WORDS_LF)
    _browser_save(admin_client, account, prohibited_words="最安値\n日本一")
    assert "出品禁止ワード" in _changes(account) or "prohibited listing words" in _changes(account).lower()
    account.refresh_from_db()
    assert account.prohibited_words == "最安値\n日本一"


def test_a_mail_template_saved_unchanged_from_a_browser_records_no_change(admin_client):
    template = MailTemplate.objects.create(name="発送完了", subject="{注文番号}",
                                           body="{購入者名} 様\nありがとうございます")
    url = reverse("admin:orders_mailtemplate_change", args=[template.pk])
    data = _as_a_browser_posts(admin_client, url)
    assert "\r\n" in data["body"]
    assert admin_client.post(url, data).status_code == 302
    assert "本文" not in _changes(template) and "body" not in _changes(template).lower(), _changes(template)
    template.refresh_from_db()
    assert template.body == "{購入者名} 様\nありがとうございます"
