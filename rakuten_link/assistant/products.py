"""Our products and SKUs created from the Rakuten catalogue, for a shop whose product master is Rakuten.

Each unmapped variant of the account becomes one SKU of ours (code: its merchantDefinedSkuId, else
``<manageNumber>-<variantId>``; name: its choice values, else the item title; options: its selectors by
display name; JAN when it is one) under one product per item (code: 商品番号, else manageNumber; name: the
title; price: the item's), and is mapped to it. A SKU code we already have is mapped, not created again.
The products and SKUs are written by the SKU CSV import (inventory/sku_imports.py: its checks, all rows
or none), the mappings by the assistant's writer (accept.py). With a store, Rakuten's quantity of each
new SKU becomes its opening count there: a stock movement through inventory.services with a key of its
own, so the ledger explains every unit and a second run never counts it again. Mapped variants are left
out, so running the import again changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from inventory.models import MovementKind, Product, Sku, StockMovement, Store
from inventory.services import MovementSpec, apply_stock_movements
from inventory.sku_imports import SkuImportReport, import_skus_csv
from inventory.sku_rows import MAX_OPTIONS
from lib.audit import record_action
from rakuten_link.assistant.accept import create_mappings, finish
from rakuten_link.assistant.normalise import jan_key
from rakuten_link.assistant.proposals import legacy_choices, mapped_variant_keys
from rakuten_link.models import CatalogueVariant

MAX_CODE = 64  # Sku.code and Product.code
PREVIEW_ROWS = 200
BACKGROUND_ABOVE = 2000  # variants: more are created by a worker, not within the page's request (bench_matching)
HEADER = ["商品コード", "商品名", "価格", "SKUコード", "SKU名", "JANコード"] + [
    label for n in range(1, MAX_OPTIONS + 1) for label in (f"選択肢名{n}", f"選択肢{n}")]


@dataclass
class Planned:
    variant: int
    label: str  # manageNumber / variantId, for staff
    product_code: str
    product_name: str
    price: int | None
    sku_code: str
    sku_name: str
    jan: str
    options: dict
    quantity: int | None
    new: bool  # False: a SKU of ours has this code already (mapped, not created)


@dataclass
class ProductImport:
    planned: list[Planned] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # variants left out, and why
    errors: list[str] = field(default_factory=list)  # the SKU import's refusals: nothing was written
    products_created: int = 0
    skus_created: int = 0
    mappings_created: int = 0
    opening_skus: int = 0
    opening_units: int = 0
    dry_run: bool = False

    @property
    def preview(self) -> list[Planned]:
        return self.planned[:PREVIEW_ROWS]


def import_catalogue_products(account: EcAccount, *, store: Store | None = None, user=None,
                              dry_run: bool = False) -> ProductImport:
    report = ProductImport(dry_run=dry_run)
    report.planned = _plan(account, report)
    new = [p for p in report.planned if p.new]
    try:
        with transaction.atomic():
            written = _import(account, new, store, user, report)
    except IntegrityError:  # a code or a mapping was added by someone else between the check and the write
        report.errors = [_("A SKU code or a mapping of these was added by someone else meanwhile; nothing was "
                           "written. Try again.")]
        return report
    if written is not None:
        finish(account, *written, user=user, how=_("products created from Rakuten"))
    return report


def _import(account, new: list[Planned], store: Store | None, user, report: ProductImport):
    """The SKU import, then the mappings and opening counts; None when nothing was written (refused, dry run)."""
    products_before = Product.objects.count()
    sku_report = import_skus_csv(_csv(new, _existing_products(new)), dry_run=report.dry_run) if new \
        else SkuImportReport()
    report.errors = [f"{_line_label(new, e.line)}{e.column}: {e.message}" for e in sku_report.errors]
    report.skus_created = sku_report.created
    if report.errors or report.dry_run:
        report.products_created = len({p.product_code for p in new} - _existing_products(new))
        report.opening_skus = sum(1 for p in new if store is not None and (p.quantity or 0) > 0)
        report.opening_units = sum(p.quantity or 0 for p in new if store is not None)
        return None
    report.products_created = Product.objects.count() - products_before
    codes = _by_chunk(lambda chunk: Sku.objects.filter(code__in=chunk).values_list("code", "pk"),
                      [p.sku_code for p in report.planned])
    accepted, manage_numbers = create_mappings(account, [(p.variant, codes[p.sku_code]) for p in report.planned],
                                               one_to_one=False)
    report.mappings_created = accepted.created
    if store is not None:
        _opening_counts(account, store, [p for p in new if p.quantity], codes, user, report)
    return accepted, manage_numbers


def _plan(account: EcAccount, report: ProductImport) -> list[Planned]:
    by_variant, legacy = mapped_variant_keys(account)
    variants = (CatalogueVariant.objects.filter(account=account, gone_at__isnull=True, item__gone_at__isnull=True)
                .select_related("item").order_by("item__manage_number", "pk"))
    planned, codes = [], set()
    for variant in variants.iterator(chunk_size=2000):
        item, manage_number = variant.item, variant.item.manage_number.lower()
        if (manage_number, variant.variant_id) in by_variant or (
                variant.pre_sku and (manage_number, *legacy_choices(variant.variant_id)) in legacy):
            continue
        label = f"{item.manage_number} / {variant.variant_id}"
        code = variant.merchant_sku_id.strip() or f"{item.manage_number}-{variant.variant_id}"
        product_code = (item.item_number or item.manage_number).strip()
        if len(code) > MAX_CODE or len(product_code) > MAX_CODE:
            report.problems.append(_("%(variant)s: its code is longer than %(n)d characters; map it by hand.")
                                   % {"variant": label, "n": MAX_CODE})
            continue
        # Sorted by selector name: PostgreSQL's jsonb does not keep the keys' order, so it is not ours to rely on.
        options = {str(k): str(v) for k, v in sorted((variant.selectors or {}).items())
                   if str(k).strip() and str(v).strip()}
        name = " / ".join(options.values()) or item.title or code
        planned.append(Planned(variant.pk, label, product_code, item.title or product_code, item.price, code,
                               name[:255], variant.jan if jan_key(variant.jan) else "", options, variant.quantity,
                               new=code not in codes))
        codes.add(code)
    existing = set()
    for start in range(0, len(planned), 500):
        chunk = [p.sku_code for p in planned[start:start + 500]]
        existing |= set(Sku.objects.filter(code__in=chunk).values_list("code", flat=True))
    for p in planned:
        p.new = p.new and p.sku_code not in existing
    return planned


def _existing_products(new: list[Planned]) -> set[str]:
    codes = sorted({p.product_code for p in new})
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        found |= set(Product.objects.filter(code__in=codes[start:start + 500]).values_list("code", flat=True))
    return found


def _csv(new: list[Planned], existing_products: set[str]) -> bytes:
    """The SKU import's file. A product's name and price are given on its first row only (blank = given on
    another row), so two items with one 商品番号 make one product; a product we have keeps its name and price."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    given = set(existing_products)
    for p in new:
        first = p.product_code not in given
        given.add(p.product_code)
        row = [p.product_code, p.product_name if first else "", p.price if first and p.price is not None else "",
               p.sku_code, p.sku_name, p.jan]
        for name, value in list(p.options.items())[:MAX_OPTIONS]:
            row += [name, value]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _line_label(new: list[Planned], line: int) -> str:
    """The variant behind a line of the generated file (line 1 is the header)."""
    return f"{new[line - 2].label}: " if 2 <= line < len(new) + 2 else ""


def _opening_counts(account, store: Store, planned: list[Planned], codes: dict, user, report: ProductImport) -> None:
    """Rakuten's quantity as the first count of each new SKU in the store, once (an idempotency key each)."""
    skus = _by_chunk(lambda chunk: ((sku.pk, sku) for sku in Sku.objects.filter(pk__in=chunk)),
                     [codes[p.sku_code] for p in planned])
    counted = set(_by_chunk(lambda chunk: StockMovement.objects.filter(store=store, sku_id__in=chunk)
                            .values_list("sku_id", "sku_id").distinct(), list(skus)))
    specs = []
    for p in planned:
        sku_id = codes[p.sku_code]
        if sku_id in counted or not p.quantity or p.quantity < 0:
            continue
        counted.add(sku_id)
        specs.append(MovementSpec(store, skus[sku_id], MovementKind.ADJUSTMENT, p.quantity,
                                  reference=f"rakuten:{account.pk}", user=user,
                                  note=_("Opening count: Rakuten's quantity (%(account)s)") % {"account": account.name},
                                  idempotency_key=f"rakuten-opening:{store.pk}:{sku_id}"))
    apply_stock_movements(specs, returning=False)
    report.opening_skus, report.opening_units = len(specs), sum(spec.quantity for spec in specs)


def _by_chunk(query, values: list) -> dict:
    """{key: value} from ``query(chunk)`` over slices of 500: one IN list of 20,000 would pass SQLite's limit."""
    found: dict = {}
    for start in range(0, len(values), 500):
        found.update(query(values[start:start + 500]))
    return found


def record_import(user, account: EcAccount, report: ProductImport) -> str:
    """The audit entry of a creation from the page (or its worker); returns its text."""
    counts = {"p": report.products_created, "s": report.skus_created, "m": report.mappings_created,
              "u": report.opening_units}
    detail = _("Created our products from Rakuten: %(p)d products, %(s)d SKUs, %(m)d mappings, opening "
               "count %(u)d units.") % counts
    if report.errors:
        detail = _("Creating our products from Rakuten was refused; nothing was written: %(error)s") % {
            "error": report.errors[0]}
    record_action(user, account, detail)
    return detail


def import_in_background(account_id: int, store_id: int | None, user_id: int) -> str:
    """The Django-Q2 task the page queues for a large catalogue: the same import, audited under its user."""
    from django.contrib.auth import get_user_model

    account = EcAccount.objects.get(pk=account_id)
    user = get_user_model().objects.get(pk=user_id)
    store = Store.objects.get(pk=store_id) if store_id else None
    return record_import(user, account, import_catalogue_products(account, store=store, user=user))
