"""Realistic random orders: varied buyers, baskets, coupons, points, payment methods and tax rates.

All randomness comes from the state's seeded generator, so `random_seed` makes a run reproducible.
The output is a *partial* order that orders/factory.py completes, so random and hand-written orders
share one code path.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ..state import clock
from ..state.state import SandboxState
from .lines import SoldOut, random_line

FAMILY_NAMES = (
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
)
FIRST_NAMES = (
    ("翔太", "ショウタ", "男"),
    ("美咲", "ミサキ", "女"),
    ("大輔", "ダイスケ", "男"),
    ("陽子", "ヨウコ", "女"),
    ("健", "ケン", "男"),
    ("さくら", "サクラ", "女"),
    ("拓也", "タクヤ", "男"),
    ("由美", "ユミ", "女"),
)
ADDRESSES = (
    ("060", "0001", "北海道", "札幌市中央区", "北一条西2-1"),
    ("980", "0811", "宮城県", "仙台市青葉区", "一番町3-3-1"),
    ("150", "0002", "東京都", "渋谷区", "渋谷2-21-1 ヒカリエ101"),
    ("220", "0012", "神奈川県", "横浜市西区", "みなとみらい2-2-1"),
    ("460", "0008", "愛知県", "名古屋市中区", "栄3-5-1"),
    ("530", "0001", "大阪府", "大阪市北区", "梅田1-1-3"),
    ("600", "8216", "京都府", "京都市下京区", "東塩小路町721-1"),
    ("812", "0012", "福岡県", "福岡市博多区", "博多駅中央街1-1"),
    ("900", "0015", "沖縄県", "那覇市", "久茂地1-1-1"),
)
# Mostly card; COD, bank transfer and convenience-store prepayment as in a typical shop's mix.
SETTLEMENT_WEIGHTS = ((1, 70), (2, 10), (9, 5), (14, 5), (12, 5), (21, 5))
COUPONS = (
    ("SHOP300", "ショップ限定300円OFFクーポン", "ショップ", 1, 300),
    ("SHOP500", "ショップ限定500円OFFクーポン", "ショップ", 1, 500),
    ("RAKUTEN200", "楽天市場200円OFFクーポン", "サービス", 3, 200),
)


def masked_email(rng: random.Random) -> str:
    """楽天あんしんメルアド: buyers' real addresses are never shown to shops."""
    return f"{rng.getrandbits(96):024x}@pc.fw.rakuten.ne.jp"


def random_person(rng: random.Random) -> dict[str, Any]:
    family, family_kana = rng.choice(FAMILY_NAMES)
    first, first_kana, sex = rng.choice(FIRST_NAMES)
    zip1, zip2, prefecture, city, sub_address = rng.choice(ADDRESSES)
    return {
        "zipCode1": zip1,
        "zipCode2": zip2,
        "prefecture": prefecture,
        "city": city,
        "subAddress": sub_address,
        "familyName": family,
        "firstName": first,
        "familyNameKana": family_kana,
        "firstNameKana": first_kana,
        "phoneNumber1": "090",
        "phoneNumber2": f"{rng.randrange(10000):04d}",
        "phoneNumber3": f"{rng.randrange(10000):04d}",
        "emailAddress": masked_email(rng),
        "sex": sex,
        "birthYear": rng.randrange(1950, 2005),
        "birthMonth": rng.randrange(1, 13),
        "birthDay": rng.randrange(1, 29),
    }


def random_ordered_at(rng: random.Random, at: datetime, options: dict[str, Any]) -> datetime:
    """`orderDatetime` fixed, or uniform between `start` and `end` (default: now)."""
    if options.get("orderDatetime"):
        return clock.parse_flexible(str(options["orderDatetime"]))
    if options.get("start"):
        start = clock.parse_flexible(str(options["start"]))
        end = clock.parse_flexible(str(options["end"])) if options.get("end") else at
        span = max(int((end - start).total_seconds()), 0)
        return start + timedelta(seconds=rng.randrange(span + 1))
    return at


def random_partial(
    state: SandboxState, shop: str, rng: random.Random, at: datetime, options: dict[str, Any]
) -> dict[str, Any]:
    """A partial OrderModel; options: orderProgress, orderDatetime | start/end, items (manageNumbers)."""
    restrict = options.get("items")
    orderer = random_person(rng)
    code = rng.choices([c for c, _ in SETTLEMENT_WEIGHTS], weights=[w for _, w in SETTLEMENT_WEIGHTS])[0]
    basket_count = 2 if rng.random() < 0.1 else 1
    packages: list[dict[str, Any]] = []
    taken: dict[tuple[str, str], int] = {}  # what this order already holds, so its lines stay within stock
    for index in range(basket_count):
        sender = orderer if index == 0 else random_person(rng)
        lines = []
        for _ in range(rng.choices((1, 2, 3), (6, 3, 1))[0]):
            try:
                lines.append(random_line(state, shop, rng, restrict, taken))
            except SoldOut:
                if not lines and not packages:
                    raise
                break  # the rest of the shop is sold out: a smaller basket
        if not lines:
            break
        packages.append({"SenderModel": _sender(sender), "ItemModelList": _merge_same_sku(lines)})
    partial: dict[str, Any] = {
        "orderDatetime": clock.format_order_dt(random_ordered_at(rng, at, options)),
        "orderProgress": options.get("orderProgress", 100),
        "OrdererModel": orderer,
        "SettlementModel": {"settlementMethodCode": code},
        "PackageModelList": packages,
        "severalSenderFlag": 1 if basket_count > 1 else 0,
        "equalSenderFlag": 1 if basket_count == 1 else 0,
    }
    if rng.random() < 0.2:
        partial["CouponModelList"] = [_coupon(rng, at)]
    if rng.random() < 0.3:
        partial["PointModel"] = {"usedPoint": rng.choice((50, 100, 200, 300))}
    if rng.random() < 0.15:
        partial["remarks"] = "[配送日時指定:]\n午前中"
    if code == 2:
        partial["DeliveryModel"] = {"deliveryName": "宅配便（代金引換）", "deliveryClass": 0}
    return partial


def _sender(person: dict[str, Any]) -> dict[str, Any]:
    skip = ("emailAddress", "sex", "birthYear", "birthMonth", "birthDay")
    return {k: v for k, v in person.items() if k not in skip}


def _merge_same_sku(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """RMS puts one line per SKU in a basket; two draws of the same SKU become more units."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for line in lines:
        key = (line["manageNumber"], line["variantId"])
        if key in merged:
            merged[key]["units"] += line["units"]
        else:
            merged[key] = dict(line)
    return list(merged.values())


def _coupon(rng: random.Random, at: datetime) -> dict[str, Any]:
    code, name, capital, capital_code, price = rng.choice(COUPONS)
    return {
        "couponCode": f"{code}-{rng.randrange(10**6):06d}",
        "itemId": 0,
        "couponName": name,
        "couponSummary": name,
        "couponCapital": capital,
        "couponCapitalCode": capital_code,
        "expiryDate": (at + timedelta(days=30)).strftime("%Y-%m-%d"),
        "couponPrice": price,
        "couponUnit": 1,
        "couponTotalPrice": price,
        "itemDetailId": 0,
    }
