"""The shape of care: a planning side and a service side that share the channels.

``khachhang.care`` is one face over two subpackages (``planning``, ``service``) and the
modules they share; no care module imports another module's private name, and no type
check is silenced there without a reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import FunctionType, ModuleType

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import khachhang.care as care
from khachhang.care import BusinessCalendar, channels, planning, service
from khachhang.errors import ValidationError

CARE = Path(care.__file__).parent

_PENDING: set[tuple[str, str]] = set()  # (module, private import) allowed for a reason


def _modules() -> list[Path]:
    return sorted(CARE.rglob("*.py"))


def test_the_care_face_is_the_two_sides_and_the_modules_they_share() -> None:
    """Every name ``khachhang.care`` exports is the same object one side or a shared module
    exports, and no name belongs to both sides."""
    assert not set(planning.__all__) & set(service.__all__)
    homes = (planning, service, channels)
    for name in care.__all__:
        owners = [home for home in homes if name in home.__all__]
        assert len(owners) == 1, name
        assert getattr(care, name) is getattr(owners[0], name), name
    assert set(planning.__all__) | set(service.__all__) <= set(care.__all__)


@pytest.mark.parametrize("side", [planning, service], ids=["planning", "service"])
def test_each_side_exports_what_its_modules_define(side: ModuleType) -> None:
    """A side's face re-exports names its own modules define (none from the other side)."""
    prefix = f"{side.__name__}."
    for name in side.__all__:
        value = getattr(side, name)
        if not isinstance(value, (type, FunctionType)):
            continue  # an instance (a machine's Definition) reports its class's module
        home = getattr(value, "__module__", None)
        if isinstance(home, str) and home.startswith("khachhang."):
            assert home.startswith(prefix), (name, home)


def test_the_shared_channels_import_neither_side() -> None:
    """Both sides use the channels, so the channels use no side (the independence of the two
    sides is an import-linter contract in ``pyproject.toml``)."""
    tree = ast.parse((CARE / "channels.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert {m for m in imported if m and m.startswith("khachhang.care")} == set()


def _private_imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("khachhang"):
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append((node.module or "", alias.name))
    return found


def test_no_care_module_imports_a_private_name_of_another_module() -> None:
    """Helpers shared between modules have public names (private modules are fine)."""
    offending = [
        (str(path.relative_to(CARE)), module, name)
        for path in _modules()
        for module, name in _private_imports(path)
        if (path.name, module) not in _PENDING
    ]
    assert offending == []


_IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?(?P<rest>.*)$")


def test_every_type_ignore_in_care_gives_its_reason() -> None:
    """A silenced type check carries a comment saying why (``# type: ignore[x]  # why``)."""
    bare = [
        f"{path.relative_to(CARE)}:{number}"
        for path in _modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (found := _IGNORE.search(line)) is not None
        and not found["rest"].strip().lstrip("#").strip()
    ]
    assert bare == []


@given(st.sets(st.integers(1, 7), min_size=1), st.booleans())
@example({1}, True)
def test_a_bool_among_the_workdays_is_refused_even_beside_its_number(
    days: set[int], flag: bool
) -> None:
    """``True == 1`` (and hashes alike): a set would merge it into Monday unseen."""
    with pytest.raises(ValidationError) as err:
        BusinessCalendar(workdays=[*sorted(days), flag])
    assert err.value.path == "workdays"
