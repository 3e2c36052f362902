"""Money as people read it: 1,234円 in text for buyers, ¥1,234 on staff's admin pages."""

from __future__ import annotations

from decimal import Decimal

from lib.money import yen, yen_sign


def test_buyers_read_yen_after_the_amount():
    assert yen(1234) == "1,234円" and yen(0) == "0円" and yen(1_000_000) == "1,000,000円"


def test_a_missing_amount_reads_as_the_caller_says():
    assert yen(None) == "" and yen(None, missing="0円") == "0円"


def test_staff_read_the_yen_sign_before_the_amount():
    assert yen_sign(1234) == "¥1,234" and yen_sign(0) == "¥0"
    assert yen_sign(None) == "" and yen_sign(None, missing="—") == "—"


def test_only_whole_yen_is_money_on_the_admin_pages():
    # Stored JSON may hold anything; a value that is not an integer is shown as missing, never guessed.
    assert yen_sign("1234") == "" and yen_sign(Decimal("1.5"), missing="—") == "—"
