"""The command line: ``python -m khachhang`` (or the ``khachhang`` console script).

The one module of the package that does I/O. Each command is a subparser whose
``handler`` gets the parsed arguments and the output stream and returns an exit code;
adding a command means writing one ``_add_…`` function and listing it in
:data:`_COMMANDS`.

Exit codes: 0 on success, 2 for a usage error or refused input (one line on stderr,
``khachhang: error: …``).

>>> main(["--version"])  # doctest: +ELLIPSIS
khachhang ...
0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from khachhang._version import __version__
from khachhang.errors import KhachHangError

if TYPE_CHECKING:
    from khachhang.customers import Customer

__all__ = ["build_parser", "main"]

PROG = "khachhang"
MAX_DEMO_SIZE = 1_000_000

Handler = Callable[[argparse.Namespace, TextIO], int]
"""A command: parsed arguments and the output stream in, an exit code out."""


class UsageError(Exception):
    """The command line itself is wrong; reported on one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# --- output that survives any terminal ------------------------------------------------

# Characters a non-Unicode terminal cannot show, and readable stand-ins.
_ASCII_STANDINS = str.maketrans({"₫": "VND", "—": "-", "…": "...", "đ": "d", "Đ": "D"})


def _fits(text: str, stream: TextIO) -> bool:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    except LookupError:  # an encoding Python does not know: let the stream decide
        return True
    return True


def _plain(text: str) -> str:
    """Vietnamese without diacritics ("Khách hàng" -> "Khach hang"), for ASCII terminals."""
    decomposed = unicodedata.normalize("NFD", text.translate(_ASCII_STANDINS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _write(stream: TextIO, text: str) -> None:
    """Write ``text`` and a newline, degrading gracefully when the encoding cannot hold it.

    On a terminal that is not UTF-8 (``PYTHONIOENCODING=ascii``, an old Windows code
    page) diacritics are dropped rather than crashing with ``UnicodeEncodeError``;
    whatever still does not fit becomes ``?``.
    """
    line = text + "\n"
    if not _fits(line, stream):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        line = _plain(line).encode(encoding, "replace").decode(encoding)
    stream.write(line)


# --- commands -----------------------------------------------------------------------


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        msg = f"expected a whole number, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not 1 <= value <= MAX_DEMO_SIZE:
        msg = f"expected 1 to {MAX_DEMO_SIZE:,}, got {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from khachhang.report import render_summary, summarize
    from khachhang.sample import SAMPLE_AS_OF, sample_book

    book = sample_book(args.size, seed=args.seed, as_of=SAMPLE_AS_OF)
    summary = summarize(book, as_of=SAMPLE_AS_OF)
    if args.json:
        from khachhang.serde import to_dict

        data = to_dict(summary)
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if not _fits(text, out):  # \u escapes keep the JSON exact on any terminal
            text = json.dumps(data, ensure_ascii=True, indent=2)
        _write(out, text)
    else:
        _write(out, render_summary(summary, args.lang))
        for section in _demo_sections(book, args.lang):
            _write(out, "")
            _write(out, section)
    return 0


def _demo_sections(book: Sequence[Customer], lang: str) -> list[str]:
    """The segmentation, buying and care parts of the demo, each rendered by its package."""
    from khachhang.buying import _demo as buying
    from khachhang.care import _demo as care
    from khachhang.care import _demo_service as care_service
    from khachhang.sample import SAMPLE_AS_OF
    from khachhang.segmentation import _demo as segmentation

    sections = (
        package.render(book, as_of=SAMPLE_AS_OF, lang=lang)
        for package in (segmentation, buying, care, care_service)
    )
    return [section for section in sections if section]


def _add_demo(commands: argparse._SubParsersAction[_Parser]) -> None:
    from khachhang.sample import SAMPLE_SEED

    parser = commands.add_parser(
        "demo",
        help="build the sample customer book and summarise it",
        description=(
            "Build a deterministic sample book of Vietnamese customers (the same seed "
            "gives the same book) and print a summary: counts by kind, role, lifecycle, "
            "source and province, and revenue by market."
        ),
    )
    parser.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="report language (default: vi)"
    )
    parser.add_argument(
        "--size", type=_size, default=1000, metavar="N", help="customers (default: 1000)"
    )
    parser.add_argument(
        "--seed", type=int, default=SAMPLE_SEED, metavar="S", help=f"default: {SAMPLE_SEED}"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the summary as JSON instead of text"
    )
    parser.set_defaults(handler=_demo)


_COMMANDS: tuple[Callable[[argparse._SubParsersAction[_Parser]], None], ...] = (_add_demo,)
"""One function per command; each adds its subparser and sets ``handler``."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command.

    >>> build_parser().parse_args(["demo", "--lang", "en"]).lang
    'en'
    """
    parser = _Parser(
        prog=PROG,
        description="khachhang: customer-management domain models (Vietnamese practice).",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for add in _COMMANDS:
        add(commands)
    return parser


def _command_names(parser: argparse.ArgumentParser) -> list[str]:
    return [
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    ]


def _error(message: str) -> int:
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    _write(sys.stderr, f"{PROG}: error: {first}")
    return 2


def _silence_broken_pipe() -> None:
    # The reader went away (``khachhang demo | head``): send the rest of the output
    # nowhere, so the interpreter's final flush does not fail again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    ``--help`` prints help and returns 0; a wrong command line or input the library
    refuses prints one line on stderr and returns 2.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as err:
        return _error(f"{err} (see {PROG} --help)")
    except SystemExit as exit_:  # --help: argparse printed it and wants to stop
        return exit_.code if isinstance(exit_.code, int) else 0
    if args.version:
        _write(sys.stdout, f"{PROG} {__version__}")
        return 0
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        return _error(f"choose a command: {', '.join(_command_names(parser))} (see {PROG} --help)")
    try:
        code = handler(args, sys.stdout)
        sys.stdout.flush()
    except KhachHangError as err:
        return _error(str(err))
    except BrokenPipeError:
        _silence_broken_pipe()
        return 0
    return code
