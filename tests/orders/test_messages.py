"""Buyer-message placeholders: a fixed set, plain replacement, unknown names refused on save."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from orders.messages import PLACEHOLDERS, render
from orders.models import MailTemplate


def test_known_placeholders_are_replaced_and_nothing_else_is_evaluated():
    values = {"注文番号": "1-2", "購入者名": "楽天"}
    text = render("{注文番号} {購入者名} {order.account.service_secret} {{合計}}", values)
    assert text == "1-2 楽天 {order.account.service_secret} {}"


def test_an_unknown_placeholder_is_refused_with_the_allowed_ones(db):
    template = MailTemplate(name="t", subject="{注文番号}", body="{購入者} 様")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        template.full_clean()
    message = " ".join(error.value.message_dict["body"])
    assert "{購入者}" in message and all(f"{{{name}}}" in message for name in PLACEHOLDERS)
