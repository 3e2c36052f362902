"""The operations: each checks its scope, hands the validated body to its service and returns the answer."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from . import feed, reads
from .auth import require
from .models import Scope
from .problems import ApiProblem, FieldError
from .schemas import (
    CountsIn,
    MovementsIn,
    OrderPage,
    ProductPage,
    ShipmentIn,
    ShipmentOut,
    SkuDetail,
    StockPage,
    StockResults,
)
from .shipments import post_shipment
from .stock_writes import post_movements, put_counts

MAX_PAGE = 500
router = Router()


def _request_key(request: HttpRequest) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 100:
        error = FieldError("invalid_key", _("The Idempotency-Key header must have 1 to 100 characters."),
                           "Idempotency-Key")
        raise ApiProblem(422, "invalid_key", error.detail, [error])
    return key


def _page(after: str | None, limit: int) -> tuple[int, int]:
    try:
        start = int(after or 0)
    except ValueError:
        error = FieldError("invalid_cursor", _("This cursor was not made by this API: use next_cursor as given."),
                           "cursor")
        raise ApiProblem(422, "invalid_cursor", error.detail, [error]) from None
    return start, max(1, min(limit, MAX_PAGE))


@router.post("/stock/movements", response=StockResults, tags=["stock"], summary="Sales, returns, receipts, adjustments")
def stock_movements(request: HttpRequest, payload: MovementsIn):
    token = require(request, Scope.STOCK_WRITE)
    items = [m.model_dump() for m in payload.movements]
    return post_movements(token, items, _request_key(request))


@router.put("/stock/counts", response=StockResults, tags=["stock"], summary="Absolute counts (a stocktake)")
def stock_counts(request: HttpRequest, payload: CountsIn):
    token = require(request, Scope.STOCK_WRITE)
    items = [c.model_dump() for c in payload.counts]
    return put_counts(token, items, _request_key(request))


@router.get("/stock", response=StockPage, tags=["stock"], summary="Stock per SKU and store, and what Rakuten was told")
def stock(request: HttpRequest, sku: str | None = None, store: str | None = None, cursor: str | None = None,
          limit: int = 100):
    token = require(request, Scope.STOCK_READ)
    after, size = _page(cursor, limit)
    return reads.stock_page(token, sku=sku, store=store, after=after, limit=size)


@router.get("/products", response=ProductPage, tags=["catalogue"], summary="Products and their SKUs")
def products(request: HttpRequest, cursor: str | None = None, limit: int = 100):
    require(request, Scope.STOCK_READ)
    after, size = _page(cursor, limit)
    return reads.product_page(after=after, limit=size)


@router.get("/skus/{code}", response=SkuDetail, tags=["catalogue"],
            summary="One SKU (by code or JAN) and its Rakuten mapping")
def sku(request: HttpRequest, code: str):
    require(request, Scope.STOCK_READ)
    found = reads.sku_detail(code)
    if found is None:
        raise ApiProblem(404, "unknown_sku", _("No SKU has the code or JAN %(sku)s.") % {"sku": code})
    return found


@router.get("/orders", response=OrderPage, tags=["orders"],
            summary="Orders changed since a cursor, oldest change first")
def orders(request: HttpRequest, cursor: str | None = None, limit: int = Query(100, ge=1, le=MAX_PAGE)):
    token = require(request, Scope.ORDERS_READ)
    return feed.order_page(token, cursor=cursor, limit=limit)


@router.post("/shipments", response=ShipmentOut, tags=["shipments"], summary="A parcel that left the warehouse")
def shipments(request: HttpRequest, payload: ShipmentIn):
    token = require(request, Scope.SHIPMENTS_WRITE)
    return post_shipment(token, payload.model_dump(), _request_key(request))
