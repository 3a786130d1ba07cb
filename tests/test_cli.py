"""The command line: ``python -m khachhang demo``, ``--version`` and the parser.

The data commands (sample, rules, segment, explain, plan, diagram) are in
tests/test_cli_data.py; the process-level behaviour (pipes, signals, terminals) in
tests/test_cli_process.py.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from khachhang import ValidationError, __version__, to_dict
from khachhang.cli import build_parser, main
from khachhang.report import summarize
from khachhang.sample import SAMPLE_AS_OF, sample_book

SRC = Path(__file__).resolve().parents[1] / "src"


def _run_module(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(SRC), **env}
    return subprocess.run(
        [sys.executable, "-m", "khachhang", *args],
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="strict",
        timeout=120,
        check=False,
    )


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"khachhang {__version__}\n"


def test_demo_prints_a_vietnamese_summary_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--size", "80"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Tổng quan tệp khách hàng\n")
    assert "Số khách hàng" in out
    assert "Khách hàng trung thành" in out
    assert " ₫" in out


def test_demo_prints_an_english_summary_with_lang_en(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--lang", "en", "--size", "80"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Customer book summary\n")
    assert "Customers            80" in out
    assert "Loyal customer" in out
    assert "Tổng quan" not in out


def test_demo_json_parses_and_equals_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json", "--size", "80", "--seed", "9"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = to_dict(summarize(sample_book(80, seed=9), as_of=SAMPLE_AS_OF))
    assert data == expected
    assert data["customers"] == 80


def test_the_seed_changes_the_book(capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo", "--json", "--size", "60", "--seed", "1"])
    first = capsys.readouterr().out
    main(["demo", "--json", "--size", "60", "--seed", "2"])
    assert capsys.readouterr().out != first


def test_no_command_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "khachhang: error: choose a command: demo, sample, rules, segment, explain, plan, "
        "diagram (see khachhang --help)\n"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--size", "0"],
        ["demo", "--size", "many"],
        ["demo", "--lang", "fr"],
        ["demo", "--seed", "x"],
        ["frobnicate"],
        ["demo", "--unknown"],
    ],
)
def test_a_bad_command_line_prints_one_line_and_exits_with_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("khachhang: error: ")
    assert captured.err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["segment", "--rulse", "rules.json"], "; --rulse: did you mean --rules?"),
        (["segment", "--rules", "r", "--on-eror=skip"], "; --on-eror: did you mean --on-error?"),
        (["demo", "--sise", "3"], "; --sise: did you mean --size?"),
        (["--verison"], "; --verison: did you mean --version?"),
        (["segmnet"], "; did you mean 'segment'?"),
        (["rules", "standrd"], "; did you mean 'standard'?"),
        (["diagram", "lifecyle"], "; did you mean 'lifecycle'?"),
    ],
)
def test_a_misspelt_option_or_choice_gets_the_right_one_suggested(
    argv: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("khachhang: error: ")
    assert err.endswith(f"{hint} (see khachhang --help)\n")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "argv", [["demo", "--colour"], ["demo", "--lang", "fr"], ["segment", "--rul", "r.json", "-x"]]
)
def test_nothing_is_suggested_when_nothing_is_close(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """An abbreviation (--rul) is argparse's to accept, not a typo."""
    assert main(argv) == 2
    assert "did you mean" not in capsys.readouterr().err


def test_an_error_from_the_library_prints_one_line_and_exits_with_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ValidationError("n", "too many customers\nsecond line")

    monkeypatch.setattr("khachhang.sample.sample_book", refuse)
    assert main(["demo"]) == 2
    assert capsys.readouterr().err == "khachhang: error: n: too many customers\n"


def test_help_is_printed_and_returns_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--help"]) == 0
    assert "--seed S" in capsys.readouterr().out
    out = io.StringIO()
    assert main(["segment", "--help"], stdout=out) == 0
    words = " ".join(out.getvalue().split())
    assert "exit codes: 0 done;" in words
    assert "70 a bug in khachhang; 74 cannot read the input or write the output" in words
    assert capsys.readouterr().out == ""


def test_every_command_is_a_subparser_with_a_handler() -> None:
    """Each command in COMMANDS adds one subparser that sets its own handler."""
    from khachhang.cli._commands import COMMANDS

    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(subparsers.choices) == len(COMMANDS)
    handlers = {name: sub.get_default("handler") for name, sub in subparsers.choices.items()}
    assert all(callable(handler) for handler in handlers.values())
    assert len(set(handlers.values())) == len(handlers)  # no two commands share one
    args = parser.parse_args(["demo"])
    # --lang not given: main then takes vi for the output and the locale for the messages
    assert (args.handler, args.lang, args.size, args.json) == (handlers["demo"], None, 1000, False)


def test_an_ascii_stream_gets_vietnamese_without_diacritics(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    assert main(["demo", "--size", "40"]) == 0
    sys.stdout.flush()
    text = raw.getvalue().decode("ascii")
    assert text.startswith("Tong quan tep khach hang\n")
    assert "Khach hang trung thanh" in text
    assert " VND" in text


def test_json_on_an_ascii_stream_stays_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    assert main(["demo", "--json", "--size", "40"]) == 0
    sys.stdout.flush()
    data = json.loads(raw.getvalue().decode("ascii"))
    assert data == to_dict(summarize(sample_book(40), as_of=SAMPLE_AS_OF))


def test_python_dash_m_khachhang_runs_the_demo() -> None:
    """The module entry point works in a fresh interpreter."""
    run = _run_module("demo", "--size", "50")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Tổng quan tệp khách hàng\n")
    assert "Số khách hàng                50" in run.stdout


def test_the_demo_survives_a_terminal_that_only_speaks_ascii() -> None:
    run = _run_module("demo", "--size", "50", PYTHONIOENCODING="ascii")
    assert run.returncode == 0, run.stderr
    assert run.stdout.isascii()
    assert run.stdout.startswith("Tong quan tep khach hang\n")


def test_a_usage_error_from_the_module_exits_with_2() -> None:
    run = _run_module("demo", "--lang", "fr")
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.startswith("khachhang: error: argument --lang")
