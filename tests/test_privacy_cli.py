"""The command line's ``--redact`` (issue 15, item 3): mask by default, hash with the key
from ``KHACHHANG_REDACT_KEY``, drop; and never a personal value of the book in the output."""

from __future__ import annotations

import io
import json

import pytest

from khachhang import Person
from khachhang.cli import main
from khachhang.privacy import DataKind, RedactionPolicy, personal_fields, pseudonym
from khachhang.sample import SAMPLE_AS_OF, sample_book

KEY = "a-secret-key-of-24-bytes"
BOOK = sample_book(12, as_of=SAMPLE_AS_OF)


def run(*argv: str, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, environ=environ or {})
    return code, out.getvalue(), err.getvalue()


def names_and_contacts() -> list[str]:
    """The book's names, phones (E.164 and national) and e-mails."""
    values = []
    for customer in BOOK:
        for _, kind, value in personal_fields(customer):
            if kind is DataKind.EMAIL or (
                kind is DataKind.NAME and isinstance(customer.party, Person)
            ):
                values.append(str(value))
            if kind is DataKind.PHONE:
                values.extend([str(value), "0" + str(value)[3:]])
    return values


@pytest.mark.parametrize("choice", [[], ["mask"], ["drop"], ["hash"]])
def test_sample_with_redact_writes_no_name_or_contact(choice: list[str]) -> None:
    """``sample --redact [mask|drop|hash]``: the lines hold none of the book's contacts."""
    code, out, _ = run(
        "sample", "--size", "12", "-q", "--redact", *choice, environ={"KHACHHANG_REDACT_KEY": KEY}
    )
    assert code == 0
    assert len(out.splitlines()) == 12
    for value in names_and_contacts():
        assert value not in out


def test_sample_redact_hash_gives_the_pseudonyms_of_the_library() -> None:
    """The CLI's pseudonyms are :func:`pseudonym`'s under the environment's key."""
    code, out, _ = run(
        "sample", "--size", "1", "-q", "--redact", "hash", environ={"KHACHHANG_REDACT_KEY": KEY}
    )
    assert code == 0
    line = json.loads(out)
    assert line["id"] == pseudonym(BOOK[0].id, DataKind.IDENTIFIER, key=KEY.encode())
    assert RedactionPolicy.pseudonymising().treatment(DataKind.GENDER).value == "keep"


@pytest.mark.parametrize("environ", [{}, {"KHACHHANG_REDACT_KEY": "short"}])
def test_redact_hash_without_a_good_key_is_a_usage_error(environ: dict[str, str]) -> None:
    """Exit 2 and one line naming the variable; nothing written."""
    code, out, err = run("sample", "--size", "1", "--redact", "hash", environ=environ)
    assert (code, out) == (2, "")
    assert "KHACHHANG_REDACT_KEY" in err


def test_plan_with_redact_masks_notes_and_keeps_ids() -> None:
    """The plan's JSON lines carry masked notes; masking keeps the customer ids."""
    args = ("plan", "--sample", "12", "--start", "2026-11-01", "--days", "60", "-q")
    code, plain, _ = run(*args)
    code_redacted, redacted, _ = run(*args, "--redact")
    assert code == code_redacted == 0
    before = [json.loads(line) for line in plain.splitlines()]
    after = [json.loads(line) for line in redacted.splitlines()]
    assert len(before) == len(after) > 0
    for one, two in zip(before, after, strict=True):
        inner = "touchpoint" if one["type"] == "drop" else None
        first = one[inner] if inner else one
        second = two[inner] if inner else two
        assert first["customer_id"] == second["customer_id"]
        assert second["note"] in ("", "***")
    code, text, _ = run(
        *args, "--format", "text", "--redact", "hash", environ={"KHACHHANG_REDACT_KEY": KEY}
    )
    assert code == 0
    assert "KH-0000" not in text
