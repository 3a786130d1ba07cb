"""The release checks: the built wheel and sdist are complete, valid and install cleanly.

``python -m build`` (isolated: it fetches hatchling) into a temporary directory,
``twine check --strict`` on both files, their contents and the one version, then the
wheel installed into a fresh virtualenv (no system site-packages; its four runtime
dependencies come from the package index, so this needs the network) and run from a
directory outside the repository. Marked slow: ``python -m pytest -m slow
tests/test_release.py`` (about a minute).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import attrs
import pytest

import khachhang

pytestmark = pytest.mark.slow

# .ci/run sets KHACHHANG_REQUIRE_SLOW for its slow step: there a missing tool fails.
if not os.environ.get("KHACHHANG_REQUIRE_SLOW"):
    pytest.importorskip("build", reason="needs build: pip install 'khachhang[dev]'")
    pytest.importorskip("twine", reason="needs twine: pip install 'khachhang[dev]'")

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "khachhang"


def _run(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _clean_env() -> dict[str, str]:
    """The environment without anything that would put the source tree on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _source_version() -> str:
    """The one version, read from ``_version.py`` as text (not imported)."""
    tree = ast.parse((PACKAGE / "_version.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == [
            "__version__"
        ]:
            assert isinstance(node.value, ast.Constant)
            assert isinstance(node.value.value, str)
            return node.value.value
    raise AssertionError("_version.py defines no __version__ = '...'")


@attrs.frozen
class Dist:
    wheel: Path
    sdist: Path


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=ROOT)
    wheels = sorted(out.glob("*.whl"))
    sdists = sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1, wheels
    assert len(sdists) == 1, sdists
    assert sorted(p.name for p in out.iterdir()) == sorted([wheels[0].name, sdists[0].name])
    return Dist(wheels[0], sdists[0])


def test_twine_check_strict_passes(dist: Dist) -> None:
    done = _run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dist.wheel), str(dist.sdist)],
        cwd=ROOT,
    )
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_the_version_lives_in_one_place(dist: Dist) -> None:
    version = _source_version()
    assert khachhang.__version__ == version
    assert dist.wheel.name == f"khachhang-{version}-py3-none-any.whl"
    assert dist.sdist.name == f"khachhang-{version}.tar.gz"
    with zipfile.ZipFile(dist.wheel) as wheel:
        metadata = wheel.read(f"khachhang-{version}.dist-info/METADATA").decode()
    assert HeaderParser().parsestr(metadata)["Version"] == version
    with tarfile.open(dist.sdist) as sdist:
        member = sdist.extractfile(f"khachhang-{version}/PKG-INFO")
        assert member is not None
        pkg_info = member.read().decode()
    assert HeaderParser().parsestr(pkg_info)["Version"] == version


def test_the_wheel_holds_the_package_and_nothing_else(dist: Dist) -> None:
    with zipfile.ZipFile(dist.wheel) as wheel:
        names = wheel.namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"khachhang", f"khachhang-{khachhang.__version__}.dist-info"}
    assert "khachhang/py.typed" in names
    assert "khachhang/_version.py" in names
    assert not [n for n in names if n.startswith("tests/") or "/tests/" in n]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    sources = {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert sources <= set(names), sorted(sources - set(names))
    dist_info = f"khachhang-{khachhang.__version__}.dist-info/"
    licenses = [n for n in names if n.startswith(dist_info) and n.endswith("/LICENSE")]
    assert len(licenses) == 1, names
    with zipfile.ZipFile(dist.wheel) as wheel:
        metadata = HeaderParser().parsestr(wheel.read(dist_info + "METADATA").decode())
    assert "MIT" in (metadata["License-Expression"] or metadata["License"] or "")
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["Description-Content-Type"] == "text/markdown"


def test_the_sdist_holds_what_a_rebuild_needs(dist: Dist) -> None:
    prefix = f"khachhang-{khachhang.__version__}/"
    with tarfile.open(dist.sdist) as sdist:
        names = {m.name.removeprefix(prefix) for m in sdist.getmembers() if m.isfile()}
    for needed in (
        "PKG-INFO",
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "src/khachhang/__init__.py",
        "src/khachhang/_version.py",
        "src/khachhang/py.typed",
    ):
        assert needed in names, needed
    assert any(n.startswith("tests/test_") for n in names)
    assert any(n.startswith("docs/") for n in names)
    caches = (".hypothesis", ".mypy_cache", ".pytest_cache", ".ruff_cache", "__pycache__", ".git/")
    leaked = sorted(n for n in names if any(c in n for c in caches) or n.endswith(".pyc"))
    assert not leaked, leaked
    assert not [n for n in names if n.startswith(("spark-warehouse/", "metastore_db/", "site/"))]


# --- the wheel in a fresh virtualenv -------------------------------------------------------


@pytest.fixture(scope="module")
def fresh(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv (no system site-packages) with only the wheel installed."""
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(home)
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(
        [str(python), "-m", "pip", "install", "--quiet", str(dist.wheel)],
        cwd=home,
        env=_clean_env(),
    )
    return python


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working directory outside the repository (so ``src`` cannot be imported)."""
    assert ROOT not in tmp_path.parents
    return tmp_path


def test_the_installed_wheel_runs_the_cli(fresh: Path, outside: Path) -> None:
    env = _clean_env()
    version = _run([str(fresh), "-m", "khachhang", "--version"], cwd=outside, env=env)
    assert khachhang.__version__ in version.stdout
    demo = _run([str(fresh), "-m", "khachhang", "demo", "--size", "50"], cwd=outside, env=env)
    assert "50" in demo.stdout
    assert len(demo.stdout.splitlines()) > 10
    assert "Traceback" not in demo.stderr


def test_the_installed_package_is_the_wheel_not_the_source_tree(fresh: Path, outside: Path) -> None:
    code = (
        "import sys, khachhang, khachhang.segmentation, khachhang.buying, khachhang.care; "
        "print(khachhang.__file__); print(khachhang.__version__); print(sys.prefix)"
    )
    done = _run([str(fresh), "-c", code], cwd=outside, env=_clean_env())
    location, version, prefix = done.stdout.split("\n")[:3]
    assert Path(location).is_relative_to(Path(prefix))
    assert "site-packages" in Path(location).parts
    assert not Path(location).is_relative_to(ROOT)
    assert version == khachhang.__version__
    pip = _run([str(fresh), "-m", "pip", "list", "--format=freeze"], cwd=outside, env=_clean_env())
    installed = {line.split("==")[0].lower() for line in pip.stdout.split()}
    assert {"khachhang", "attrs", "cattrs", "python-dateutil", "phonenumbers"} <= installed
    assert not installed & {"hypothesis", "polars", "sqlglot", "pyspark"}  # extras stay out


def test_khachhang_testing_needs_hypothesis(fresh: Path, outside: Path) -> None:
    """Without Hypothesis the module imports; a strategy raises ImportError naming it."""
    code = (
        "import khachhang.testing as t\n"
        "try:\n"
        "    t.customers\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
        "else:\n"
        "    print('no error')\n"
    )
    done = _run([str(fresh), "-c", code], cwd=outside, env=_clean_env())
    assert "hypothesis" in done.stdout.lower(), done.stdout
    assert "Error" in done.stdout
