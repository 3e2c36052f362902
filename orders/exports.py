"""Rows of the order export: the header, then one row per order line carrying its order's columns.

lib/exports.py writes them as Excel or CSV. The header is fixed Japanese whatever the staff member's
language, like the other exports: it is a file format that spreadsheets and accounting imports are set up
against, so it must not change with the admin's language. Values that are labels (the Rakuten status, our
processing state) are Japanese for the same reason.

Memory stays flat: orders are read with iterator(chunk_size) and their packages, lines and shipments are
fetched per chunk of orders, so at most one chunk is held at a time. Only the fields a row shows are read:
`raw` (the marketplace's order JSON, the biggest column) never leaves the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import translation

from . import timeline
from .models import Order, OrderLine, OrderPackage, OrderProgress, OrderState, Shipment

CHUNK_SIZE = 500  # orders per chunk; also the length of each `order_id IN (…)` list (SQLite allows 999)
SHIPMENT_SEPARATOR = " / "
JST = ZoneInfo("Asia/Tokyo")  # Rakuten's order dates are Japanese dates, whatever TIME_ZONE the server runs in

ORDER_HEADER = [
    "注文番号", "注文日時", "楽天ステータスコード", "楽天ステータス", "処理状態",
    "購入者名", "購入者名（カナ）", "購入者電話番号", "購入者郵便番号", "購入者住所",
    "決済方法", "支払方法",
    "商品金額", "送料", "代引手数料", "決済手数料", "クーポン", "ポイント利用額", "合計金額", "請求金額",
]
PACKAGE_HEADER = [
    "送付先ID", "送付先名", "送付先名（カナ）", "送付先郵便番号", "送付先住所", "送付先電話番号",
    "配送会社コード", "配送会社", "お問い合わせ番号", "発送日",
]
LINE_HEADER = [
    "商品管理番号", "SKU管理番号", "SKUコード", "商品名", "SKU情報", "選択肢", "単価", "個数", "税率（%）", "小計",
]
HEADER = ORDER_HEADER + PACKAGE_HEADER + LINE_HEADER
# Shown as ¥ with thousands separators in Excel (lib/exports.py); CSV keeps plain numbers for imports.
MONEY_COLUMNS = frozenset({"商品金額", "送料", "代引手数料", "決済手数料", "クーポン", "ポイント利用額", "合計金額",
                           "請求金額", "単価", "小計"})
_BLANK_PACKAGE = [""] * len(PACKAGE_HEADER)  # a line without a package, an order without lines
_BLANK_LINE = [""] * len(LINE_HEADER)

# The fields each part of a row is read from, in column order (see the _columns functions below).
ORDER_FIELDS = (
    "id", "order_number", "ordered_at", "order_progress", "state",
    "buyer_name", "buyer_kana", "buyer_phone", "buyer_zip", "buyer_address",
    "settlement_method_name", "payment_method__name",
    "goods_price", "postage_price", "delivery_price", "payment_charge", "coupon_total", "used_point", "total_price",
    "request_price",
)
PACKAGE_FIELDS = ("id", "order_id", "basket_id", "recipient_name", "recipient_kana", "recipient_zip",
                  "recipient_address", "recipient_phone")
SHIPMENT_FIELDS = ("package_id", "delivery_company", "tracking_number", "shipped_on")
LINE_FIELDS = ("order_id", "package_id", "manage_number", "variant_id", "sku__code", "name", "sku_info",
               "selected_choice", "price", "units", "tax_rate")


def order_rows(orders: QuerySet[Order], *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """Header, then one row per line (oldest order first). An order without lines still gets one row.

    Rows are read as plain tuples (values_list), not model instances: building 40,000 model objects and
    Django's per-object prefetch managers cost more than writing the file. Per chunk of orders, three
    queries fetch its packages, shipments and lines, so the number of queries grows with the chunks only.
    """
    labels = _labels()
    yield HEADER
    ordered = orders.order_by("ordered_at", "id").values_list(*ORDER_FIELDS)
    chunk: list[tuple] = []
    for order in ordered.iterator(chunk_size=chunk_size):
        chunk.append(order)
        if len(chunk) == chunk_size:
            yield from _chunk_rows(chunk, labels)
            chunk = []
    yield from _chunk_rows(chunk, labels)


def order_rows_by_id(ids: Sequence[int], *, chunk_size: int = CHUNK_SIZE,
                     progress: Callable[[int], None] | None = None) -> Iterator[list]:
    """Header, then the rows of the orders in ``ids``, in that order: what a worker exports for a job.

    The ids were fixed when staff asked (orders.reports); an order deleted since is left out. ``progress``
    gets the number of orders written after each chunk.
    """
    labels = _labels()
    yield HEADER
    for start in range(0, len(ids), chunk_size):
        part = ids[start:start + chunk_size]
        found = {order[0]: order for order in Order.objects.filter(pk__in=part).values_list(*ORDER_FIELDS)}
        yield from _chunk_rows([found[pk] for pk in part if pk in found], labels)
        if progress is not None:
            progress(start + len(part))


def export_line_count(orders: QuerySet[Order]) -> int:
    """The rows an export of these orders will have, near enough (its lines) to decide on a job."""
    return OrderLine.objects.filter(order__in=orders.order_by().values("pk"), removed=False).count()


def _chunk_rows(orders: list[tuple], labels: dict) -> Iterator[list]:
    if not orders:
        return
    ids = [order[0] for order in orders]
    packages = _packages(ids)
    lines: dict[int, list[tuple]] = defaultdict(list)
    line_rows = OrderLine.objects.filter(order_id__in=ids, removed=False).order_by("id").values_list(*LINE_FIELDS)
    for line in line_rows:  # removed lines (deleted by the marketplace) are history, not part of the order
        lines[line[0]].append(line)
    for order in orders:
        head = _order_columns(order, labels)
        own = packages.get(order[0], {})
        if not lines[order[0]]:
            yield head + next(iter(own.values()), _BLANK_PACKAGE) + _BLANK_LINE
        for line in lines[order[0]]:
            yield head + own.get(line[1], _BLANK_PACKAGE) + _line_columns(line)


def _packages(ids: list[int]) -> dict[int, dict[int, list]]:
    """order id → package id → the package's columns, shipments joined per column (deleted ones left out)."""
    shipments: dict[int, list[tuple]] = defaultdict(list)
    live = Shipment.objects.filter(order_id__in=ids, deleted=False).order_by("shipped_on", "id")
    for shipment in live.values_list(*SHIPMENT_FIELDS):
        shipments[shipment[0]].append(shipment)
    packages: dict[int, dict[int, list]] = defaultdict(dict)
    for package in OrderPackage.objects.filter(order_id__in=ids).order_by("id").values_list(*PACKAGE_FIELDS):
        packages[package[1]][package[0]] = [*package[2:], *_shipment_columns(shipments.get(package[0], []))]
    return packages


def jst_order_date_range(since: date | None, until: date | None) -> dict:
    """Filter keywords for order dates from `since` to `until`, both inclusive, as calendar days in JST."""
    lookups = {}
    if since is not None:
        lookups["ordered_at__gte"] = datetime.combine(since, time.min, tzinfo=JST)
    if until is not None:
        lookups["ordered_at__lt"] = datetime.combine(until + timedelta(days=1), time.min, tzinfo=JST)
    return lookups


def _labels() -> dict:
    """Status and state labels in Japanese, worked out once before the first row.

    Not with translation.override() around the loop: a generator is suspended between rows, and the
    override would leak into whatever the caller does meanwhile (the admin's own messages).
    """
    with translation.override("ja"):
        return {
            "progress": {code: str(label) for code, label in OrderProgress.choices},
            "state": {value: str(label) for value, label in OrderState.choices},
        }


def _order_columns(order: tuple, labels: dict) -> list:
    """A status code Rakuten adds later has no label yet: the code column still holds it."""
    _pk, number, ordered_at, progress, state = order[:5]
    return [number, _jst(ordered_at), progress, labels["progress"].get(progress, ""), labels["state"].get(state, state),
            *order[5:11], order[11] or "", *order[12:]]


def _shipment_columns(shipments: list[tuple]) -> list[str]:
    return [
        SHIPMENT_SEPARATOR.join(s[1] for s in shipments),
        SHIPMENT_SEPARATOR.join(timeline.NAMES.carrier(s[1]) for s in shipments),
        SHIPMENT_SEPARATOR.join(s[2] for s in shipments),
        SHIPMENT_SEPARATOR.join(s[3].isoformat() for s in shipments),
    ]


def _line_columns(line: tuple) -> list:
    manage_number, variant_id, sku_code, name, sku_info, choice, price, units, tax_rate = line[2:]
    return [manage_number, variant_id, sku_code or "", name, sku_info, choice, price, units, _percent(tax_rate),
            price * units]


def _jst(moment: datetime) -> datetime:
    """The order date as a JST wall-clock time without tzinfo (Excel holds no time zones), to the second."""
    return moment.astimezone(JST).replace(tzinfo=None, microsecond=0)


@lru_cache(maxsize=64)
def _percent(rate: Decimal) -> int | Decimal:
    """0.100 → 10; a rate that is not a whole percent keeps its decimals."""
    percent = (Decimal(rate) * 100).normalize()
    return int(percent) if percent == percent.to_integral_value() else percent

