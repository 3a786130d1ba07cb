"""The core stays pure: no clock, no randomness, no I/O outside the CLI."""

from __future__ import annotations

import ast
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
    names = {p.name for p in CORE}
    assert {"customers.py", "fsm.py", "money.py", "serde.py"} <= names


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
