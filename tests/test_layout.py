"""The architecture, checked from the source: module sizes, folder shape, import cycles and app direction.

Imports are read with ``ast`` (function-local ones included), resolved to the project's own modules,
and checked against the direction in docs/architecture.md: an app imports only the apps below it.
"""

from __future__ import annotations

import ast
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "lib", "inventory", "accounts", "orders", "rakuten_link", "api")
MAX_LINES = 300
MAX_SAME_PREFIX = 3
# Which project packages each package may import (design: inventory <- accounts <- orders <- rakuten_link <- api).
ALLOWED = {
    "lib": {"lib"},
    "inventory": {"lib", "inventory"},
    "accounts": {"lib", "inventory", "accounts"},
    "orders": {"lib", "inventory", "accounts", "orders"},
    "rakuten_link": {"lib", "inventory", "accounts", "orders", "rakuten_link"},
    "api": {"lib", "inventory", "accounts", "orders", "rakuten_link", "api"},
    "config": set(PACKAGES),
}
# Rakuten's own tables that both the RMS client and the sandbox read (written once, docs/architecture.md):
# the only modules outside their packages the two may import, so they must import nothing themselves.
SHARED_WITH_THE_SANDBOX = {"rakuten_link.carriers"}


def source_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        files += [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in source_files()}


def resolve(name: str) -> str | None:
    """The project module an import names: the module itself, else the nearest package that exists."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import mod` names the module; `from mod import name` names the module it comes from.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            module = resolve(target)
            if module is not None:
                found.add(module)
    return found


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        own_packages = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        # Importing a.b.c runs a/__init__ and a/b/__init__ too, but those are the package's own affair.
        graph[name] = {m for m in imports_of(path) if m != name and m not in own_packages}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_no_module_is_longer_than_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in source_files() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_no_folder_holds_a_cluster_of_same_prefix_files():
    clusters = {}
    for folder in {p.parent for p in source_files()}:
        if folder.name == "commands":  # manage.py command names are an interface scripts rely on, not a layout
            continue
        prefixes = Counter(p.stem.split("_")[0] for p in folder.glob("*.py") if "_" in p.stem.strip("_"))
        crowded = {prefix: n for prefix, n in prefixes.items() if n > MAX_SAME_PREFIX}
        if crowded:
            clusters[str(folder.relative_to(ROOT))] = crowded
    assert clusters == {}


def test_no_import_cycle_between_modules():
    assert cycles(import_graph()) == []


def test_cycle_finder_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_apps_import_only_in_the_direction_of_the_design():
    against = defaultdict(list)
    for name, targets in import_graph().items():
        top = name.split(".")[0]
        for target in targets:
            if target.split(".")[0] not in ALLOWED[top]:
                against[name].append(target)
    assert dict(against) == {}


def test_rms_client_and_sandbox_stay_free_of_django_and_of_the_rest():
    offenders = []
    for name, path in MODULES.items():
        for boundary in ("rakuten_link.rms", "rakuten_link.sandbox"):
            if name != boundary and not name.startswith(boundary + "."):
                continue
            text_imports = {alias.name for node in ast.walk(ast.parse(path.read_text()))
                            for alias in getattr(node, "names", []) if isinstance(node, ast.Import)}
            text_imports |= {node.module or "" for node in ast.walk(ast.parse(path.read_text()))
                             if isinstance(node, ast.ImportFrom) and not node.level}
            if any(m == "django" or m.startswith("django.") for m in text_imports):
                offenders.append(f"{name} imports django")
            outside = [m for m in imports_of(path) if not (m == boundary or m.startswith(boundary + "."))
                       and m not in SHARED_WITH_THE_SANDBOX]
            offenders += [f"{name} imports {m}" for m in outside]
    assert offenders == []


def test_the_tables_shared_with_the_sandbox_import_nothing():
    importing = {}
    for name in SHARED_WITH_THE_SANDBOX:
        tree = ast.parse(MODULES[name].read_text())
        found = [ast.unparse(node) for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)
                 and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")]
        if found:
            importing[name] = found
    assert importing == {}
