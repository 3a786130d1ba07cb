"""The segmentation package's shape: one idea per module, no hidden escapes from the types."""

from __future__ import annotations

import ast
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from khachhang import Customer, Person
from khachhang.errors import RuleError
from khachhang.segmentation import F, Not, Rule, describe, validate

SRC = Path(__file__).resolve().parent.parent / "src" / "khachhang"
SEGMENTATION = SRC / "segmentation"
T = datetime(2026, 1, 1, tzinfo=timezone.utc)

# The optional engines the backends drive, besides the standard library's own names.
ENGINES = frozenset({"polars", "sqlglot", "duckdb", "sqlalchemy", "pyspark", "pandas"})


class Custom(Rule):
    """A node of the caller's own: a Rule subclass the library does not know."""

    __slots__ = ()


def _modules() -> list[Path]:
    return sorted(SEGMENTATION.rglob("*.py"))


def test_every_type_ignore_in_segmentation_says_why() -> None:
    """``# type: ignore[code]`` is followed by ``# <reason>`` on the same line."""
    bare = [
        f"{path.relative_to(SRC)}:{number}"
        for path in _modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "type: ignore" in line and not re.search(r"#\s*type:\s*ignore\[[\w,-]+\]\s+#\s*\S", line)
    ]
    assert bare == []


def test_no_segmentation_module_is_named_after_a_well_known_module() -> None:
    """``segmentation/polars.py`` shadowed the engine it imports: no module may do that."""
    known = set(sys.stdlib_module_names) | ENGINES
    shadowing = [
        str(path.relative_to(SRC)) for path in _modules() if path.stem.lstrip("_") in known
    ]
    assert shadowing == []


def test_no_private_name_of_segmentation_is_imported_by_another_module() -> None:
    """What a module shares it names publicly; ``_helpers`` stay in their module."""
    private = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "khachhang.segmentation"
            ):
                private += [
                    f"{path.relative_to(SRC)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert private == []


def test_a_rule_node_of_the_callers_own_is_refused_by_name_when_validated() -> None:
    """Not a bare AttributeError: the error names the path and the unknown node."""
    with pytest.raises(RuleError, match=r"^not\.custom\(\?\): unknown rule node Custom"):
        validate(Not(Custom()))


def test_a_rule_node_of_the_callers_own_is_refused_when_evaluated() -> None:
    """Evaluation validates first, so it refuses the node the same way."""
    with pytest.raises(RuleError, match="unknown rule node Custom"):
        (Custom() & (F.orders == 0)).evaluate(Customer("c-1", Person("An"), created_at=T), as_of=T)


def test_a_rule_node_of_the_callers_own_is_described_by_its_repr() -> None:
    """Words need no field: an unknown node reads as its repr, the rest in words."""
    assert describe(Custom() & (F.orders == 0), "en").startswith("<")
    assert describe(Custom() & (F.orders == 0), "en").endswith(" and Number of orders = 0")


def test_the_window_start_refuses_a_naive_instant_by_name() -> None:
    """``window_start`` is public: a naive ``as_of`` is a ValidationError, not a TypeError."""
    from khachhang.errors import ValidationError
    from khachhang.segmentation.evaluate import window_start

    with pytest.raises(ValidationError, match=r"^as_of: "):
        window_start(datetime(2026, 1, 1), 30)
