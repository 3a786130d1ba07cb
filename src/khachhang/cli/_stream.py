"""Reading customers as JSON lines: line numbers, bad lines, the error policy, progress.

One customer per line, ``khachhang.serde.to_json(customer)``. Lines are read one at a
time (constant memory, whatever the input's size); a line longer than the limit is
drained in small pieces and reported, never held. Blank lines are skipped and counted.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from khachhang._format import format_number
from khachhang.cli._base import (
    EXIT_BAD_DATA,
    EXIT_IO,
    EXIT_OK,
    EXIT_SKIPPED,
    PROG,
    CommandError,
    write,
)
from khachhang.errors import ConversionError, KhachHangError

if TYPE_CHECKING:
    from khachhang.customers import Customer

DEFAULT_MAX_LINE_BYTES = 1024 * 1024
"""Lines longer than this (1 MiB) are bad lines; ``--max-line-bytes`` changes it.

It bounds the memory: a line is held with its text, its parsed JSON and its customer,
about 20 times its size at the peak (see docs/cli.md). A sample customer is about 2.2 kB,
one with 4,000 purchases about 1 MB.
"""

MAX_LINE_BYTES = 64 * 1024 * 1024
"""The largest ``--max-line-bytes`` accepted (64 MiB: a peak of about 1.3 GB)."""

MAX_PROBLEMS_SHOWN = 5
"""Problems printed per bad line (a ConversionError lists every bad path)."""

SKIPPED_IDS_SHOWN = 10
"""Line numbers of skipped lines listed in the summary."""

_BOM = b"\xef\xbb\xbf"
_DRAIN = 64 * 1024
# json's "line 1 column 7 (char 6)": the line is ours already, the column is what helps.
_JSON_WHERE = re.compile(r"line 1 column (\d+) \(char \d+\)$")


class Progress:
    """A progress bar (or counter) on stderr, redrawn at most every ``interval`` seconds.

    Shown only when ``stream`` is a terminal; the bar needs ``total`` bytes (stdin is a
    regular file), otherwise it counts lines. Nothing is drawn before ``interval`` has
    passed, so quick runs print nothing.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        total: int | None = None,
        interval: float = 0.2,
        clock: Callable[[], float] | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.stream = stream
        self.total = total
        self.interval = interval
        self.clock = time.monotonic if clock is None else clock
        self.enabled = is_terminal(stream) if enabled is None else enabled
        self.started = self.clock()
        self.next_draw = self.started + interval
        self.drawn = False

    def update(self, lines: int, done_bytes: int) -> None:
        """Note progress; redraw when the interval has passed."""
        if not self.enabled:
            return
        now = self.clock()
        if now < self.next_draw:
            return
        self.next_draw = now + self.interval
        elapsed = max(now - self.started, 1e-9)
        rate = f"{lines:,} lines  {lines / elapsed:,.0f} lines/s"
        if self.total:
            share = min(done_bytes / self.total, 1.0)
            filled = int(share * 24)
            bar = "#" * filled + "-" * (24 - filled)
            text = f"{PROG}: [{bar}] {share:4.0%}  {rate}"
        else:
            text = f"{PROG}: {rate}"
        self.stream.write("\r" + text + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        """Erase the bar (before an error message, and at the end)."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def is_terminal(stream: object) -> bool:
    """Whether ``stream`` is a terminal (a stream without ``isatty`` is not)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):
        return False


def input_size(stream: Any) -> int | None:
    """Bytes left to read when ``stream`` is a regular file, else ``None`` (a pipe)."""
    raw = getattr(stream, "buffer", stream)
    try:
        info = os.fstat(raw.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        left: int = info.st_size - raw.tell()
        return max(left, 0)
    except (AttributeError, OSError, ValueError):
        return None


class StopReadingError(Exception):
    """A bad line under ``--on-error=stop``: raised by :meth:`CustomerLines.reject`."""


class CustomerLines:
    """The customers of a JSON-lines stream, with their line numbers; counts everything.

    Iterating yields ``(line_number, customer)``. A bad line is reported on ``stderr`` as
    ``khachhang: line N: PATH: reason`` (one line per problem); with ``on_error="stop"``
    reading stops there, with ``"skip"`` it goes on. :meth:`reject` lets a command refuse
    a customer the same way (a later step failed on it).
    """

    def __init__(
        self,
        stream: Any,
        stderr: TextIO,
        *,
        on_error: str = "stop",
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        progress: Progress | None = None,
        watch: str | None = None,
        lang: str = "en",
    ) -> None:
        self.stream = stream
        self.lang = lang
        """The messages' language (``vi`` or ``en``)."""
        self.stderr = stderr
        self.on_error = on_error
        self.max_line_bytes = max_line_bytes
        self.progress = progress
        self.read = 0
        self.blank = 0
        self.bytes = 0
        self.skipped: list[int] = []
        self.skipped_count = 0
        self.stopped_at: int | None = None
        self.watch = watch
        self.watched: list[int] = []
        """Bad lines whose JSON holds ``"id": watch`` (for ``explain``'s message)."""

    def _next_line(self) -> bytes | None:
        """The next line as bytes (``b""`` at the end of the input), or ``None`` for a
        line over the limit (drained in small pieces, never held)."""
        source = getattr(self.stream, "buffer", self.stream)
        limit = self.max_line_bytes
        chunk = _read(source, limit + 1)
        if isinstance(chunk, str):  # a text stream without a binary buffer (tests)
            chunk = chunk.encode("utf-8", "surrogateescape")
        self.bytes += len(chunk)
        if len(chunk) <= limit or chunk.endswith(b"\n"):
            return chunk
        del chunk
        while True:
            rest = _read(source, _DRAIN)
            if isinstance(rest, str):
                rest = rest.encode("utf-8", "surrogateescape")
            self.bytes += len(rest)
            if not rest or rest.endswith(b"\n"):
                return None

    def __iter__(self) -> Iterator[tuple[int, Customer]]:
        from khachhang.customers import Customer
        from khachhang.serde import from_dict  # imported here: --help and --version stay quick

        # Memory: a line is held as bytes, then as text, then as parsed JSON, then as a
        # customer, each dropped as soon as the next exists (the JSON is the largest, 5 to
        # 20 times the line): the peak is bounded by --max-line-bytes (docs/cli.md).
        progress = self.progress
        while True:
            raw = self._next_line()
            if raw == b"":
                return
            self.read += 1
            number = self.read
            if progress is not None:
                progress.update(number, self.bytes)
            if raw is None:
                self.reject(number, [("$", f"line longer than {self.max_line_bytes:,} bytes")])
                continue
            if number == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if not raw.strip():
                self.blank += 1
                continue
            try:
                text = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as err:
                self.reject(number, [("$", f"not UTF-8 text (byte {err.start + 1})")])
                continue
            del raw
            try:  # as serde.from_json does, but the text is dropped before the building
                data = json.loads(text)
            except RecursionError:
                self.reject(number, [("$", "nested too deeply")])
                continue
            except ValueError as err:
                reason = _JSON_WHERE.sub(r"column \1", str(err))
                self.reject(number, [("$", f"not valid JSON: {reason}")])
                continue
            del text
            try:
                customer = from_dict(data, Customer)
            except ConversionError as err:
                if self._watched(data):
                    self.watched.append(number)
                self.reject(number, [(p, _JSON_WHERE.sub(r"column \1", r)) for p, r in err.errors])
                continue
            except KhachHangError as err:  # pragma: no cover - from_dict wraps everything
                self.reject(number, [("$", str(err))])
                continue
            del data
            yield number, customer
            del customer  # the caller holds it while it needs it

    def _watched(self, data: object) -> bool:
        """Whether a bad line holds the watched id (the first few such lines are kept)."""
        if self.watch is None or len(self.watched) >= SKIPPED_IDS_SHOWN:
            return False
        return isinstance(data, dict) and data.get("id") == self.watch

    def reject(self, number: int, problems: Sequence[tuple[str, str]]) -> None:
        """Report line ``number`` as bad; raise to stop reading under ``on_error="stop"``."""
        if self.progress is not None:
            self.progress.clear()
        shown = list(problems)[:MAX_PROBLEMS_SHOWN] or [("$", "refused")]
        for path, reason in shown:
            first = reason.strip().splitlines()[0] if reason.strip() else "refused"
            write(self.stderr, f"{PROG}: line {number}: {path}: {first}")
        if len(problems) > MAX_PROBLEMS_SHOWN:
            more = len(problems) - MAX_PROBLEMS_SHOWN
            write(self.stderr, f"{PROG}: line {number}: ... and {more} more problem(s)")
        self.skipped_count += 1
        if len(self.skipped) < SKIPPED_IDS_SHOWN:
            self.skipped.append(number)
        if self.on_error == "stop":
            self.stopped_at = number
            raise StopReadingError

    def lines(self) -> Iterator[tuple[int, Customer]]:
        """Like iterating, but a stop ends the iteration quietly (see :attr:`stopped_at`)."""
        try:
            yield from self
        except StopReadingError:
            return

    def finish(self, command: str, written: str, *, quiet: bool, extra: str = "") -> int:
        """Clear the progress bar, print the summary on stderr, return the exit code.

        The summary is always printed when lines were skipped or reading stopped;
        ``quiet`` hides it otherwise.
        """
        if self.progress is not None:
            self.progress.clear()
        tail = f"; {extra}" if extra else ""
        text = _FINISH[self.lang]
        if self.stopped_at is not None:
            stopped = text["stopped"].format(line=self.stopped_at, written=written)
            write(self.stderr, f"{PROG}: {command}: {stopped}{tail}")
            return EXIT_BAD_DATA
        counts = text["read"].format(n=format_number(self.read, self.lang), written=written)
        if self.blank:
            counts += text["blank"].format(n=format_number(self.blank, self.lang))
        if self.skipped_count:
            numbers = ", ".join(str(n) for n in self.skipped)
            if self.skipped_count > len(self.skipped):
                numbers += ", ..."
            shown = format_number(self.skipped_count, self.lang)
            counts += text["skipped"].format(n=shown, lines=numbers)
        if self.skipped_count or not quiet:
            write(self.stderr, f"{PROG}: {command}: {counts}{tail}")
        return EXIT_SKIPPED if self.skipped_count else EXIT_OK


_FINISH = {
    "en": {
        "stopped": "stopped at line {line} (--on-error=skip goes on past bad lines); "
        "{written} before it",
        "read": "{n} lines read, {written}",
        "blank": ", {n} blank",
        "skipped": ", {n} bad line(s) skipped (line {lines})",
    },
    "vi": {
        "stopped": "dừng ở dòng {line} (--on-error=skip bỏ qua dòng lỗi và đọc tiếp); "
        "{written} trước dòng đó",
        "read": "đã đọc {n} dòng, {written}",
        "blank": ", {n} dòng trống",
        "skipped": ", bỏ qua {n} dòng lỗi (dòng {lines})",
    },
}


def _read(source: Any, size: int) -> bytes | str:
    try:
        chunk: bytes | str = source.readline(size)
    except OSError as err:  # EIO, a directory on stdin, ...
        reason = err.strerror or str(err)
        raise CommandError([f"error: cannot read the input: {reason}"], EXIT_IO) from None
    return chunk


def no_terminal_input(stream: object) -> None:
    """Refuse to wait for customers typed at a terminal (a likely mistake)."""
    if stream is None:  # closed by the shell (<&-)
        raise CommandError(["error: no input: stdin is closed"], EXIT_IO)
    if is_terminal(stream):
        raise CommandError(
            [
                "error: no input: pipe customers as JSON lines, e.g. "
                f"`{PROG} sample --size 100 | {PROG} segment ...` or `... < customers.jsonl`"
            ]
        )
