"""Sandbox Item API 2.0: get/upsert/patch/delete, bulk-get and search (offset and cursorMark)."""

from __future__ import annotations

import pytest

ITEM = "/es/2.0/items/manage-numbers/{mn}"
SEARCH = "/es/2.0/items/search"


def tee(title: str = "ベーシックTシャツ", sizes: tuple[str, ...] = ("M", "L")) -> dict:
    return {
        "title": title,
        "itemType": "NORMAL",
        "variantSelectors": [{"key": "size", "displayName": "サイズ", "values": [{"displayValue": s} for s in sizes]}],
        "variants": {
            f"tee01-{s.lower()}": {
                "merchantDefinedSkuId": f"TEE01-{s}",
                "selectorValues": {"size": s},
                "standardPrice": "2980",
            }
            for s in sizes
        },
    }


def single(title: str) -> dict:
    return {"title": title, "variants": {"only": {"merchantDefinedSkuId": "ONLY", "standardPrice": "1000"}}}


def test_get_of_an_unknown_item_is_404_with_the_documented_body(sandbox_client):
    response = sandbox_client.get(ITEM.format(mn="nothing"))
    assert response.status_code == 404
    assert response.json() == {"errors": [{"code": "GE0014", "message": "Not found for inputs; manageNumber=nothing"}]}


def test_put_creates_with_201_then_replaces_with_204(sandbox_client):
    created = sandbox_client.put(ITEM.format(mn="TEE01"), tee())
    assert (created.status_code, created.json()) == (201, {"manageNumber": "tee01"})
    assert sandbox_client.put(ITEM.format(mn="tee01"), tee("新タイトル", ("S",))).status_code == 204
    item = sandbox_client.get(ITEM.format(mn="tee01")).json()
    assert item["title"] == "新タイトル"
    assert list(item["variants"]) == ["tee01-s"]
    assert item["created"] <= item["updated"]


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        ({"title": ""}, "IE0001", "title"),
        ({"variants": {}}, "IE0001", "variants"),
        ({"variantSelectors": None}, "IE0269", "variantSelectors"),
        (
            {"variants": {"tee01-m": {"selectorValues": {"colour": "M"}}}},
            "IE0002",
            "variants.tee01-m.selectorValues.colour",
        ),
        (
            {"variants": {"tee01-m": {"selectorValues": {"size": "XXL"}}}},
            "IE0002",
            "variants.tee01-m.selectorValues.size",
        ),
        ({"variants": {"tee01-m": {"selectorValues": {}}}}, "IE0001", "variants.tee01-m.selectorValues.size"),
    ],
)
def test_put_validates_title_variants_and_selectors(sandbox_client, change, code, path):
    body = {**tee(), **change}
    if change.get("variantSelectors", 1) is None:
        del body["variantSelectors"]
    response = sandbox_client.put(ITEM.format(mn="tee01"), body)
    assert response.status_code == 400
    assert (response.json()["errors"][0]["code"], response.json()["errors"][0]["metadata"]["propertyPath"]) == (
        code,
        path,
    )


def test_a_single_sku_item_needs_no_selectors(sandbox_client):
    assert sandbox_client.put(ITEM.format(mn="tote01"), single("トート")).status_code == 201


def test_patch_merges_and_delete_removes(sandbox_client):
    sandbox_client.put(ITEM.format(mn="tee01"), tee())
    patch = {"tagline": "人気No.1", "variants": {"tee01-m": {"standardPrice": "2500"}}}
    assert sandbox_client.patch(ITEM.format(mn="tee01"), patch).status_code == 204
    item = sandbox_client.get(ITEM.format(mn="tee01")).json()
    assert item["tagline"] == "人気No.1"
    assert item["variants"]["tee01-m"] == {
        "merchantDefinedSkuId": "TEE01-M",
        "selectorValues": {"size": "M"},
        "standardPrice": "2500",
    }
    assert sandbox_client.patch(ITEM.format(mn="nothing"), patch).status_code == 404
    assert sandbox_client.delete(ITEM.format(mn="tee01")).status_code == 204
    assert sandbox_client.get(ITEM.format(mn="tee01")).status_code == 404


def test_bulk_get_returns_found_items_and_rejects_duplicates_and_51(sandbox_client):
    sandbox_client.put(ITEM.format(mn="tee01"), tee())
    response = sandbox_client.post("/es/2.0/items/bulk-get", {"manageNumbers": ["TEE01", "missing"]})
    assert [i["manageNumber"] for i in response.json()["results"]] == ["tee01"]
    duplicate = sandbox_client.post("/es/2.0/items/bulk-get", {"manageNumbers": ["tee01", "TEE01"]})
    assert duplicate.json()["errors"][0]["code"] == "IE1106"
    many = {"manageNumbers": [f"i{n}" for n in range(51)]}
    assert sandbox_client.post("/es/2.0/items/bulk-get", many).status_code == 400


def seed_many(client, count: int) -> None:
    items = [{"manageNumber": f"item{n:02d}", **single(f"商品{n:02d}")} for n in range(count)]
    assert client.control("POST", "items", {"items": items}).status_code == 201


def test_search_filters_by_partial_fields(sandbox_client):
    sandbox_client.put(ITEM.format(mn="tee01"), tee())
    sandbox_client.put(ITEM.format(mn="tote01"), single("トートバッグ"))
    found = sandbox_client.get(SEARCH, params={"variantId": "01-l"}).json()
    assert (found["numFound"], found["results"][0]["item"]["manageNumber"]) == (1, "tee01")
    assert sandbox_client.get(SEARCH, params={"title": "トート"}).json()["numFound"] == 1
    assert sandbox_client.get(SEARCH, params={"manageNumber": "01"}).json()["numFound"] == 2


def test_search_pages_with_offset(sandbox_client):
    seed_many(sandbox_client, 25)
    params = {"sortKey": "manageNumber", "sortOrder": "asc", "hits": 10, "offset": 20}
    body = sandbox_client.get(SEARCH, params=params).json()
    assert body["numFound"] == 25 and body["offset"] == 20
    assert [r["item"]["manageNumber"] for r in body["results"]] == [f"item{n}" for n in range(20, 25)]
    assert sandbox_client.get(SEARCH, params={"hits": 101}).status_code == 400


def test_search_walks_everything_with_a_cursor(sandbox_client):
    seed_many(sandbox_client, 23)
    seen, mark = [], "*"
    while True:
        body = sandbox_client.get(SEARCH, params={"cursorMark": mark, "hits": 10}).json()
        seen += [r["item"]["manageNumber"] for r in body["results"]]
        if body["nextCursorMark"] == mark:
            break
        mark = body["nextCursorMark"]
    assert sorted(seen) == [f"item{n:02d}" for n in range(23)]
    assert len(seen) == 23


def test_search_refuses_offset_with_cursor_and_sort_with_cursor(sandbox_client):
    both = sandbox_client.get(SEARCH, params={"cursorMark": "*", "offset": 0})
    assert both.json()["errors"][0]["code"] == "IE1003"
    sorted_cursor = sandbox_client.get(SEARCH, params={"cursorMark": "*", "sortKey": "created"})
    assert sorted_cursor.json()["errors"][0]["code"] == "IE1004"


def test_a_selector_value_without_a_display_value_offers_no_choice(sandbox_client):
    body = tee(sizes=("M",))
    body["variantSelectors"][0]["values"].append({})
    body["variants"]["tee01-m"]["selectorValues"] = {"size": None}
    response = sandbox_client.put(ITEM.format(mn="tee01"), body)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["code"], error["metadata"]["propertyPath"]) == ("IE0002", "variants.tee01-m.selectorValues.size")
