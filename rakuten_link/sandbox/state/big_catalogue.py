"""A realistic shop catalogue for the `catalogue` seed: ~3,000 items, 20,000 variants, and the truth about them.

Deterministic (one ``random.Random(seed)``): the same arguments give the same items, the same SKUs of ours
and the same answers, so a benchmark or a test can measure the matching's precision and recall against
``SeededCatalogue.truth``. Django-free, like the rest of the sandbox.

Each item is drawn as one *kind*, the way real shops arrive (the share is in ``KINDS``):

- ``exact``: merchantDefinedSkuId is our SKU code, character for character;
- ``normalised``: the same code in full-width, lower case, or with odd hyphens (‐ － ー _ or a space);
- ``jan``: no merchantDefinedSkuId, the variant's articleNumber is our SKU's JAN;
- ``item_number``: no merchantDefinedSkuId, itemNumber = our product code, choices = our options;
- ``pre_sku``: an unmigrated item (``legacyChoices``, 横軸 カラー / 縦軸 サイズ), itemNumber = our product code;
- ``name``: nothing but the title and choices resemble ours (only a low-confidence match is right);
- ``unmatched``: an item we do not sell (truth None).

Some items are hidden (hideItem) whatever their kind; some of our SKUs are on no Rakuten item at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

KINDS = (("exact", 60), ("normalised", 10), ("jan", 8), ("item_number", 7), ("pre_sku", 5), ("name", 5),
         ("unmatched", 5))
PREFIXES = (("TS", "コットンTシャツ"), ("PT", "ストレッチパンツ"), ("KN", "ウールニット"),
            ("SH", "オックスフォードシャツ"), ("BG", "キャンバスバッグ"), ("CP", "ベースボールキャップ"),
            ("SK", "リブソックス"), ("JK", "ナイロンジャケット"))
SIZES = ("XS", "S", "M", "L", "XL", "XXL")
COLORS = (("ブラック", "BLK"), ("ホワイト", "WHT"), ("ネイビー", "NVY"), ("グレー", "GRY"), ("ベージュ", "BEI"),
          ("レッド", "RED"), ("カーキ", "KHA"))
ODD_HYPHENS = ("‐", "－", "ー", "_", " ", "−")
SIZE_NAME, COLOR_NAME = "サイズ", "カラー"
JST = timezone(timedelta(hours=9))
EXTRA_SKUS_PER_100 = 5  # SKUs of ours that no Rakuten item sells


@dataclass
class SeededCatalogue:
    """What the seed put on Rakuten, what we hold, and which of our SKU codes each variant should match."""

    items: list[dict[str, Any]] = field(default_factory=list)  # Item API 2.0 bodies (legacy ones included)
    updated: dict[str, datetime] = field(default_factory=dict)  # manageNumber → its `updated` time
    quantities: dict[tuple[str, str], int] = field(default_factory=dict)  # (manageNumber, variantId) → stock
    skus: list[dict[str, Any]] = field(default_factory=list)  # ours: code, product_code, product_name, name,
    # options {サイズ, カラー}, jan, price
    truth: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (manageNumber, variantId) → our code
    kinds: dict[tuple[str, str], str] = field(default_factory=dict)  # (manageNumber, variantId) → kind above

    @property
    def variant_count(self) -> int:
        return len(self.truth)


def jan_code(rng: random.Random) -> str:
    """A 13-digit JAN (prefix 45/49) with a correct check digit."""
    body = rng.choice(("45", "49")) + "".join(str(rng.randrange(10)) for _ in range(10))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def mangle(code: str, rng: random.Random) -> str:
    """Our code as shops mistype it: full-width, lower case, or another hyphen."""
    way = rng.randrange(3)
    if way == 0:
        return full_width(code)
    if way == 1:
        return code.lower()
    return code.replace("-", rng.choice(ODD_HYPHENS))


def _kind(rng: random.Random) -> str:
    roll = rng.randrange(sum(weight for _, weight in KINDS))
    for name, weight in KINDS:
        if roll < weight:
            return name
        roll -= weight
    raise AssertionError("unreachable")


def _axes(rng: random.Random, room: int) -> list[tuple[str | None, tuple[str, str] | None]]:
    """(size, colour) pairs of one item: 1 to 12 variants, never more than ``room``."""
    shape = rng.randrange(4)
    if shape == 0 or room == 1:
        return [(None, None)]
    sizes = list(SIZES[rng.randrange(2): rng.randrange(3, 7)])
    colors: list[tuple[str, str] | None] = list(rng.sample(COLORS, rng.randrange(1, 4))) if shape != 1 else [None]
    pairs: list[tuple[str | None, tuple[str, str] | None]] = [(size, color) for size in sizes for color in colors]
    return pairs[:room]


def build_catalogue(variants: int = 20_000, seed: int = 2026,
                    start: datetime | None = None) -> SeededCatalogue:
    """The catalogue with exactly ``variants`` variants; items last updated 30+ days before ``start``."""
    rng = random.Random(seed)
    base = (start or datetime(2026, 12, 1, 9, 0, tzinfo=JST)) - timedelta(days=60)
    out = SeededCatalogue()
    number = 0
    while out.variant_count < variants:
        number += 1
        _add_item(out, rng, number, variants - out.variant_count, base + timedelta(minutes=number))
    for extra in range(variants * EXTRA_SKUS_PER_100 // 100 // 6):
        prefix, label = PREFIXES[extra % len(PREFIXES)]
        code = f"{prefix}-9{extra:04d}"
        out.skus.append(_sku(code, f"{label} {extra}", code, {}, "", 1980))
    return out


def _sku(code: str, product_name: str, product_code: str, options: dict[str, str], jan: str,
         price: int) -> dict[str, Any]:
    name = " ".join([product_name, *options.values()])
    return {"code": code, "product_code": product_code, "product_name": product_name, "name": name,
            "options": options, "jan": jan, "price": price}


def _add_item(out: SeededCatalogue, rng: random.Random, number: int, room: int, updated: datetime) -> None:
    kind = _kind(rng)
    prefix, label = PREFIXES[rng.randrange(len(PREFIXES))]
    product_code = f"{prefix}-{number:04d}" if kind != "unmatched" else f"ZZ-{number:04d}"
    product_name = f"{label} {number:04d}"
    manage_number = product_code.lower()
    price = rng.randrange(10, 120) * 100 - 20
    pairs = _axes(rng, room)
    if kind == "pre_sku" and pairs == [(None, None)]:
        kind = "exact"  # an item without 横軸/縦軸 had no choices to migrate
    item: dict[str, Any] = {
        "manageNumber": manage_number, "title": product_name, "itemType": "NORMAL", "genreId": "551177",
        "itemNumber": f"rk{number:05d}" if kind == "name" else product_code,
        "hideItem": rng.random() < 0.05,
    }
    if kind == "name":
        item["title"] = f"【送料無料】{label}{number:04d} 人気"
    variants: dict[str, Any] = {}
    choices = []
    for index, (size, color) in enumerate(pairs, start=1):
        options = {k: v for k, v in ((SIZE_NAME, size), (COLOR_NAME, color[0] if color else None)) if v}
        code = "-".join([product_code] + ([size] if size else []) + ([color[1]] if color else []))
        jan = jan_code(rng) if kind == "jan" or rng.random() < 0.3 else ""
        if kind != "unmatched":
            out.skus.append(_sku(code, product_name, product_code, options, jan, price))
        if kind == "pre_sku":
            variant_id = f"{color[0] if color else ''}×{size or ''}"
            choices.append({"h": color[0] if color else "", "v": size or ""})
        else:
            variant_id = f"r-sku{number * 100 + index:08d}" if kind in ("item_number", "name") else code.lower()
            variants[variant_id] = _variant(kind, code, jan, options, price, rng)
            out.quantities[(manage_number, variant_id)] = rng.randrange(0, 60)
        out.truth[(manage_number, variant_id)] = None if kind == "unmatched" else code
        out.kinds[(manage_number, variant_id)] = kind
    if kind == "pre_sku":
        item["legacyChoices"] = {"horizontalName": COLOR_NAME, "verticalName": SIZE_NAME, "choices": choices}
        item["standardPrice"] = str(price)
    else:
        item["variants"] = variants
        item["variantSelectors"] = _selectors(pairs)
    if not item.get("variantSelectors"):
        item.pop("variantSelectors", None)
    out.items.append(item)
    out.updated[manage_number] = updated


def _variant(kind: str, code: str, jan: str, options: dict[str, str], price: int,
             rng: random.Random) -> dict[str, Any]:
    msku = {"exact": code, "normalised": mangle(code, rng), "unmatched": code}.get(kind, "")
    keys = {SIZE_NAME: "size", COLOR_NAME: "color"}
    variant: dict[str, Any] = {
        "merchantDefinedSkuId": msku, "selectorValues": {keys[name]: value for name, value in options.items()},
        "standardPrice": str(price), "hidden": rng.random() < 0.02,
    }
    if jan and (kind == "jan" or rng.random() < 0.5):
        variant["articleNumber"] = {"value": jan}
    return variant


def _selectors(pairs: list[tuple[str | None, tuple[str, str] | None]]) -> list[dict[str, Any]]:
    sizes = list(dict.fromkeys(size for size, _ in pairs if size))
    colors = list(dict.fromkeys(color[0] for _, color in pairs if color))
    selectors = []
    if sizes:
        selectors.append({"key": "size", "displayName": SIZE_NAME, "values": [{"displayValue": s} for s in sizes]})
    if colors:
        selectors.append({"key": "color", "displayName": COLOR_NAME,
                          "values": [{"displayValue": c} for c in colors]})
    return selectors
