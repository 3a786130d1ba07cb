"""The command line end to end, in fresh interpreters: pipes, exit codes, signals, terminals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from khachhang import Customer
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import Segmenter, standard_segments
from khachhang.serde import from_json, to_json

SRC = Path(__file__).resolve().parents[1] / "src"
AS_OF = SAMPLE_AS_OF.isoformat()  # the --as-of the CLI tests pass
# An English locale whatever the developer's: the messages follow it (see conftest.py).
_LOCALE = {"LC_ALL": "C.UTF-8", "LC_MESSAGES": "C.UTF-8", "LANG": "C.UTF-8"}
ENV = {**os.environ, "PYTHONPATH": str(SRC), **_LOCALE}
KHACHHANG = [sys.executable, "-m", "khachhang"]


def _run(*args: str, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*KHACHHANG, *args],
        input=stdin,
        env={**ENV, **env},
        capture_output=True,
        timeout=120,
        check=False,
    )


# Made in process (`rules` and `sample` run as processes in test_docs.py and below).
@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "rules.json"
    path.write_text(to_json(Segmenter(standard_segments(), mode="all")), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def book_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "customers.jsonl"
    path.write_text("".join(to_json(c) + "\n" for c in sample_book(120)), encoding="utf-8")
    return path


def test_segment_as_a_process_equals_segmenting_in_memory(rules: Path, book_file: Path) -> None:
    result = _run("segment", "--rules", str(rules), "--as-of", AS_OF, stdin=book_file.read_bytes())
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    book = sample_book(120)
    expected = Segmenter(standard_segments(), mode="all").assign(book, as_of=SAMPLE_AS_OF)
    assert rows == [{"id": c.id, "segments": list(k)} for c, k in zip(book, expected, strict=True)]
    assert result.stderr.decode() == (
        f"khachhang: segment: 120 lines read, 120 written; as of {AS_OF}, mode all\n"
    )


def test_bad_lines_give_their_line_number_and_exit_codes_1_and_3(
    rules: Path, book_file: Path
) -> None:
    text = book_file.read_text(encoding="utf-8").splitlines()
    data = json.loads(text[6])
    data["party"]["contacts"] = [{"kind": "phone", "value": "not a phone", "consents": []}]
    text[6] = json.dumps(data, ensure_ascii=False)
    stdin = "\n".join(text[:20]).encode()
    stopped = _run("segment", "--rules", str(rules), "--as-of", AS_OF, stdin=stdin)
    assert stopped.returncode == 1
    err = stopped.stderr.decode()
    assert err.startswith("khachhang: line 7: $.party.contacts[0].value: ")
    assert "Traceback" not in err
    assert len(stopped.stdout.decode().splitlines()) == 6
    skipped = _run(
        "segment", "--rules", str(rules), "--as-of", AS_OF, "--on-error=skip", stdin=stdin
    )
    assert skipped.returncode == 3
    assert len(skipped.stdout.decode().splitlines()) == 19
    assert "1 bad line(s) skipped (line 7)" in skipped.stderr.decode()


def test_explain_and_its_not_found_exit_code(rules: Path, book_file: Path) -> None:
    stdin = book_file.read_bytes()
    found = _run(
        "explain", "--rules", str(rules), "--customer", "KH-000042", "--as-of", AS_OF, stdin=stdin
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.decode().startswith("KH-000042 — ")
    missing = _run("explain", "--rules", str(rules), "--customer", "KH-X", stdin=stdin)
    assert (missing.returncode, missing.stdout) == (4, b"")
    assert b"no customer with id 'KH-X' in 120 lines" in missing.stderr


def test_plan_and_diagram_run_as_commands(book_file: Path) -> None:
    plan = _run("plan", "--days", "30", "--start", "2026-11-01", stdin=book_file.read_bytes())
    assert plan.returncode == 0, plan.stderr
    rows = [json.loads(line) for line in plan.stdout.decode().splitlines()]
    assert rows
    assert {row["type"] for row in rows} == {"touchpoint", "drop"}
    diagram = _run("diagram", "buying")
    assert diagram.returncode == 0
    assert diagram.stdout.decode().startswith("stateDiagram-v2\n")


def test_a_reader_that_goes_away_is_not_an_error() -> None:
    """``khachhang sample | head -1``: no traceback, no message, exit 0."""
    process = subprocess.Popen(
        [*KHACHHANG, "sample", "--size", "500"],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert json.loads(first)["id"] == "KH-000001"
    assert (process.returncode, err) == (0, b"")


def _closing(fd: int) -> Callable[[], None]:
    return lambda: os.close(fd)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file descriptors")
def test_closed_and_failing_streams_are_exit_codes_not_tracebacks(
    rules: Path, book_file: Path
) -> None:
    """``>&-``, ``2>&-`` and ``> /dev/full``: an exit code and one line, never a traceback."""
    argv = [*KHACHHANG, "segment", "--rules", str(rules), "--as-of", AS_OF, "--on-error=skip"]
    stdin = b"".join(book_file.read_bytes().splitlines(keepends=True)[:2]) + b"{oops\n"
    no_stdout = subprocess.run(
        argv, input=stdin, env=ENV, stderr=subprocess.PIPE, preexec_fn=_closing(1), check=False
    )
    assert no_stdout.returncode == 74
    assert no_stdout.stderr == b"khachhang: error: cannot write the output: stdout is closed\n"
    no_stderr = subprocess.run(
        argv, input=stdin, env=ENV, stdout=subprocess.PIPE, preexec_fn=_closing(2), check=False
    )
    assert no_stderr.returncode == 3  # the same as with a stderr: skipped lines
    assert no_stderr.stdout.count(b"\n") == 2
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            disk_full = subprocess.run(
                [*KHACHHANG, "sample", "--size", "50"],
                env=ENV,
                stdout=full,
                stderr=subprocess.PIPE,
                check=False,
            )
        assert disk_full.returncode == 74
        assert disk_full.stderr == (
            b"khachhang: error: cannot write the output: No space left on device\n"
        )


def test_ctrl_c_exits_130_without_a_traceback(rules: Path, book_file: Path) -> None:
    process = subprocess.Popen(
        [*KHACHHANG, "segment", "--rules", str(rules), "--as-of", AS_OF],
        env={**ENV, "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(book_file.read_bytes().splitlines(keepends=True)[0])
    process.stdin.flush()
    first = process.stdout.readline()  # it has answered line 1: it waits for line 2
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert json.loads(first)["id"] == "KH-000001"
    assert (process.returncode, out) == (130, b"")
    assert b"Traceback" not in err
    assert err.endswith(b"khachhang: interrupted\n")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_progress_counter_is_drawn_on_a_terminal_only(rules: Path, book_file: Path) -> None:
    """A real pseudo-terminal as stderr; the input pauses so that a redraw is due."""
    lines = book_file.read_bytes().splitlines(keepends=True)
    leader, follower = os.openpty()
    process = subprocess.Popen(
        [*KHACHHANG, "segment", "--rules", str(rules), "--as-of", AS_OF],
        env={**ENV, "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(lines[0])
    process.stdin.flush()
    process.stdout.readline()  # reading has started
    time.sleep(0.5)  # longer than the 0.2 s between redraws
    process.stdin.write(b"".join(lines[1:]))
    process.stdin.close()
    rest = process.stdout.read()
    process.wait(timeout=120)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the terminal is closed and drained
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.returncode == 0
    assert rest.count(b"\n") == len(lines) - 1
    text = seen.decode()
    assert "\rkhachhang: 2 lines  " in text
    assert "lines/s\x1b[K" in text
    assert f"\r\x1b[Kkhachhang: segment: {len(lines)} lines read" in text
    piped = _run("segment", "--rules", str(rules), "--as-of", AS_OF, stdin=b"".join(lines))
    assert b"\r" not in piped.stderr


def test_an_ascii_terminal_gets_exact_json_with_escapes() -> None:
    result = _run("sample", "--size", "20", PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    loaded = [from_json(line, Customer) for line in result.stdout.decode().splitlines()]
    assert loaded == list(sample_book(20))


# `python -m khachhang ARGS`, then the process's peak resident memory (KiB) on stderr's
# last line. VmHWM, not ru_maxrss: the latter keeps the parent's pages counted before exec.
_PEAK_MEMORY = """
import runpy, sys
sys.argv = ["khachhang", *sys.argv[1:]]
try:
    runpy.run_module("khachhang", run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                print(line.split()[1], file=sys.stderr)
"""


def _customer_of(size: int) -> bytes:
    """A valid customer line of about ``size`` bytes: ordinary content, a long purchase list."""
    buyer = next(c for c in sample_book(40) if c.purchases)
    data = json.loads(to_json(buyer))
    first = data["purchases"][0]
    count = size // len(json.dumps(first, separators=(",", ":")))
    copies = [dict(first, id=f"{buyer.id}-{i:06d}") for i in range(count)]
    data["purchases"] = copies + data["purchases"]  # keep the history its lifecycle log needs
    return (json.dumps(data, separators=(",", ":")) + "\n").encode()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_the_peak_memory_is_bounded_by_the_line_limit_not_the_lines(
    rules: Path, tmp_path: Path
) -> None:
    """Lines of 3.5 MB were read whole under the old 4 MiB default: a 95 MB peak (and more
    for denser content). With the 1 MiB default they are drained; lines just under the
    limit are read one at a time: the peak stays near 30 MiB + ~20 times a line."""
    long, near = _customer_of(3_500_000), _customer_of(1_000_000)
    assert len(long) > 1024 * 1024 > len(near) > 900_000
    path = tmp_path / "customers.jsonl"
    path.write_bytes((long + near) * 4)
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--on-error", "skip", "-q"]
    with path.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-c", _PEAK_MEMORY, *argv],
            env=ENV,
            stdin=stdin,
            capture_output=True,
            timeout=300,
            check=False,
        )
    *messages, peak = done.stderr.decode().splitlines()
    assert done.returncode == 3, messages
    assert done.stdout.count(b"\n") == 4
    assert "8 lines read, 4 written, 4 bad line(s) skipped (line 1, 3, 5, 7)" in messages[-1]
    assert int(peak) < 64 * 1024, f"peak {int(peak) / 1024:.0f} MiB"
