"""The suite's own conventions: the profiles govern the examples, suppressions give a reason,
tests reach the strategies through the public face."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import settings

import khachhang.testing as kt
from conftest import CI_EXAMPLES, SLOW_EXAMPLES, WHOLE_BOOKS, scaled

TESTS = sorted(p for p in Path(__file__).parent.glob("test_*.py") if p.name != "test_suite.py")
REASONED = {"SLOW_EXAMPLES", "WHOLE_BOOKS"}  # conftest's suppressions, each with its reason


@pytest.mark.parametrize("path", TESTS, ids=lambda p: p.name)
def test_no_test_pins_its_own_number_of_examples(path: Path) -> None:
    """A slow test asks for a share of the profile (scaled), so `thorough` scales it too.

    (Code a test runs in another interpreter, as text, has no profile and may pin.)
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pinned = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword)
        and node.arg == "max_examples"
        and isinstance(node.value, ast.Constant)
    ]
    assert not pinned, f"{path.name}, lines {pinned}: use max_examples=scaled(n)"


@pytest.mark.parametrize("path", TESTS, ids=lambda p: p.name)
def test_every_suppressed_health_check_names_its_reason(path: Path) -> None:
    """Suppressions are conftest's named lists (whose docstrings give the reason) or carry
    a comment on the same line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if "suppress_health_check=" in line:
            value = line.split("suppress_health_check=", 1)[1].strip(" ,)")
            assert value in REASONED or "#" in line, f"{path.name}:{number}: {line.strip()}"


@pytest.mark.parametrize("path", TESTS, ids=lambda p: p.name)
def test_tests_import_public_strategies_from_the_public_face(path: Path) -> None:
    """A name khachhang.testing exports is imported from there, not from a private module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("khachhang.testing._")
        for alias in node.names
        if alias.name in kt.__all__
    ]
    assert not private, f"{path.name}: import {private} from khachhang.testing"


def test_scaled_follows_the_loaded_profile() -> None:
    """scaled(n) is n under ci, and grows or shrinks with the profile's max_examples."""
    loaded = settings()
    try:
        for profile, examples in (("ci", CI_EXAMPLES), ("dev", 50), ("thorough", 2000)):
            settings.load_profile(profile)
            assert settings().max_examples == examples
            assert scaled(20) == round(20 * examples / CI_EXAMPLES)
        assert scaled(0) == 1
    finally:
        settings.register_profile("_restored", loaded)
        settings.load_profile("_restored")


def test_the_reasoned_suppressions_are_health_checks_with_a_docstring() -> None:
    """Each named suppression in conftest is documented (its docstring is the reason)."""
    conftest = ast.parse((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"))
    documented = {
        node.targets[0].id
        for node, after in zip(conftest.body, conftest.body[1:], strict=False)
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(after, ast.Expr)
        and isinstance(after.value, ast.Constant)
    }
    assert documented >= REASONED
    assert SLOW_EXAMPLES
    assert set(SLOW_EXAMPLES) <= set(WHOLE_BOOKS)
