"""What every command shares: the context (streams, clock), errors, exit codes, output."""

from __future__ import annotations

import argparse
import difflib
import io
import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, time, tzinfo
from typing import Any, NoReturn, TextIO, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from dateutil.parser import isoparser

from khachhang.labels import Lang, check_lang

PROG = "khachhang"

EXIT_OK = 0
"""Success."""
EXIT_BAD_DATA = 1
"""A bad input line with ``--on-error=stop`` (the default): reading stopped there."""
EXIT_USAGE = 2
"""A wrong command line, an unreadable or invalid rules file, arguments the library refuses."""
EXIT_SKIPPED = 3
"""Finished with ``--on-error=skip``, but some bad lines were skipped."""
EXIT_NOT_FOUND = 4
"""``explain``: no customer with the id."""
EXIT_INTERNAL = 70
"""A bug in khachhang (one line on stderr instead of a traceback; please report it)."""
EXIT_IO = 74
"""The input could not be read or the output written (closed stream, disk full)."""
EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl-C), as a shell reports SIGINT."""


def message_lang(explicit: str | None, environ: Mapping[str, str]) -> Lang:
    """The language of the command line's messages (stderr): ``--lang`` when given, else
    the locale's (the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set, as POSIX
    orders them): Vietnamese for ``vi…``, English otherwise and when none is set.

    >>> message_lang(None, {"LANG": "vi_VN.UTF-8"}), message_lang("en", {"LANG": "vi_VN"})
    ('vi', 'en')
    >>> message_lang(None, {"LC_ALL": "C", "LANG": "vi_VN.UTF-8"}), message_lang(None, {})
    ('en', 'en')
    """
    if explicit is not None:
        return check_lang(explicit)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    return "en"


@attrs.frozen
class Context:
    """The streams, the clock and the environment a command uses (injected by tests)."""

    stdin: Any
    stdout: TextIO
    stderr: TextIO
    now: Callable[[tzinfo], datetime]
    environ: Mapping[str, str] = attrs.field(factory=dict)
    """The environment (``os.environ`` in :func:`main`): the locale, the redaction key."""


Handler = Callable[[argparse.Namespace, Context], int]
"""A command: parsed arguments and the context in, an exit code out."""


class CommandError(Exception):
    """A command cannot go on: ``lines`` go to stderr and ``code`` is the exit code."""

    def __init__(self, lines: Sequence[str], code: int = EXIT_USAGE) -> None:
        self.lines = tuple(lines)
        self.code = code
        super().__init__("\n".join(self.lines))


class UsageError(CommandError):
    """The command line itself is wrong; reported on one line with exit code 2."""

    def __init__(self, message: str) -> None:
        super().__init__([f"error: {message}"], EXIT_USAGE)


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that raises instead of printing usage and exiting.

    A wrong choice gets the closest right one suggested, on every Python version
    (argparse's own ``suggest_on_error`` arrived in 3.14).
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if isinstance(value, str) and choices is not None and value not in choices:
            names = [str(choice) for choice in choices]
            msg = f"invalid choice: {value!r} (choose from {', '.join(names)})"
            close = closest(value, names)
            if close is not None:
                msg += f"; did you mean {close!r}?"
            raise argparse.ArgumentError(action, msg)
        super()._check_value(action, value)


def closest(word: str, candidates: Sequence[str]) -> str | None:
    """The candidate most like ``word`` (a typo's likely intent), if one is close enough.

    >>> closest("--rulse", ["--rules", "--name", "--mode"])
    '--rules'
    >>> closest("--colour", ["--rules", "--name"]) is None
    True
    """
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return found[0] if found else None


Commands: TypeAlias = "argparse._SubParsersAction[Parser]"


# --- output that survives any terminal ------------------------------------------------

# Characters a non-Unicode terminal cannot show, and readable stand-ins.
_ASCII_STANDINS = str.maketrans(
    {"₫": "VND", "—": "-", "…": "...", "→": "->", "≥": ">=", "≤": "<=", "đ": "d", "Đ": "D"}
)


def fits(text: str, stream: TextIO) -> bool:
    """Whether ``stream``'s encoding can hold ``text``."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    except LookupError:  # an encoding Python does not know: let the stream decide
        return True
    return True


def plain(text: str) -> str:
    """Vietnamese without diacritics ("Khách hàng" -> "Khach hang"), for ASCII terminals."""
    decomposed = unicodedata.normalize("NFD", text.translate(_ASCII_STANDINS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def write(stream: TextIO, text: str) -> None:
    """Write ``text`` and a newline, degrading gracefully when the encoding cannot hold it.

    On a terminal that is not UTF-8 (``PYTHONIOENCODING=ascii``, an old Windows code
    page) diacritics are dropped rather than crashing with ``UnicodeEncodeError``;
    whatever still does not fit becomes ``?``.
    """
    line = text + "\n"
    if not fits(line, stream):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        line = plain(line).encode(encoding, "replace").decode(encoding)
    stream.write(line)


def json_dumper(stream: TextIO) -> Callable[[object], str]:
    """Compact one-line JSON; ``\\u`` escapes when ``stream`` cannot hold Vietnamese."""
    ascii_only = not fits("Khách hàng ₫", stream)

    def dump(data: object) -> str:
        return json.dumps(data, ensure_ascii=ascii_only, separators=(",", ":"))

    return dump


# --- arguments ------------------------------------------------------------------------

DEFAULT_TZ = "Asia/Ho_Chi_Minh"


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or a usage error."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder ("America")
        raise UsageError(f"argument --tz: unknown time zone {name!r}") from None


_ISO = isoparser()


def instant(text: str, option: str, tz: tzinfo) -> datetime:
    """An ISO 8601 datetime with its offset, or a date (midnight in ``tz``).

    >>> from zoneinfo import ZoneInfo
    >>> instant("20261101", "--as-of", ZoneInfo("Asia/Ho_Chi_Minh")).isoformat()
    '2026-11-01T00:00:00+07:00'
    """
    value = text.strip()
    # dateutil's ISO parser, not date.fromisoformat: before Python 3.11 that takes only
    # YYYY-MM-DD, and the basic (20261101), week (2026-W44-7) and ordinal forms count too.
    try:  # a date, in any of the forms ISO 8601 allows
        day = _ISO.parse_isodate(value)
    except (ValueError, OverflowError):
        pass
    else:  # its local midnight
        return datetime.combine(day, time.min, tzinfo=tz)
    try:
        parsed = _ISO.isoparse(value)
    except (ValueError, OverflowError):
        msg = f"argument {option}: not an ISO 8601 date or datetime: {text!r}"
        raise UsageError(msg) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        example = parsed.replace(tzinfo=tz).isoformat()  # the advice is a whole option
        msg = f"argument {option}: {text!r} needs a UTC offset, e.g. {option} {example}"
        raise UsageError(msg)
    return parsed


class Guarded(io.TextIOBase):
    """A stream that never raises: what cannot be written (a closed stderr) is dropped.

    stderr is wrapped in it, so that a failing stderr (``2>&-``, ``2>/dev/full``) cannot
    turn a run into a crash or change its exit code.
    """

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        if self.stream is not None:
            try:
                self.stream.write(text)
            except (OSError, ValueError):
                self.stream = None
        return len(text)

    def flush(self) -> None:
        if self.stream is not None:
            try:
                self.stream.flush()
            except (OSError, ValueError):
                self.stream = None

    def isatty(self) -> bool:
        try:
            return self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIO declares an attribute
        return getattr(self.stream, "encoding", None) or "utf-8"

    def close(self) -> None:  # the wrapped stream is not ours to close
        pass


class OutputError(Exception):
    """Writing the output failed (not a closed pipe): ``reason`` is the system's."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Output(io.TextIOBase):
    """stdout: a failed write raises :class:`OutputError` (a closed pipe stays
    ``BrokenPipeError``), so that it cannot be mistaken for another ``OSError``."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as err:
            raise OutputError(err.strerror or str(err)) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as err:
            raise OutputError(err.strerror or str(err)) from None

    def isatty(self) -> bool:
        try:
            return self.stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIO declares an attribute
        return getattr(self.stream, "encoding", None) or "utf-8"

    def close(self) -> None:  # the wrapped stream is not ours to close
        pass
