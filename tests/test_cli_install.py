"""Installing khachhang: the extras, the install instructions, a missing extra's error.

The package is not published on a package index: the README and getting started install
it from a checkout. An application's tests get the strategies with the light
``hypothesis`` extra; the backends name their extra when it is missing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
HEAVY = ("polars", "duckdb", "sqlglot", "matplotlib", "sqlalchemy", "ipykernel", "pyspark")


def _extras() -> dict[str, list[str]]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    extras: dict[str, list[str]] = project["optional-dependencies"]
    return extras


def _python(code: str, *, blocked: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter where the ``blocked`` modules cannot be imported."""
    guard = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in blocked)
    return subprocess.run(
        [sys.executable, "-c", guard + code],
        env={"PYTHONPATH": str(SRC), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_hypothesis_extra_brings_hypothesis_alone() -> None:
    """`[test]` pulls Polars, DuckDB, matplotlib, SQLAlchemy and Jupyter's kernel."""
    extras = _extras()
    assert [re.split(r"[<>=!~\[ ]", req)[0] for req in extras["hypothesis"]] == ["hypothesis"]
    assert set(extras["hypothesis"]) <= set(extras["test"])


def test_the_strategies_need_nothing_but_the_core_and_hypothesis() -> None:
    code = (
        "from hypothesis import given, settings\n"
        "from khachhang.testing import customers\n"
        "seen = []\n"
        "@settings(max_examples=5, database=None)\n"
        "@given(customers())\n"
        "def draw(customer):\n"
        "    seen.append(customer.id)\n"
        "draw()\n"
        "print(len(seen))\n"
    )
    done = _python(code, blocked=(*HEAVY, "pytest"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("rule.to_sql(as_of=AS_OF)", "the SQL backend needs sqlglot: pip install 'khachhang[sql]'"),
        (
            "rule.to_polars(as_of=AS_OF)",
            "the Polars backend needs polars: pip install 'khachhang[polars]'",
        ),
    ],
)
def test_a_missing_backend_names_the_extra_to_install(call: str, message: str) -> None:
    code = (
        "from datetime import datetime, timezone\n"
        "from khachhang.segmentation import F\n"
        "AS_OF = datetime(2026, 11, 1, tzinfo=timezone.utc)\n"
        "rule = F.orders >= 5\n"
        "try:\n"
        f"    {call}\n"
        "except ImportError as err:\n"
        "    print(err)\n"
    )
    done = _python(code, blocked=HEAVY)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == message


@pytest.mark.parametrize("page", ["README.md", "docs/getting-started.md", "docs/cli.md"])
def test_no_page_installs_from_a_package_index_it_is_not_on(page: str) -> None:
    """`pip install khachhang` fails: the package is installed from a checkout."""
    commands = [
        line
        for line in (ROOT / page).read_text(encoding="utf-8").splitlines()
        if re.search(r"pip install\s+(-e\s+)?['\"]?khachhang\b", line)
    ]
    assert commands == []


def test_the_readme_says_which_extra_its_tour_needs_before_using_it() -> None:
    """The tour's rule.to_sql fails on a bare install (no sqlglot): the README says so."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    before = readme[: readme.index("rule.to_sql(")]
    tour = before[before.index("## A short tour") :]
    last_prose = tour[: tour.rindex("```pycon")].rsplit("```", 1)[-1]
    assert "`sql` extra" in last_prose
    quick_start = readme[readme.index("## Quick start") : readme.index("## A short tour")]
    assert 'pip install ".[sql]"' in quick_start
