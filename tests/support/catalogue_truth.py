"""A seeded catalogue with a known truth, for the matching tests and bench/bench_matching.py.

Our master: products of several SKUs (colour × size), each SKU with a code, options and often a JAN.
Rakuten: most products listed once, their variants carrying the shop's data as real shops keep it —
the exact code, the code typed differently (full-width, odd hyphens, case, spaces), no code but a JAN,
only 商品番号 and the choice values, only the product name in a long title, or nothing we know (variants
of products missing from the master, with codes and names of their own, a fifth of them under a title that
names one of our products). Traps as in real data: one JAN on every SKU of some products, and some SKUs
listed twice (in two items: both variants are that SKU, and neither may be taken in bulk). Truth: variant
key → SKU key, or None where no SKU of ours is that variant.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from rakuten_link.assistant.engine import SkuRecord, VariantRecord

COLOURS = ("ブラック", "ホワイト", "ネイビー", "レッド", "グレー", "ベージュ", "カーキ", "ブルー")
SIZES = ("XS", "S", "M", "L", "XL", "XXL", "F")
WORDS = ("ベーシック", "オーガニック", "ストレッチ", "ワイド", "スリム", "リネン", "コットン", "ウール", "デニム",
         "レザー")
NOUNS = ("Tシャツ", "パンツ", "シャツ", "ニット", "ジャケット", "スカート", "バッグ", "キャップ", "ソックス",
         "マグカップ")
DASHES = "‐−ーｰ－–—"
# How the shop's Rakuten data names each variant, with weights.
KINDS = (("exact", 55), ("respelled", 12), ("jan", 8), ("item_options", 10), ("name", 5), ("unknown", 10))


@dataclass
class Seeded:
    variants: list[VariantRecord] = field(default_factory=list)
    skus: list[SkuRecord] = field(default_factory=list)
    truth: dict[int, int | None] = field(default_factory=dict)
    kind: dict[int, str] = field(default_factory=dict)


def respell(code: str, rng: random.Random) -> str:
    """The same code as another system or a Japanese input method writes it."""
    choice = rng.randrange(4)
    if choice == 0:
        return unicodedata.normalize("NFKC", code).translate({ord(c): ord(c) + 0xFEE0 for c in code if "!" <= c <= "~"})
    if choice == 1:
        return code.replace("-", rng.choice(DASHES))
    if choice == 2:
        return code.lower().replace("-", "_")
    return code.replace("-", " ").lower()


def seeded_catalogue(n_skus: int = 20_000, n_variants: int = 20_000, seed: int = 20) -> Seeded:
    rng = random.Random(seed)
    out = Seeded()
    products = _products(rng, n_skus)
    for product in products:
        out.skus += product["skus"]
    listed = [sku for product in products for sku in product["skus"]]
    rng.shuffle(listed)
    product_of = {sku.key: product for product in products for sku in product["skus"]}
    key = 0
    weights = [w for _k, w in KINDS]
    while key < n_variants:
        kind = rng.choices([k for k, _w in KINDS], weights)[0]
        key += 1
        if kind == "unknown" or not listed:
            out.variants.append(_stranger(rng, key, rng.choice(products)["name"] if rng.random() < .2 else ""))
            out.truth[key], out.kind[key] = None, "unknown"
            continue
        sku = listed.pop()
        out.variants.append(_variant(rng, key, kind, sku, product_of[sku.key]))
        out.truth[key], out.kind[key] = sku.key, kind
        if kind == "exact" and rng.random() < 0.02 and key < n_variants:  # listed again in a second item
            key += 1
            out.variants.append(_variant(rng, key, kind, sku, product_of[sku.key]))
            out.truth[key], out.kind[key] = sku.key, "twice"
    return out


def _products(rng: random.Random, n_skus: int) -> list[dict]:
    products, key, n = [], 0, 0
    while key < n_skus:
        n += 1
        code = f"{rng.choice('ABCDEFGHJKLMNPRSTW')}{rng.choice('ABCDEFGHJKLMNPRSTW')}-{n:05d}"
        name = f"{rng.choice(WORDS)}{rng.choice(NOUNS)} {rng.choice(WORDS)}{n}"
        colours = rng.sample(COLOURS, rng.randint(1, 3))
        sizes = rng.sample(SIZES, rng.randint(1, 4))
        skus = []
        shared_jan = rng.random() < 0.05  # a sloppy master: one JAN for every SKU of the product
        for colour in colours:
            for size in sizes:
                key += 1
                options = tuple(v for v in (colour, size) if len(colours) > 1 or len(sizes) > 1 or rng.random() < .5)
                jan = f"49{key:010d}" if rng.random() < 0.7 else ""
                jan = jan + str(_check_digit(jan)) if jan else ""
                jan = skus[0].jan if shared_jan and skus else jan
                skus.append(SkuRecord(key, f"{code}-{COLOURS.index(colour)}{size}", code, name, jan, options))
        products.append({"code": code, "name": name, "skus": skus})
    return products


def _check_digit(twelve: str) -> int:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve))
    return (10 - total % 10) % 10


def _variant(rng: random.Random, key: int, kind: str, sku: SkuRecord, product: dict) -> VariantRecord:
    manage = f"r{key:06d}"  # the shop's own item keys: never our codes
    title = f"【送料無料】{product['name']} 春夏 人気 ランキング"
    values = tuple(rng.choice((v, unicodedata.normalize("NFKC", v).upper())) for v in sku.values)
    if kind == "exact":
        return VariantRecord(key, manage, f"v{key}", merchant_sku=sku.code, title=title, values=values)
    if kind == "respelled":
        return VariantRecord(key, manage, f"v{key}", merchant_sku=respell(sku.code, rng), title=title, values=values)
    if kind == "jan":
        if not sku.jan:
            return VariantRecord(key, manage, f"v{key}", item_number=respell(product["code"], rng), title=title,
                                 values=values)
        return VariantRecord(key, manage, f"v{key}", jan=sku.jan, title=title, values=values)
    if kind == "item_options":
        return VariantRecord(key, manage, f"v{key}", item_number=respell(product["code"], rng), title=title,
                             values=values)
    return VariantRecord(key, manage, f"v{key}", item_number=f"X{key}", title=title, values=values)


def _stranger(rng: random.Random, key: int, name: str) -> VariantRecord:
    """A variant of a product we do not have: its own code, JAN and item number; its title may name ours."""
    return VariantRecord(key, f"z{key:06d}", f"v{key}", item_number=f"ZZ-{key}", merchant_sku=f"ZZ-{key}-{key % 7}",
                         jan=f"45{key:010d}" + "0", title=f"セール {name or rng.choice(NOUNS)} 互換品 お買い得",
                         values=(rng.choice(SIZES),))
