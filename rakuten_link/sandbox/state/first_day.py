"""The demo shop's first day: items already on Rakuten that the demo does not map, and our SKUs for them.

The `demo` seed lists them after the 20 mapped items (catalogue.py) and `demo_data` creates our products
for the matchable ones without mapping them, so a new user sees the mapping assistant at work: pull the
catalogue, accept the high-confidence proposals, and what is left to map or to create from Rakuten. They
arrive the way real shops' codes do (``KIND``): our SKU code as is, the same code in full-width or with
odd hyphens, no code but the JAN, no code but the 商品番号 and the choice values, only a similar title,
and items we do not sell at all. Random orders do not draw from them (the seed's ``order_items``), so the
demo's orders keep arriving matched. Plain data, Django-free, like catalogue.py.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from .big_catalogue import full_width
from .catalogue import COLOR_CODES, GOODS_GENRE, _product

SIZE, COLOR = "サイズ", "カラー"
EXACT, NORMALISED, JAN, ITEM_OPTIONS, NAME, NONE = "exact", "normalised", "jan", "item_options", "name", "none"
ODD_HYPHENS = ("ー", "_", " ", "‐", "－", "−")  # what a spreadsheet or an input method puts for "-"


def jan(body: str) -> str:
    """A 13-digit JAN from its first 12 digits (the check digit computed)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _ours(entry: dict[str, Any], product_code: str, name: str, codes: list[str],
          jans: Sequence[str] = ()) -> None:
    """Record on each variant the SKU of ours it is (code, product, options by display name, JAN)."""
    names = {s["key"]: s["displayName"] for s in entry["selectors"]}
    for index, (variant, code) in enumerate(zip(entry["variants"], codes, strict=True)):
        options = {names[key]: value for key, value in variant["selectorValues"].items()}
        variant["ours"] = {"code": code, "product_code": product_code, "product_name": name, "options": options,
                           "jan": jans[index] if jans else "", "price": variant["price"]}


def _plain(entry: dict[str, Any], *, item_number: str = "", title: str = "", ids: str = "") -> dict[str, Any]:
    """No merchantDefinedSkuId (the shop never filled it in); variantIds in RMS's migration style."""
    for index, variant in enumerate(entry["variants"], start=1):
        variant["merchantDefinedSkuId"] = ""
        if ids:
            variant["variantId"] = f"r-sku{ids}{index:04d}"
    entry["itemNumber"] = item_number or entry["itemNumber"]
    entry["title"] = title or entry["title"]
    return entry


def _exact() -> list[dict[str, Any]]:
    linen = _product("linen01", "リネン混 バンドカラーシャツ", 5480, ("S", "M", "L"), ("ホワイト", "ベージュ"))
    sweat = _product("sweat02", "クルーネック スウェットシャツ", 4980, ("M", "L", "XL"))
    for entry in (linen, sweat):
        _ours(entry, entry["manageNumber"].upper(), entry["title"],
              [v["merchantDefinedSkuId"] for v in entry["variants"]])
    return [linen, sweat]


def _normalised() -> list[dict[str, Any]]:
    cardigan = _product("cardi01", "コットン Vネックカーディガン", 5980, ("S", "M", "L"), ("ネイビー", "グレー"))
    shorts = _product("shorts01", "スウェット ショートパンツ", 3480, ("M", "L", "XL"))
    for entry in (cardigan, shorts):
        _ours(entry, entry["manageNumber"].upper(), entry["title"],
              [v["merchantDefinedSkuId"] for v in entry["variants"]])
    for variant in cardigan["variants"]:  # typed with a Japanese input method: full-width
        variant["merchantDefinedSkuId"] = full_width(variant["merchantDefinedSkuId"])
    for variant, hyphen in zip(shorts["variants"], ODD_HYPHENS, strict=False):
        variant["merchantDefinedSkuId"] = variant["merchantDefinedSkuId"].replace("-", hyphen)
    shorts["variants"][1]["merchantDefinedSkuId"] = shorts["variants"][1]["merchantDefinedSkuId"].lower()
    return [cardigan, shorts]


def _by_jan() -> list[dict[str, Any]]:
    towel = _plain(_product("towel01", "今治タオル フェイスタオル", 1280, (), ("ホワイト", "グレー", "ネイビー"),
                            genre=GOODS_GENRE))
    mug = _plain(_product("mug01", "波佐見焼 マグカップ", 2200, genre=GOODS_GENRE))
    towel_jans = [jan(f"49012345{n:04d}") for n in (101, 102, 103)]
    for variant, code in zip(towel["variants"], towel_jans, strict=True):
        variant["jan"] = code
    mug["variants"][0]["jan"] = jan("490123450201")
    _ours(towel, "IMT-100", "今治フェイスタオル", [f"IMT-100-{c}" for c in ("WHT", "GRY", "NVY")], towel_jans)
    _ours(mug, "HSM-200", "波佐見焼マグ", ["HSM-200"], [mug["variants"][0]["jan"]])
    return [towel, mug]


def _by_item_number() -> list[dict[str, Any]]:
    bag = _plain(_product("bag02", "2WAY ショルダーバッグ 撥水", 6980, (), ("ブラック", "ベージュ", "カーキ"),
                          genre=GOODS_GENRE), item_number="BG-2207", ids="0201")
    _ours(bag, "BG-2207", "ショルダーバッグ", [f"BG2207{COLOR_CODES[v['selectorValues']['color']].upper()}"
                                              for v in bag["variants"]])
    return [bag]


def _by_name() -> list[dict[str, Any]]:
    vest = _plain(_product("vest01", "ウォッシャブルニットベスト", 3980, ("M", "L")), item_number="rk10001",
                  title="【送料無料】ウォッシャブルニットベスト レディース 春 重ね着", ids="0301")
    _ours(vest, "KV-300", "ウォッシャブルニットベスト", ["KV-300-M", "KV-300-L"])
    return [vest]


def _not_ours() -> list[dict[str, Any]]:
    """Items with no counterpart here: left to map, or to create from Rakuten."""
    gift = _product("gift01", "ギフトラッピング（有料）", 330, genre=GOODS_GENRE)
    gift["variants"][0]["merchantDefinedSkuId"] = "GIFT-WRAP"
    mask = _product("mask01", "接触冷感マスク 3枚入り", 980, (), ("ホワイト", "グレー", "ブラック"), genre=GOODS_GENRE)
    outlet = _plain(_product("outlet01", "【訳あり】アウトレット Tシャツ", 1480, ("M", "L")), ids="0401")
    return [gift, mask, outlet]


def _build() -> list[dict[str, Any]]:
    groups = ((EXACT, _exact()), (NORMALISED, _normalised()), (JAN, _by_jan()), (ITEM_OPTIONS, _by_item_number()),
              (NAME, _by_name()), (NONE, _not_ours()))
    entries = []
    for kind, group in groups:
        for entry in group:
            entry["kind"] = kind
            entries.append(entry)
    return entries


FIRST_DAY_CATALOGUE: list[dict[str, Any]] = _build()


def first_day_catalogue() -> list[dict[str, Any]]:
    """A private copy of the first-day items, safe to modify."""
    return copy.deepcopy(FIRST_DAY_CATALOGUE)


def our_first_day_skus() -> list[dict[str, Any]]:
    """Our SKUs for the first-day variants that have a counterpart: code, product_code, product_name, options,
    jan, price."""
    return [dict(v["ours"]) for entry in FIRST_DAY_CATALOGUE for v in entry["variants"] if "ours" in v]


def first_day_truth() -> dict[tuple[str, str], str | None]:
    """(manageNumber, variantId) → the code of our SKU it is, None when we do not sell it."""
    return {(entry["manageNumber"], v["variantId"]): v["ours"]["code"] if "ours" in v else None
            for entry in FIRST_DAY_CATALOGUE for v in entry["variants"]}


def first_day_kinds() -> dict[tuple[str, str], str]:
    """(manageNumber, variantId) → how its code arrives (``EXACT`` … ``NONE``)."""
    return {(entry["manageNumber"], v["variantId"]): entry["kind"]
            for entry in FIRST_DAY_CATALOGUE for v in entry["variants"]}
