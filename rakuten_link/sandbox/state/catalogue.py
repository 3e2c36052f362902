"""The demo shop's catalogue: ~20 apparel-like items, ~60 SKUs, as plain data.

Shared by the sandbox's `demo` seed and the project's `demo_data` command, so local products and
SKUs match what the simulated Rakuten shop sells. Importing this module has no side effects.

Each entry: manageNumber, itemNumber, title, taxRate, genreId, selectors
[{key, displayName, values}], variants [{variantId, merchantDefinedSkuId, selectorValues, price}].
Single-SKU items have one variant and no selectors; one uses a migration-style id (`r-sku…`).
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

DEMO_SHOP = "000001"
DEMO_SERVICE_SECRET = "SP000001_sandboxsecret"
DEMO_LICENSE_KEY = "SL000001_sandboxlicense"

COLOR_CODES = {
    "ブラック": "blk",
    "ホワイト": "wht",
    "ネイビー": "nvy",
    "グレー": "gry",
    "ベージュ": "bei",
    "チャコール": "chr",
    "アイボリー": "ivr",
    "オリーブ": "olv",
    "ブルー": "blu",
    "レッド": "red",
    "カーキ": "kha",
}
APPAREL_GENRE = "551177"
GOODS_GENRE = "216131"
FOOD_GENRE = "100227"


def _product(
    manage_number: str,
    title: str,
    price: int,
    sizes: tuple[str, ...] = (),
    colors: tuple[str, ...] = (),
    *,
    tax_rate: float = 0.1,
    genre: str = APPAREL_GENRE,
    variant_id: str | None = None,
) -> dict[str, Any]:
    """One catalogue entry; variants are every size × color, ids like `tee01-m-blk` / `TEE01-M-BLK`."""
    selectors = []
    if sizes:
        selectors.append({"key": "size", "displayName": "サイズ", "values": list(sizes)})
    if colors:
        selectors.append({"key": "color", "displayName": "カラー", "values": list(colors)})
    variants = []
    for size, color in itertools.product(sizes or (None,), colors or (None,)):
        parts = [manage_number] + ([size.lower()] if size else []) + ([COLOR_CODES[color]] if color else [])
        vid = "-".join(parts) if selectors else (variant_id or manage_number)
        values = {k: v for k, v in (("size", size), ("color", color)) if v}
        variants.append(
            {
                "variantId": vid,
                "merchantDefinedSkuId": "-".join(parts).upper(),
                "selectorValues": values,
                "price": price,
            }
        )
    return {
        "manageNumber": manage_number,
        "itemNumber": manage_number,
        "title": title,
        "taxRate": tax_rate,
        "genreId": genre,
        "selectors": selectors,
        "variants": variants,
    }


DEMO_CATALOGUE: list[dict[str, Any]] = [
    _product("tee01", "ベーシック無地Tシャツ 綿100%", 2980, ("S", "M", "L"), ("ブラック", "ホワイト")),
    _product("tee02", "ポケット付きヘビーウェイトTシャツ", 3480, ("M", "L"), ("ネイビー", "グレー", "ホワイト")),
    _product("polo01", "鹿の子ポロシャツ 半袖", 3980, ("M", "L"), ("ホワイト", "ネイビー")),
    _product("hood01", "裏起毛スウェットパーカー", 5980, ("M", "L", "XL")),
    _product("shirt01", "オックスフォード ボタンダウンシャツ", 4980, ("S", "M", "L"), ("ブルー", "ホワイト")),
    _product("pants01", "ストレッチチノパンツ", 4980, ("W28", "W30", "W32")),
    _product("denim01", "ストレートデニムパンツ", 6980, ("W29", "W31", "W33")),
    _product("skirt01", "プリーツロングスカート", 4480, ("S", "M"), ("ブラック", "ベージュ")),
    _product("knit01", "ウールブレンド クルーネックニット", 6480, ("M", "L"), ("チャコール", "アイボリー")),
    _product("socks01", "リブソックス 3足セット", 1290, ("22-24cm", "24-26cm", "26-28cm")),
    _product("cap01", "コットンベースボールキャップ", 2480, (), ("ブラック", "カーキ"), genre=GOODS_GENRE),
    _product("tote01", "キャンバストートバッグ", 2980, genre=GOODS_GENRE),
    _product("scarf01", "カシミヤタッチ マフラー", 3280, (), ("グレー", "レッド", "ネイビー"), genre=GOODS_GENRE),
    _product("belt01", "本革レザーベルト", 3980, genre=GOODS_GENRE, variant_id="r-sku00000001"),
    _product("jacket01", "撥水ナイロンジャケット", 8980, ("M", "L"), ("ブラック", "オリーブ")),
    _product("inner01", "ヒートインナー 長袖", 1490, ("S", "M", "L")),
    _product("gloves01", "スマホ対応ニット手袋", 1980, genre=GOODS_GENRE),
    _product("umbrella01", "軽量折りたたみ傘", 2780, genre=GOODS_GENRE),
    _product("tea01", "有機栽培 煎茶 100g", 1080, tax_rate=0.08, genre=FOOD_GENRE),
    _product("coffee01", "ドリップコーヒー 10袋入り", 1280, tax_rate=0.08, genre=FOOD_GENRE),
]


def demo_catalogue() -> list[dict[str, Any]]:
    """A private copy of the catalogue, safe to modify."""
    return copy.deepcopy(DEMO_CATALOGUE)


def item_json(entry: dict[str, Any]) -> dict[str, Any]:
    """The Item API 2.0 body for one catalogue entry."""
    item: dict[str, Any] = {
        "manageNumber": entry["manageNumber"],
        "itemNumber": entry["itemNumber"],
        "title": entry["title"],
        "tagline": "",
        "itemType": "NORMAL",
        "genreId": entry["genreId"],
        "hideItem": False,
        "unlimitedInventoryFlag": False,
        "payment": {"taxIncluded": True, "taxRate": str(entry["taxRate"]), "cashOnDeliveryFeeIncluded": False},
        "variants": {
            v["variantId"]: {
                "merchantDefinedSkuId": v["merchantDefinedSkuId"],
                "selectorValues": dict(v["selectorValues"]),
                "standardPrice": str(v["price"]),
                "restockOnCancel": True,
                "hidden": False,
            }
            for v in entry["variants"]
        },
    }
    for v in entry["variants"]:
        if v.get("jan"):  # the JAN the shop gave (the demo's first-day items: first_day.py)
            item["variants"][v["variantId"]]["articleNumber"] = {"value": v["jan"]}
    if entry["selectors"]:
        item["variantSelectors"] = [
            {"key": s["key"], "displayName": s["displayName"], "values": [{"displayValue": v} for v in s["values"]]}
            for s in entry["selectors"]
        ]
    return item
