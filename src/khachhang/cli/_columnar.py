"""``segment --engine polars``: segment a JSON-lines export without building customers.

The lines are scanned by Polars with the stored-customer schema and turned into the
segmentation frame by expressions (``khachhang.segmentation.backends.columnar``); the
segmenter runs as Polars expressions on it, in Polars' streaming engine, so the whole
export is never held at once. A regular file on stdin is scanned in place; a pipe is
read into memory first. The output is the object engine's, line for line. It trusts its
input — an export khachhang wrote — and does not re-validate customers; the object
engine does.
"""

from __future__ import annotations

import io
import os
import stat
from datetime import datetime
from typing import TYPE_CHECKING, Any

from khachhang._format import format_datetime, format_number
from khachhang.cli._base import PROG, CommandError, Context, json_dumper, write
from khachhang.segmentation.segments import AssignMode, Segmenter

if TYPE_CHECKING:
    import polars as pl

EXIT_OK = 0
EXIT_BAD_DATA = 1

_TEXT = {
    "en": {
        "bad": "the input is not JSON lines of customers ({reason});",
        "hint": "--engine objects reads it line by line and names the bad line",
        "warning": "warning",
        "done": "{n} customers read, {n} written (engine polars); as of {as_of}, mode {mode}",
    },
    "vi": {
        "bad": "đầu vào không phải các dòng JSON khách hàng ({reason});",
        "hint": "--engine objects đọc từng dòng và chỉ ra dòng lỗi",
        "warning": "cảnh báo",
        "done": "đã đọc {n} khách hàng, đã ghi {n} (--engine polars); "
        "tại thời điểm {as_of}, chế độ {mode}",
    },
}


def _file_path(stdin: Any) -> str | None:
    """A path Polars can scan for ``stdin`` when it is a regular file read from its start.

    ``/dev/fd/N`` opens the same file again (Linux, the BSDs, macOS); a pipe, a terminal
    or a stream without a descriptor gives ``None``, and the caller reads the bytes.
    """
    try:
        fd = stdin.fileno()
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
        at_start = regular and os.lseek(fd, 0, os.SEEK_CUR) == 0
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None
    path = f"/dev/fd/{fd}"
    return path if at_start and os.path.exists(path) else None


def _input_bytes(stdin: Any) -> bytes:
    """All of stdin as bytes (tests hand in text streams)."""
    buffer = getattr(stdin, "buffer", None)
    data = buffer.read() if buffer is not None else stdin.read()
    return data if isinstance(data, bytes) else str(data).encode()


def _scan(stdin: Any, schema: pl.Schema) -> pl.LazyFrame:
    import polars as pl

    path = _file_path(stdin)
    if path is not None:
        return pl.scan_ndjson(path, schema=schema)
    data = _input_bytes(stdin)
    if not data.strip():
        return pl.LazyFrame(schema=schema)
    return pl.scan_ndjson(io.BytesIO(data), schema=schema)


def segment_columnar(
    segmenter: Segmenter, *, as_of: datetime, ctx: Context, quiet: bool, lang: str = "en"
) -> int:
    """Write ``{"id": ..., "segments": [...]}`` per input line, in input order."""
    try:
        import polars as pl

        from khachhang.segmentation.backends.columnar import (
            CUSTOMER_JSON_SCHEMA,
            snapshot_from_json,
        )
    except ImportError:
        msg = f"{PROG}: segment: --engine polars needs Polars: pip install 'khachhang[polars]'"
        raise CommandError([msg]) from None
    text = _TEXT["vi" if lang == "vi" else "en"]
    tally = segmenter.currency_tally(as_of=as_of)
    currencies = [f"{name}_currency" for name in tally.fields]
    query = snapshot_from_json(_scan(ctx.stdin, CUSTOMER_JSON_SCHEMA), as_of=as_of).select(
        "id", segmenter.to_polars(as_of=as_of), *currencies
    )
    try:
        assigned = query.collect(engine="streaming")
    except (pl.exceptions.PolarsError, ValueError, OSError) as err:
        reason = str(err).splitlines()[0][:300] if str(err) else type(err).__name__
        lines = [f"{PROG}: segment: {text['bad'].format(reason=reason)}"]
        lines.append(f"{PROG}: segment: {text['hint']}")
        raise CommandError(lines, EXIT_BAD_DATA) from None
    tally.add_counts(
        {
            name: dict(assigned.get_column(column).drop_nulls().value_counts().rows())
            for name, column in zip(tally.fields, currencies, strict=True)
        }
    )
    dump = json_dumper(ctx.stdout)
    first = segmenter.mode is AssignMode.FIRST
    out = ctx.stdout
    for cid, keys in assigned.select(assigned.columns[:2]).iter_rows():
        segments = ([keys] if keys is not None else []) if first else list(keys or [])
        out.write(dump({"id": cid, "segments": segments}) + "\n")
    for gap in tally.gaps():
        write(ctx.stderr, f"{PROG}: segment: {text['warning']}: {gap.to_text(lang)}")
    if not quiet:
        when = format_datetime(as_of, lang, zone=True) if lang == "vi" else as_of.isoformat()
        mode = segmenter.mode.label(lang) if lang == "vi" else segmenter.mode.value
        done = text["done"].format(n=format_number(assigned.height, lang), as_of=when, mode=mode)
        write(ctx.stderr, f"{PROG}: segment: {done}")
    return EXIT_OK
