"""A file of many bad rows on each of the four upload pages: the first 100 errors, the true total, a count per
column, and nothing written — one bad row among good ones is enough to write nothing."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command

from tests.support.uploads import PAGES, make_page

BAD = 150


@pytest.fixture(params=PAGES)
def page(request, make_store, make_sku, make_account, make_order, set_stock):
    return make_page(request.param, make_store=make_store, make_sku=make_sku, make_account=make_account,
                     make_order=make_order, set_stock=set_stock, rows=BAD + 1)


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_the_page_lists_the_first_100_errors_with_the_total_and_a_count_per_column(admin_client, page):
    rows = [page.good_row(0, "")] + [page.bad_row(n) for n in range(1, BAD + 1)]
    response = page.upload(admin_client, page.csv(rows).encode())
    html = response.content.decode()
    assert response.status_code == 200 and not response.context.get("preview_token")
    assert html.count('class="import-error"') == 100
    assert "エラー 150 件（最初の100件を表示）" in html
    counts = re.findall(r'<tr class="import-error-column"><td>([^<]*)</td><td>(\d+)</td></tr>', html)
    assert sum(int(count) for _column, count in counts) == response.context["report"].errors.total >= BAD
    assert page.written() == 0


def test_one_bad_row_among_good_ones_writes_nothing(admin_client, page):
    rows = [page.good_row(n, "") for n in range(BAD)] + [page.bad_row(BAD)]
    response = page.upload(admin_client, page.csv(rows).encode())
    html = response.content.decode()
    assert response.status_code == 200 and html.count('class="import-error"') == 1
    assert f"<td>{BAD + 2}</td>" in html  # the bad row's line: the header is line 1
    assert page.written() == 0


def test_the_command_prints_the_first_100_errors_and_the_counts(db, tmp_path, capsys):
    path = tmp_path / "skus.csv"
    lines = ["product_code,product_name,sku_code,sku_name,jan_code"] + [f"P{n},商品,P{n}-M,M,12" for n in range(BAD)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    with pytest.raises(CommandError, match="150 error"):
        call_command("import_skus", str(path))
    printed = capsys.readouterr().err.splitlines()
    assert len([line for line in printed if "12" in line and ("JAN" in line or "JANコード" in line)]) >= 100
    assert any("100" in line and "150" in line for line in printed)
    assert any(line.startswith("JANコード: 150") for line in printed)
