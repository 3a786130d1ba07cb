"""The command line: ``python -m khachhang`` (or the ``khachhang`` console script).

The one part of the package that does I/O and reads the clock. Each command is a
subparser whose ``handler`` gets the parsed arguments and a :class:`Context` (the
streams and the clock, injectable for tests) and returns an exit code; adding a command
means writing one ``add_…`` function in ``_commands`` and listing it in ``COMMANDS``.

Commands: ``demo``, ``sample``, ``rules``, ``segment``, ``explain``, ``plan``,
``diagram`` (see ``docs/cli.md``). Exit codes: 0 success; 1 a bad input line stopped the
run (``--on-error=stop``, the default); 2 a usage error, a bad rules file or input the
library refuses; 3 finished, but bad lines were skipped (``--on-error=skip``); 4
``explain`` found no such customer; 70 a bug in khachhang (reported in one line); 74
the input could not be read or the output written; 130 interrupted.

>>> main(["--version"])  # doctest: +ELLIPSIS
khachhang ...
0
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, TextIO, cast

from khachhang._version import __version__
from khachhang.cli._base import (
    EXIT_BAD_DATA,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_USAGE,
    PROG,
    CommandError,
    Context,
    Guarded,
    Handler,
    Output,
    OutputError,
    Parser,
    UsageError,
    closest,
    message_lang,
    write,
)
from khachhang.cli._commands import COMMANDS
from khachhang.errors import KhachHangError

__all__ = [
    "EXIT_BAD_DATA",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_IO",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_SKIPPED",
    "EXIT_USAGE",
    "build_parser",
    "main",
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command.

    >>> build_parser().parse_args(["demo", "--lang", "en"]).lang
    'en'
    """
    parser = Parser(
        prog=PROG,
        description="khachhang: customer-management domain models (Vietnamese practice).",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for add in COMMANDS:
        add(commands)
    return parser


def _command_names(parser: argparse.ArgumentParser) -> list[str]:
    return [
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    ]


def _typo_hint(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> str:
    """``"; --rulse: did you mean --rules?"`` for the first misspelt option, or ``""``.

    Looked for on every usage error, not only "unrecognized arguments": a misspelt
    required option is reported by argparse as the right one missing.
    """
    tokens = list(sys.argv[1:] if argv is None else argv)
    if "--" in tokens:
        tokens = tokens[: tokens.index("--")]
    commands = {
        name: sub
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name, sub in action.choices.items()
    }
    command = next((commands[token] for token in tokens if token in commands), parser)
    known = [option for action in command._actions for option in action.option_strings]
    for token in tokens:
        word = token.split("=", 1)[0]
        if not word.startswith("--") or word == "--":
            continue
        if any(option.startswith(word) for option in known):  # exact, or an abbreviation
            continue
        close = closest(word, known)
        if close is not None:
            return f"; {word}: did you mean {close}?"
    return ""


def _error(stream: TextIO, message: str) -> int:
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    write(stream, f"{PROG}: error: {first}")
    return EXIT_USAGE


def _discard_output(stream: TextIO) -> None:
    # The reader went away (``khachhang sample | head``) or the output cannot be written
    # (a full disk): send the rest nowhere, so the interpreter's final flush does not fail
    # again with an "Exception ignored" message.
    try:
        fileno = stream.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def _now(tz: tzinfo) -> datetime:
    return datetime.now(tz)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: Any = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    now: Callable[[tzinfo], datetime] | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    ``stdin``, ``stdout``, ``stderr`` (default: ``sys``'s), ``now`` (the clock, for
    the default ``--as-of``/``--start``) and ``environ`` (default: ``os.environ``: the key
    of ``--redact hash``, and where the messages' language is read from when ``--lang``
    is not given) can be injected. ``--help`` prints help and returns 0; a wrong command
    line prints one line on stderr and returns 2. No exception escapes but
    ``SystemExit``: every failure is one line on stderr and an exit code (see the
    module's docstring).

    >>> import io
    >>> out = io.StringIO()
    >>> main(["diagram", "buying", "--lang", "en"], stdout=out)
    0
    >>> out.getvalue().splitlines()[0]
    'stateDiagram-v2'
    """
    # sys.stdin/stdout/stderr are None when the shell closed them (``>&-``).
    out = sys.stdout if stdout is None else stdout
    ctx = Context(
        stdin=sys.stdin if stdin is None else stdin,
        stdout=cast(TextIO, None if out is None else Output(out)),
        stderr=cast(TextIO, Guarded(sys.stderr if stderr is None else stderr)),
        now=_now if now is None else now,
        environ=os.environ if environ is None else environ,
    )
    try:
        return _run(argv, ctx)
    except KeyboardInterrupt:
        ctx.stderr.write("\n")
        write(ctx.stderr, f"{PROG}: interrupted")
        return EXIT_INTERRUPTED
    except Exception as err:  # a bug: one line with what happened, never a traceback
        _flush_quietly(ctx.stdout)
        reason = str(err).strip().splitlines()[0] if str(err).strip() else ""
        write(
            ctx.stderr,
            f"{PROG}: internal error: {type(err).__name__}: {reason} "
            "(a bug in khachhang: please report it with the command line)",
        )
        return EXIT_INTERNAL


def _run(argv: Sequence[str] | None, ctx: Context) -> int:
    if ctx.stdout is None:
        write(ctx.stderr, f"{PROG}: error: cannot write the output: stdout is closed")
        return EXIT_IO
    parser = build_parser()
    tokens = list(sys.argv[1:] if argv is None else argv)
    lang = message_lang(_given_lang(tokens), ctx.environ)
    if lang == "vi":
        from khachhang.cli._help_vi import translate

        translate(parser)
    try:
        with contextlib.redirect_stdout(ctx.stdout):  # --help goes to the injected stdout
            args = parser.parse_args(argv)
    except UsageError as err:
        message = err.lines[0].removeprefix("error: ") + _typo_hint(parser, argv)
        # argparse's own messages are English: the line stays English as a whole
        return _error(ctx.stderr, f"{message} (see {PROG} --help)")
    except SystemExit as exit_:  # --help: argparse printed it and wants to stop
        return exit_.code if isinstance(exit_.code, int) else 0
    if args.version:
        write(ctx.stdout, f"{PROG} {__version__}")
        return EXIT_OK
    args.messages = message_lang(getattr(args, "lang", None), ctx.environ)
    if getattr(args, "lang", "") is None:
        args.lang = "vi"  # the output's default, whatever the messages' language
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        names = ", ".join(_command_names(parser))
        if lang == "vi":
            write(ctx.stderr, f"{PROG}: lỗi: chọn một lệnh: {names} (xem {PROG} --help)")
            return EXIT_USAGE
        return _error(ctx.stderr, f"choose a command: {names} (see {PROG} --help)")
    try:
        code = handler(args, ctx)
        ctx.stdout.flush()
    except CommandError as err:
        _flush_quietly(ctx.stdout)
        for line in err.lines:
            write(ctx.stderr, f"{PROG}: {line}")
        return err.code
    except KhachHangError as err:
        _flush_quietly(ctx.stdout)
        return _error(ctx.stderr, str(err))
    except BrokenPipeError:
        _discard_output(ctx.stdout)
        return EXIT_OK
    except OutputError as err:  # a full disk, an I/O error (the input's are CommandErrors)
        _discard_output(ctx.stdout)
        write(ctx.stderr, f"{PROG}: error: cannot write the output: {err.reason}")
        return EXIT_IO
    return code


def _given_lang(tokens: Sequence[str]) -> str | None:
    """The ``--lang`` of a command line before it is parsed (for the help's language):
    ``--lang vi`` or ``--lang=vi``, if a supported one; else ``None``."""
    if "--" in tokens:
        tokens = tokens[: tokens.index("--")]
    for index, token in enumerate(tokens):
        value = None
        if token == "--lang" and index + 1 < len(tokens):
            value = tokens[index + 1]
        elif token.startswith("--lang="):
            value = token.removeprefix("--lang=")
        if value in ("vi", "en"):
            return value
    return None


def _flush_quietly(stream: TextIO | None) -> None:
    if stream is None:
        return
    try:
        stream.flush()
    except (OSError, OutputError, ValueError):
        _discard_output(stream)
