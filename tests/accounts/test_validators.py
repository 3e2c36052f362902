import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    corporate_number_check_digit,
    normalise_credential,
    normalise_invoice_number,
    normalise_shop_url,
    parse_prohibited_words,
)


def test_check_digit_matches_the_national_tax_agency_number():
    # 国税庁's own corporate number is 7000012050002.
    assert corporate_number_check_digit("000012050002") == 7


@pytest.mark.parametrize("raw", ["T7000012050002", " t7000012050002 ", "Ｔ７０００012050002", "T7000-0120-50002"])
def test_valid_registration_numbers_are_normalised(raw):
    assert normalise_invoice_number(raw) == "T7000012050002"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("T1000012050002", "check_digit"), ("7000012050002", "format"), ("T700001205000", "format"), ("TABC", "format")],
)
def test_invalid_registration_numbers_are_refused(raw, code):
    with pytest.raises(ValidationError) as info:
        normalise_invoice_number(raw)
    assert info.value.code == code


def test_credentials_are_trimmed():
    assert normalise_credential("  SP123_abc\r\n", label="serviceSecret") == "SP123_abc"


@pytest.mark.parametrize(("raw", "code"), [("   ", "blank"), ("SP1 23", "space"), ("SP１２３", "ascii")])
def test_bad_credentials_are_refused_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as info:
        normalise_credential(raw, label="licenseKey")
    assert info.value.code == code
    assert "licenseKey" in info.value.messages[0]


@pytest.mark.parametrize(
    "raw",
    ["myshop", "www.rakuten.co.jp/myshop", "http://WWW.Rakuten.co.jp/MyShop/index.html", "https://www.rakuten.co.jp/myshop/"],
)
def test_shop_urls_are_normalised(raw):
    assert normalise_shop_url(raw) == "https://www.rakuten.co.jp/myshop/"


def test_a_shop_url_without_a_shop_is_refused():
    with pytest.raises(ValidationError):
        normalise_shop_url("https://www.rakuten.co.jp/")


def test_prohibited_words_are_split_and_deduplicated():
    assert parse_prohibited_words("最安値\n 日本一 ,最安値、激安\n\n") == ["最安値", "日本一", "激安"]
