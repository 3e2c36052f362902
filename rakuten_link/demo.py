"""Demo data matching the sandbox's demo catalogue, so `make run` shows a working shop at once.

The 20 items of catalogue.py are mapped; the first-day items (first_day.py) get our products and SKUs but
no mapping, left for the mapping assistant to propose after a catalogue pull.
"""

from __future__ import annotations

import random

import requests
from django.db import transaction

from accounts.models import EcAccount
from inventory.models import Product, Sku, StockLevel, Store
from inventory.services import set_stock_count
from orders.models import MailTemplate, PaymentMethod
from rakuten_link.models import LabelSettings, PaymentMethodMapping, ProductMapping
from rakuten_link.rms import RmsItem, RmsVariant
from rakuten_link.rms.parse_catalog import parse_item
from rakuten_link.sandbox.state.catalogue import (
    DEMO_LICENSE_KEY,
    DEMO_SERVICE_SECRET,
    DEMO_SHOP,
    demo_catalogue,
    item_json,
)
from rakuten_link.sandbox.state.first_day import our_first_day_skus

DEMO_ACCOUNT = "楽天デモ店"
# What the demo's local relay (manage.py demo_mail_relay) accepts as SMTP AUTH; nothing real.
DEMO_SMTP_ID, DEMO_SMTP_PASSWORD = "demo-smtp", "demo-smtp-password"
STORES = (("S01", "本店"), ("S02", "物流倉庫"))
PAYMENT_METHODS = (
    ("card", "クレジットカード", (1, 12)),
    ("cod", "代金引換", (2,)),
    ("bank", "銀行振込", (9,)),
    ("cvs", "コンビニ前払", (13, 14)),
    ("deferred", "後払い", (3, 21)),
    ("paypal", "PayPal", (17,)),
    ("point", "ポイント", (8,)),
)
TEMPLATES = {  # account field → (template name, subject, body)
    "template_new_order": ("ご注文確認", "【{店舗名}】ご注文ありがとうございます（{注文番号}）",
                           "{購入者名} 様\n\nご注文を承りました。発送まで今しばらくお待ちください。\n\n"
                           "{商品明細}\n合計 {合計}"),
    "template_shipped": ("発送完了", "【{店舗名}】商品を発送しました（{注文番号}）",
                         "{購入者名} 様\n\n本日発送いたしました。\n"
                         "配送会社: {配送会社}\nお問い合わせ番号: {お問い合わせ番号}"),
}


@transaction.atomic
def load_demo_data() -> EcAccount:
    """Idempotent: a second run finds everything in place and changes nothing but missing rows."""
    stores = [Store.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in STORES]
    account = _account(stores)
    rng = random.Random(7)
    # Read as the shop's RMS items (the Item API body the sandbox serves), like any item from RMS.
    for item in (parse_item(item_json(entry)) for entry in demo_catalogue()):
        product, _ = Product.objects.update_or_create(code=item.manage_number.upper(),
                                                      defaults={"name": item.title})
        for variant in item.variants.values():
            sku = _sku(product, item, variant)
            for store in stores:
                if not StockLevel.objects.filter(store=store, sku=sku).exists():
                    set_stock_count(store=store, sku=sku, counted=rng.randint(0, 12), note="demo")
            ProductMapping.objects.get_or_create(
                account=account, manage_number=item.manage_number, variant_id=variant.variant_id,
                defaults={"sku": sku, "merchant_defined_sku_id": variant.merchant_defined_sku_id},
            )
    _first_day_skus(stores, rng)
    _payment_methods(account)
    _templates(account)
    _label_settings(account)
    return account


def _first_day_skus(stores, rng: random.Random) -> None:
    """Our products and SKUs (with stock) for the items on Rakuten the demo leaves unmapped (first_day.py):
    the mapping assistant proposes them after a catalogue pull. No mappings, on purpose."""
    for row in our_first_day_skus():
        product, _ = Product.objects.update_or_create(
            code=row["product_code"], defaults={"name": row["product_name"], "price": row["price"]})
        name = " ".join([row["product_name"], *row["options"].values()])
        sku, _ = Sku.objects.update_or_create(code=row["code"], defaults={
            "product": product, "name": name, "jan_code": row["jan"], "options": row["options"]})
        for store in stores:
            if not StockLevel.objects.filter(store=store, sku=sku).exists():
                set_stock_count(store=store, sku=sku, counted=rng.randint(0, 12), note="demo")


def _label_settings(account: EcAccount) -> None:
    """A sender and a B2 billing code in the demo's format, so the label export works out of the box."""
    LabelSettings.objects.get_or_create(account=account, defaults={
        "sender_name": "楽天デモショップ", "sender_kana": "ラクテンデモショップ", "sender_zip": "158-0094",
        "sender_address": "東京都世田谷区玉川1-14-1", "sender_phone": "03-1234-5678",
        "b2_billing_code": "031234567801", "yupri_label_code": "1100780"})


def match_sandbox_rounding(account: EcAccount, sandbox_url: str) -> None:
    """Give the sandbox shop the demo account's tax rounding, as a real shop sets the same rule in RMS and
    here; otherwise every order's per-rate tax would differ by a yen and arrive flagged."""
    body = {"tax_rounding_by_shop": {DEMO_SHOP: account.tax_rounding}}
    response = requests.patch(f"{sandbox_url.rstrip('/')}/_sandbox/config", json=body, timeout=10)
    response.raise_for_status()


def _templates(account: EcAccount) -> None:
    """Shared templates, picked by the demo account only where it has none picked yet."""
    for field, (name, subject, body) in TEMPLATES.items():
        template, _ = MailTemplate.objects.get_or_create(name=name, defaults={"subject": subject, "body": body})
        if getattr(account, f"{field}_id") is None:
            setattr(account, field, template)
            account.save(update_fields=[field])


def _account(stores) -> EcAccount:
    account, created = EcAccount.objects.get_or_create(
        name=DEMO_ACCOUNT,
        defaults={
            "shop_url": "https://www.rakuten.co.jp/rakutenlink-demo/",
            "service_secret": DEMO_SERVICE_SECRET,
            "license_key": DEMO_LICENSE_KEY,
            "smtp_id": DEMO_SMTP_ID,
            "smtp_password": DEMO_SMTP_PASSWORD,
            "smtp_from_address": "shop@example.com",
            "alert_email": "alerts@example.com",
            "safety_stock": 1,
            "invoice_issuer_name": "株式会社ラクテンリンク デモ",
            "invoice_registration_number": "T7000012050002",
            "shop_zip": "158-0094", "shop_address": "東京都世田谷区玉川1-14-1", "shop_phone": "03-1234-5678",
            "prohibited_words": "最安値\n日本一\n激安",
            # Staff approve each buyer message in the outbox first; approved ones go out through the demo's
            # local relay (manage.py demo_mail_relay), which keeps them as .eml files in var/demo-mail/.
            "hold_messages": True,
        },
    )
    if created:
        account.stores.set(stores)
    return account


def _sku(product, item: RmsItem, variant: RmsVariant) -> Sku:
    label = " / ".join(variant.selector_values.values())
    sku, _ = Sku.objects.update_or_create(
        code=variant.merchant_defined_sku_id,
        defaults={"product": product, "name": f"{item.title} {label}".strip()},
    )
    return sku


def _payment_methods(account) -> None:
    for code, name, rakuten_codes in PAYMENT_METHODS:
        method, _ = PaymentMethod.objects.update_or_create(code=code, defaults={"name": name})
        for rakuten_code in rakuten_codes:
            PaymentMethodMapping.objects.get_or_create(
                account=account, settlement_method_code=rakuten_code, defaults={"payment_method": method}
            )
