"""RMS JSON keys are read only inside rakuten_link/rms/: everything else uses the typed Rms* objects.

Walks the project's Python modules (the RMS client and the Django-free sandbox excepted, migrations too)
and fails on a string constant that looks like an RMS key ("orderProgress", "PackageModelList") used as a
subscript (``raw["orderProgress"]``) or as the first argument of ``.get(...)``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("accounts", "orders", "inventory", "lib", "rakuten_link")
EXEMPT = (Path("rakuten_link/rms"), Path("rakuten_link/sandbox"))
# camelCase with an inner capital ("orderProgress", "itemDetailId"), or an RMS model name ("SkuModelList").
RMS_KEY = re.compile(r"[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*|[A-Za-z0-9]*Model(List)?")


def rms_key_reads(source: str, filename: str = "<string>") -> list[tuple[int, str]]:
    """(line, key) for every RMS-looking key read by subscript or ``.get(key, ...)`` in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        key = None
        if isinstance(node, ast.Subscript):
            key = node.slice
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and node.args):
            key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and RMS_KEY.fullmatch(key.value):
            found.append((key.lineno, key.col_offset, key.value))
    return [(line, value) for line, _col, value in sorted(found)]


def scanned_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or any(relative.is_relative_to(e) for e in EXEMPT):
                continue
            files.append(path)
    return files


def test_no_module_outside_rakuten_link_rms_reads_rms_keys():
    files = scanned_files()
    assert any(p.relative_to(ROOT) == Path("rakuten_link/sync/orders/fields.py") for p in files)
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {key!r}"
        for path in files
        for line, key in rms_key_reads(path.read_text(encoding="utf-8"), str(path))
    ]
    assert not offences, "RMS keys read outside rakuten_link/rms/ (add a field to the Rms* types):\n" + "\n".join(
        offences
    )


def test_the_check_catches_the_reads_it_is_meant_to_catch():
    # What fields.py did before RmsOrder carried these fields.
    source = (
        'fixed = parse_datetime(order.raw.get("orderFixDatetime"))\n'
        'packages = order.raw.get("PackageModelList") or []\n'
        'flag = package["packageDeleteFlag"]\n'
        'sku = item.get("SkuModelList", [])\n'
        'sender = package["SenderModel"]\n'
    )
    assert [key for _line, key in rms_key_reads(source)] == [
        "orderFixDatetime", "PackageModelList", "packageDeleteFlag", "SkuModelList", "SenderModel"
    ]


def test_the_check_leaves_ordinary_keys_alone():
    source = (
        'request.GET.get("q")\n'
        'fields["order_progress"]\n'
        'settings["DEBUG"]\n'
        'row.get("tax_rate", "")\n'
        'LIST_KEYS = {"PackageModelList": "basketId"}\n'  # a literal, not a read
        'order.raw = raw\n'
    )
    assert rms_key_reads(source) == []


def test_no_module_outside_rakuten_link_rms_names_rms_model_lists():
    """Tables of RMS structure (the raw-order diff's list keys) live in rakuten_link/rms/ too."""
    model_name = re.compile(r"[A-Z][A-Za-z]*Model(List)?")
    offences = []
    for path in scanned_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and model_name.fullmatch(node.value):
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert offences == []
