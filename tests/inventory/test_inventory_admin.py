from django.core.files.uploadedfile import SimpleUploadedFile

from inventory.models import Sku, StockLevel, StockMovement


def test_staff_adjust_stock_through_the_service(admin_client, make_store, make_sku):
    store, sku = make_store(), make_sku()
    response = admin_client.post(
        "/admin/inventory/stocklevel/adjust/", {"store": store.pk, "sku": sku.pk, "quantity": 4, "note": "入荷"}
    )
    assert response.status_code == 302
    assert StockLevel.objects.get().on_hand == 4
    assert StockMovement.objects.get().created_by.username == "admin"


def test_a_negative_result_is_refused_with_a_message(admin_client, make_store, make_sku):
    store, sku = make_store(), make_sku()
    response = admin_client.post(
        "/admin/inventory/stocklevel/adjust/", {"store": store.pk, "sku": sku.pk, "quantity": -1}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"]
    assert not StockMovement.objects.exists()


def test_the_csv_upload_page_lists_bad_rows(admin_client, make_store, make_sku):
    make_store("S1"), make_sku("A-1")
    upload = SimpleUploadedFile("stock.csv", "店舗コード,SKUコード,数量\nS1,A-1,3\nS2,A-1,x\n".encode("cp932"))
    response = admin_client.post("/admin/inventory/stocklevel/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="import-error"') == 2
    assert not StockLevel.objects.exists()


def test_a_duplicate_sku_code_is_refused(admin_client, make_sku):
    sku = make_sku("DUP-1")
    response = admin_client.post(
        "/admin/inventory/sku/add/", {"code": "DUP-1", "product": sku.product.pk, "name": "x", "jan_code": ""}
    )
    assert response.status_code == 200
    assert "code" in response.context["adminform"].form.errors
    assert Sku.objects.count() == 1


def test_stock_list_is_searchable_and_exportable(admin_client, make_store, make_sku, set_stock):
    store, sku = make_store(), make_sku("FIND-ME")
    set_stock(store, sku, 2)
    assert "FIND-ME" in admin_client.get("/admin/inventory/stocklevel/?q=FIND").content.decode()
    export = admin_client.get("/admin/inventory/stocklevel/export/")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_stocktake_page_previews_each_count_beside_the_one_on_record_then_writes_on_confirm(
        admin_client, make_store, make_sku, set_stock):
    store, tee, cap = make_store("S1"), make_sku("TEE-1"), make_sku("CAP-1")
    set_stock(store, tee, 5)
    set_stock(store, cap, 2)
    upload = SimpleUploadedFile("stock.csv", "店舗コード,SKUコード,数量\nS1,TEE-1,3\nS1,CAP-1,2\n".encode("cp932"))
    preview = admin_client.post("/admin/inventory/stocklevel/import/", {"file": upload})
    html = preview.content.decode()
    assert preview.context["report"].updated == 1 and preview.context["report"].unchanged == 1
    assert "<td>TEE-1</td><td>5</td><td>3</td><td>-2</td>" in html and "変更なし" in html
    assert StockLevel.objects.get(sku=tee).on_hand == 5  # nothing written by the preview
    done = admin_client.post("/admin/inventory/stocklevel/import/",
                             {"preview_token": preview.context["preview_token"], "confirm": "1"})
    assert done.status_code == 302
    assert StockLevel.objects.get(sku=tee).on_hand == 3 and StockMovement.objects.filter(sku=tee).count() == 1
    assert not StockMovement.objects.filter(sku=cap).exists()  # an unchanged count moves nothing


def test_the_stocktake_page_offers_its_template(admin_client):
    page = admin_client.get("/admin/inventory/stocklevel/import/").content.decode()
    assert "/admin/inventory/stocklevel/import/template/" in page
    template = admin_client.get("/admin/inventory/stocklevel/import/template/")
    assert template.content.decode("utf-8-sig").splitlines()[0] == "店舗コード,SKUコード,数量"
