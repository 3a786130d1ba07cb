"""The one exception hierarchy of khachhang.

Every failure caused by input the library was given (a bad field, a refused move, a
malformed rule, undecodable data) raises a subclass of :class:`KhachHangError`. Errors
carry data, so callers can react without parsing the message:

>>> from khachhang.errors import ValidationError
>>> err = ValidationError("contacts[1].value", "not a valid e-mail address")
>>> err.path, err.reason
('contacts[1].value', 'not a valid e-mail address')
>>> str(err)
'contacts[1].value: not a valid e-mail address'

The classes also derive from the matching built-in (``ValueError``), so code written
against plain Python exceptions keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

__all__ = [
    "ConversionError",
    "CurrencyMismatchError",
    "CycleError",
    "KhachHangError",
    "LogError",
    "RuleError",
    "TransitionError",
    "ValidationError",
]


class KhachHangError(Exception):
    """Root of every error the library raises on purpose."""


class ValidationError(KhachHangError, ValueError):
    """A value failed validation.

    Attributes:
        path: where the bad value sits, e.g. ``"party.contacts[1].value"``; ``""`` for
            the object as a whole.
        reason: a human sentence saying what is wrong.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        msg = f"{path}: {reason}" if path else reason
        super().__init__(msg)

    def at(self, prefix: str) -> ValidationError:
        """Return a copy of this error with ``prefix`` prepended to its path.

        >>> ValidationError("value", "bad").at("contacts[1]").path
        'contacts[1].value'
        """
        if not prefix:
            return self
        path = prefix if not self.path else f"{prefix}.{self.path}"
        if self.path.startswith("["):
            path = f"{prefix}{self.path}"
        clone = type(self).__new__(type(self))
        ValidationError.__init__(clone, path, self.reason)
        return clone


def naive_datetime_reason(value: datetime, written: str | None = None) -> str:
    """Why a datetime without a UTC offset is refused, with advice its author can act on.

    Python callers are told to attach a ``tzinfo``; data read from text (JSON, a file:
    ``written`` is the text as it was written) to write the offset. The command line
    words its own advice for its options (``--as-of 2026-11-01T00:00:00+07:00``).

    >>> from datetime import datetime
    >>> print(naive_datetime_reason(datetime(2026, 1, 5, 9)))
    naive datetime 2026-01-05 09:00:00; pass a timezone-aware one (e.g. tzinfo=...)
    >>> print(naive_datetime_reason(datetime(2026, 1, 5, 9), "2026-01-05T09:00"))
    naive datetime ...; write it with its UTC offset, e.g. '2026-01-05T09:00+07:00' ...
    """
    if written is None:
        advice = "pass a timezone-aware one (e.g. tzinfo=ZoneInfo('Asia/Ho_Chi_Minh'))"
    else:
        text = written.strip()
        advice = (
            f"write it with its UTC offset, e.g. {text + '+07:00'!r} (Vietnam) "
            f"or {text + 'Z'!r} (UTC)"
        )
    return f"naive datetime {value}; {advice}"


class CurrencyMismatchError(ValidationError):
    """Two amounts in different currencies were combined or compared."""


class CycleError(ValidationError):
    """A parent link would close a loop (a company its own parent, at any depth).

    Attributes:
        cycle: the ids around the loop, the first repeated at the end
            (``("KH-1", "KH-2", "KH-1")``).
    """

    def __init__(self, path: str, cycle: Sequence[str]) -> None:
        self.cycle = tuple(cycle)
        super().__init__(path, f"cycle {' -> '.join(self.cycle)}: a company cannot own itself")


class TransitionError(KhachHangError):
    """A state machine refused a move; the instance it was asked to move is unchanged.

    Attributes:
        machine: the name of the machine's definition, e.g. ``"lifecycle"``.
        state: the state the instance was in (``None`` before the first event).
        move: the refused transition's name.
        reason: why it was refused.
    """

    def __init__(self, machine: str, state: object, move: str, reason: str) -> None:
        self.machine = machine
        self.state = state
        self.move = move
        self.reason = reason
        shown = getattr(state, "value", state)
        msg = f"{machine}: cannot {move!r} from state {shown!r}: {reason}"
        super().__init__(msg)


class LogError(ValidationError, TransitionError):
    """A stored log the machine refuses: ``path`` names the event (``events[3]``, or
    ``events[3].at`` when the event's own time, source or move is wrong).

    Both a :class:`ValidationError` (loading untrusted data) and a
    :class:`TransitionError` (the machine refused the move the event records).

    Attributes:
        path: the refused event, e.g. ``"events[3]"`` or ``"lifecycle_events[0].source"``.
        reason: the whole sentence, machine and move included.
        machine: the machine's name.
        state: the state the instance was in when the event came.
        move: the event's transition.
        refusal: why the move was refused, alone.
    """

    def __init__(self, path: str, machine: str, state: object, move: str, refusal: str) -> None:
        self.machine = machine
        self.state = state
        self.move = move
        self.refusal = refusal
        shown = getattr(state, "value", state)
        self.reason = f"{machine}: cannot {move!r} from state {shown!r}: {refusal}"
        self.path = path
        Exception.__init__(self, f"{path}: {self.reason}" if path else self.reason)

    def at(self, prefix: str) -> LogError:
        """Return a copy of this error with ``prefix`` prepended to its path."""
        moved = ValidationError("" if not self.path else self.path, "").at(prefix).path
        return LogError(moved, self.machine, self.state, self.move, self.refusal)


class RuleError(KhachHangError, ValueError):
    """A segmentation rule is malformed: unknown field, wrong type, too deep, ...

    Attributes:
        path: the node's path in the rule tree, e.g. ``"and[1].or[0]"``.
        reason: what is wrong there.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        msg = f"{path}: {reason}" if path else reason
        super().__init__(msg)


class ConversionError(KhachHangError, ValueError):
    """Data could not be turned into a model; lists *every* bad path at once.

    Attributes:
        errors: ``(path, reason)`` pairs, e.g. ``("$.party.birth_date", "...")``.
    """

    def __init__(self, target: str, errors: Sequence[tuple[str, str]]) -> None:
        self.target = target
        self.errors = tuple(errors)
        lines = "\n".join(f"  {path}: {reason}" for path, reason in self.errors)
        msg = f"cannot build {target}: {len(self.errors)} problem(s)\n{lines}"
        super().__init__(msg)

    @property
    def paths(self) -> tuple[str, ...]:
        """The bad paths alone."""
        return tuple(path for path, _ in self.errors)
