"""The core stays pure: no clock, no randomness, no I/O outside the CLI."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "khachhang"
# Modules of the application layer: the CLI does I/O, the sample book draws seeded
# random numbers, the test toolkit drives Hypothesis.
APP_LAYER = {"cli", "__main__.py", "sample.py"}
CORE = sorted(p for p in SRC.rglob("*.py") if p.relative_to(SRC).parts[0] not in APP_LAYER)
CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time")}


def _calls(tree: ast.AST) -> list[tuple[str, str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            found.append((name, node.func.attr, node.lineno))
    return found


def test_the_core_is_not_empty() -> None:
    """Guards the tests below against passing vacuously."""
    names = {p.relative_to(SRC).as_posix() for p in CORE}
    assert {"customers.py", "fsm.py", "money.py", "serde/__init__.py"} <= names


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_no_core_module_reads_the_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    offending = [
        f"{path.name}:{line}: {owner}.{attr}()"
        for owner, attr, line in _calls(tree)
        if (owner, attr) in CLOCK_CALLS
    ]
    assert not offending, "pass time in (as_of=, at=) instead: " + ", ".join(offending)


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_no_core_module_imports_io_or_randomness(path: Path) -> None:
    forbidden = {"os", "io", "pathlib", "socket", "subprocess", "random", "time", "urllib"}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & forbidden


def test_the_clock_check_would_catch_a_clock_read() -> None:
    tree = ast.parse("from datetime import datetime\nx = datetime.now()\n")
    assert ("datetime", "now", 2) in _calls(tree)


# --- views and demos sit above the domain ------------------------------------------------

_MARKUP = {"<table", "<ul", "<li", "<div", "<tr", "<td", "<h4", "<p>", "<b>", "<br>", "<small>"}
_MARKUP.add("```mermaid")
UPPER = {"views", "cli"}
DOMAIN = sorted(
    p
    for p in SRC.rglob("*.py")
    if p.relative_to(SRC).parts[0] not in UPPER | {"testing", "__main__.py"}
)


def _strings(tree: ast.AST) -> list[tuple[str, int]]:
    return [
        (node.value, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: str(p.relative_to(SRC)))
def test_no_domain_module_writes_markup(path: Path) -> None:
    """HTML and Markdown views live in ``khachhang.views``; docstrings may show them."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    markup = [
        f"{path.name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and any(tag in node.value for tag in _MARKUP)
    ]
    assert not markup, "move the view to khachhang.views: " + ", ".join(markup)


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: str(p.relative_to(SRC)))
def test_a_domain_module_imports_the_views_only_inside_a_method(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("khachhang.views")
    ]
    assert not top, f"{path.name}: a module-level import of the views would load them upward"


def test_the_demos_live_under_the_cli() -> None:
    demos = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("_demo*"))
    assert demos
    assert all(d.startswith("cli/") for d in demos), demos


def test_the_markup_check_would_catch_a_table_in_a_model() -> None:
    tree = ast.parse('def f():\n    """<table> in a docstring is fine."""\n    return "<table>"\n')
    skip = _docstrings(tree)
    found = [s for s, _ in _strings(tree) if "<table" in s]
    assert len(found) == 2
    assert len(skip) == 1


DATE_CHECKS = {"require_aware", "_instant"}


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_the_state_machine_for_a_date_check(path: Path) -> None:
    """A timezone check comes from the checks module; khachhang.fsm is for machines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "khachhang.fsm":
            names = {alias.name for alias in node.names}
            assert not names <= DATE_CHECKS, f"{path.name}:{node.lineno} imports only {names}"


def test_the_state_machine_still_offers_the_date_check() -> None:
    """``khachhang.fsm.require_aware`` stays importable: the same function, re-exported."""
    from khachhang import _checks, fsm

    assert fsm.require_aware is _checks.require_aware
    assert "require_aware" in fsm.__all__


def _type_checking_imports(path: Path) -> dict[str, str]:
    """Name -> module, for the imports under ``if TYPE_CHECKING:`` of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    return {
        alias.name: node.module or ""
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_the_package_face_is_one_list_that_the_type_checker_sees_whole() -> None:
    """khachhang's __all__ is the list; what mypy imports names it, and each name resolves
    to the very object of the module mypy takes it from."""
    import importlib

    import khachhang

    typed = _type_checking_imports(SRC / "__init__.py")
    assert sorted(typed) == sorted(set(khachhang.__all__) - {"__version__"})
    for name, module in typed.items():
        assert getattr(khachhang, name) is getattr(importlib.import_module(module), name), name
    with pytest.raises(AttributeError, match="'Custmer'"):
        khachhang.__getattr__("Custmer")


_TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?(?P<rest>.*)$")


def test_every_type_ignore_in_the_library_says_why() -> None:
    """A silenced type error carries its reason on the same line (``# type: ignore[x]  # why``)."""
    bare = [
        f"{path.relative_to(SRC)}:{number}"
        for path in sorted(SRC.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (found := _TYPE_IGNORE.search(line)) and not found["rest"].strip().startswith("#")
    ]
    assert bare == []
