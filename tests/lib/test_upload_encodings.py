"""Encodings on all four CSV upload pages: UTF-8 (BOM or not) and cp932 go in, anything else is refused.

The refused files are the ones that used to slip through as mojibake: EUC-JP and Latin-1 text that cp932
decodes without an error, UTF-16 and a binary file.
"""

from __future__ import annotations

import pytest

from tests.support.uploads import PAGES, make_page

# ① ～ 髙: cp932's NEC and IBM extensions and its own tilde, which plain Shift_JIS has not.
JAPANESE = "テスト商品①～髙"


@pytest.fixture(params=PAGES)
def page(request, make_store, make_sku, make_account, make_order, set_stock):
    return make_page(request.param, make_store=make_store, make_sku=make_sku, make_account=make_account,
                     make_order=make_order, set_stock=set_stock)


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_utf8_with_or_without_bom_and_cp932_are_imported(admin_client, page, encoding):
    data = page.csv([page.good_row(n, JAPANESE) for n in range(3)]).encode(encoding)
    response = page.upload(admin_client, data)
    assert response.status_code == 302, _form_errors(response)
    assert page.written() > 0


def test_half_width_katakana_in_cp932_is_imported(admin_client, page):
    data = page.csv([page.good_row(n, "ﾃｽﾄｼｮｳﾋﾝ ｶﾗｰ") for n in range(3)]).encode("cp932")
    assert page.upload(admin_client, data).status_code == 302
    assert page.written() > 0


def test_the_refused_texts_are_ones_cp932_decodes_without_an_error():
    """Strict cp932 decoding alone would let these through: ･ﾆ･ｹ･ﾈｾｦﾉﾊ and Cr鑪e br…"""
    assert "テスト商品".encode("euc_jp").decode("cp932") != "テスト商品"
    assert "Crème brûlée".encode("latin-1").decode("cp932") != "Crème brûlée"


REFUSED = {
    "euc-jp": lambda page: page.csv([page.good_row(n, "テスト商品") for n in range(3)]).encode("euc_jp"),
    "utf-16": lambda page: page.csv([page.good_row(n, JAPANESE) for n in range(3)]).encode("utf-16"),
    "utf-16-le, no BOM": lambda page: page.csv([page.good_row(n, "") for n in range(3)]).encode("utf-16-le"),
    "latin-1": lambda page: page.csv([page.good_row(n, "Crème brûlée") for n in range(3)]).encode("latin-1"),
    "binary": lambda page: b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 8,
}


@pytest.mark.parametrize("kind", REFUSED)
def test_other_encodings_are_refused_with_the_accepted_ones_named(admin_client, page, kind):
    response = admin_client.post(page.url, {**page.fields, "file": _upload(REFUSED[kind](page))})
    assert response.status_code == 200
    message = " ".join(_form_errors(response))
    assert "UTF-8" in message and "Shift_JIS" in message and "cp932" in message and "文字コード" in message
    assert not response.context.get("preview_token")
    assert page.written() == 0


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("upload.csv", data)


def _form_errors(response) -> list[str]:
    form = response.context["form"] if response.context else None
    return [str(e) for e in form.errors.get("file", [])] if form is not None else []
