"""The one table-driven state machine behind every process in khachhang.

A :class:`Definition` lists states, an initial state and named :class:`Transition`\\ s
(source states, a target, an optional guard). The instances it runs are immutable
values (a customer, a buying process, a complaint); running a move returns a *new*
instance with one more :class:`Event` in its log, and a refused move raises
:class:`~khachhang.errors.TransitionError` and changes nothing. Because the log is
complete, :meth:`Definition.replay` rebuilds an instance equal to the original — from
its creation event, or, for a machine without one (the lifecycle, complaints), onto the
instance as it began (``onto=``). This is the functional-core shape of
``eventsourcing``: moves *decide* events, ``evolve`` *folds* them.

A tiny machine, a door:

>>> import enum, attrs
>>> from datetime import datetime, timezone
>>> class Door(enum.Enum):
...     OPEN = "open"
...     SHUT = "shut"
>>> @attrs.frozen
... class Room:
...     state: Door
...     events: tuple[Event[Door], ...] = ()
>>> DOOR = Definition(
...     name="door",
...     states=tuple(Door),
...     initial=Door.SHUT,
...     transitions=(
...         Transition("open", {Door.SHUT}, Door.OPEN),
...         Transition("close", {Door.OPEN}, Door.SHUT),
...     ),
...     state_of=lambda room: room.state,
...     events_of=lambda room: room.events,
...     evolve=lambda room, e: attrs.evolve(room, state=e.target, events=(*room.events, e)),
...     create=lambda e: Room(state=e.target, events=(e,)),
... )
>>> t = datetime(2026, 1, 1, 8, tzinfo=timezone.utc)
>>> room = DOOR.start(at=t)
>>> room = DOOR.fire(room, "open", at=t, actor="an")
>>> room.state
<Door.OPEN: 'open'>
>>> DOOR.fire(room, "open", at=t)
Traceback (most recent call last):
...
khachhang.errors.TransitionError: door: cannot 'open' from state 'open': ... open moves: close
>>> DOOR.replay(room.events) == room
True
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import attrs

from khachhang._checks import check_key, clean_text, instant, require_aware, require_instant
from khachhang.errors import LogError, TransitionError, ValidationError
from khachhang.labels import check_lang

__all__ = [
    "MAX_EVENTS",
    "Definition",
    "Event",
    "Guard",
    "Move",
    "Payload",
    "Transition",
    "require_aware",
]

S = TypeVar("S", bound=enum.Enum)
I = TypeVar("I")  # noqa: E741  (the instance type)

_UTC = timezone.utc
_END_OF_TIME = datetime.max.replace(tzinfo=_UTC)
_MOVE_LEN, _ACTOR_LEN, _NOTE_LEN = 100, 200, 10_000
_new = object.__new__

MAX_EVENTS = 100_000
"""The most events one log may hold: a move past it and a stored log longer than it are
refused, so loading untrusted data costs bounded time (replay is linear in the log)."""


def _aware(_: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    require_instant(value, attribute.name)


def _state(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None and attribute.name == "source":
        return
    if not isinstance(value, enum.Enum):
        msg = f"expected a state (an enum member), got {type(value).__name__}"
        raise ValidationError(attribute.name, msg)


def _key(limit: int, *, optional: bool = False) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: ``check_key`` (kept exactly; no control or surrogate)."""

    def check(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        check_key(attribute.name, value, max_len=limit)

    return check


def _note(value: object) -> str:
    """attrs converter: a note is human text (NFC, spacing folded, printable)."""
    return clean_text("note", value, max_len=_NOTE_LEN, allow_empty=True)


def _payload(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, Payload):
        msg = f"expected a Payload subclass instance or None, got {type(value).__name__}"
        raise ValidationError(attribute.name, msg)


class Payload:
    """Base class for the data a move carries (a proposal, a rating, ...).

    Subclass it with a frozen attrs class; ``khachhang.serde`` serialises every
    subclass it knows with a type tag, and nothing else.
    """

    __slots__ = ()


@attrs.frozen
class Event(Generic[S]):
    """One entry of an instance's audit trail: which move ran, from where to where, when.

    ``source`` is ``None`` for the event that created the instance.
    """

    transition: str = attrs.field(validator=_key(_MOVE_LEN))
    source: S | None = attrs.field(validator=_state)
    target: S = attrs.field(validator=_state)
    at: datetime = attrs.field(validator=_aware)
    actor: str | None = attrs.field(default=None, validator=_key(_ACTOR_LEN, optional=True))
    note: str = attrs.field(default="", converter=_note)
    payload: Payload | None = attrs.field(default=None, validator=_payload)


# The slots' own setters: what the machine's fast path uses to build an Event whose
# parts it has already checked (``Event(...)`` would run every validator again).
_e_transition, _e_source, _e_target, _e_at, _e_actor, _e_note, _e_payload = (
    Event.__dict__[a.name].__set__ for a in attrs.fields(Event)
)

Guard = Callable[[I, Event[S]], "str | None"]
"""A guard sees the instance and the event about to happen; it returns ``None`` to
allow the move or a sentence saying why it refuses."""


def _frozen_states(states: Iterable[S]) -> frozenset[S]:
    return frozenset(states)


@attrs.frozen
class Transition(Generic[I, S]):
    """A named move from any of ``sources`` to ``target``, optionally guarded.

    Several transitions may share a name (``advance`` from each stage to the next);
    the machine picks the one whose sources hold the current state.
    """

    name: str
    sources: frozenset[S] = attrs.field(converter=_frozen_states)
    target: S
    guard: Guard[I, S] | None = attrs.field(default=None, eq=False)
    description: str = ""


@attrs.frozen
class Move(Generic[S]):
    """A move as seen from one instance: open now, or closed with the reason."""

    transition: str
    target: S
    open: bool
    reason: str | None = None


def _state_name(state: object) -> str:
    return str(getattr(state, "value", state))


def _labels(value: Mapping[str, tuple[str, str]]) -> Mapping[str, tuple[str, str]]:
    """attrs converter: our own read-only copy of a definition's move labels."""
    pairs: dict[str, tuple[str, str]] = {move: tuple(pair) for move, pair in dict(value).items()}  # type: ignore[misc]  # checked in __attrs_post_init__
    return MappingProxyType(pairs)


_GUARDED = {"vi": " [có điều kiện]", "en": " [guarded]"}


def _shown(value: object) -> str:
    return repr(value.value) if isinstance(value, enum.Enum) else repr(value)


_KEEP: Any = object()
_REBUILDERS: dict[type[Any], Callable[..., Any]] = {}


def rebuilder(cls: type[I]) -> Callable[..., I]:
    """The trusted rebuild of one frozen, slotted attrs class: ``rebuild(value, **changes)``
    copies every slot and replaces the named ones, without running the constructor.

    Generated once per class, as attrs generates ``__init__``: one line per field (its
    name comes from ``attrs.fields``, never from data), so a move that rebuilds a value
    costs a handful of slot writes.
    """
    found = _REBUILDERS.get(cls)
    if found is not None:
        return found
    names = [a.name for a in attrs.fields(cls)]  # type: ignore[arg-type]  # cls: any attrs class
    if any(name.endswith("__") for name in names):
        msg = f"{cls.__qualname__}: a field ending in '__' clashes with the rebuild's names"
        raise TypeError(msg)
    # The value and the new one get names no field can take (fields are identifiers
    # without a trailing "__"); each slot's setter is named by its position.
    params = ", ".join(f"{name}=_KEEP__" for name in names)
    lines = [f"def rebuild(old__, /, *, {params}):", "    new__ = _new__(_cls__)"]
    lines += [
        f"    _set{i}__(new__, old__.{name} if {name} is _KEEP__ else {name})"
        for i, name in enumerate(names)
    ]
    lines.append("    return new__")
    scope: dict[str, Any] = {"_new__": _new, "_cls__": cls, "_KEEP__": _KEEP}
    scope.update({f"_set{i}__": cls.__dict__[name].__set__ for i, name in enumerate(names)})
    exec(compile("\n".join(lines), f"<rebuild {cls.__qualname__}>", "exec"), scope)
    _REBUILDERS[cls] = rebuild = scope["rebuild"]
    return rebuild  # type: ignore[no-any-return]  # generated by exec above


@attrs.frozen
class Definition(Generic[I, S]):
    """A state machine: states, transitions and how instances hold state and events.

    Args:
        name: the machine's name, used in errors and diagrams.
        states: every state, in display order.
        initial: the state a new instance starts in.
        transitions: the table of moves.
        state_of: reads an instance's current state.
        events_of: reads an instance's event log.
        evolve: folds one event into an instance, returning the new instance (it must
            append the event to the log).
        create: builds a new instance from its creation event; needed by
            :meth:`start` and by :meth:`replay` without ``onto``.
        final: states with no way out, drawn as ends in diagrams.
        start_name: the transition name of creation events.
        relog: returns an instance with its log replaced by the given events (nothing
            else changed, nothing checked); with it :meth:`replay` is linear in the
            number of events. Guards must then read no more of the log than its last
            event.
    """

    name: str
    states: tuple[S, ...]
    initial: S
    transitions: tuple[Transition[I, S], ...]
    state_of: Callable[[I], S] = attrs.field(eq=False)
    events_of: Callable[[I], Sequence[Event[S]]] = attrs.field(eq=False)
    evolve: Callable[[I, Event[S]], I] = attrs.field(eq=False)
    create: Callable[[Event[S]], I] | None = attrs.field(default=None, eq=False)
    final: frozenset[S] = attrs.field(default=frozenset(), converter=_frozen_states)
    start_name: str = "start"
    relog: Callable[[I, tuple[Event[S], ...]], I] | None = attrs.field(default=None, eq=False)
    opening: Callable[[I], I] | None = attrs.field(default=None, eq=False)
    labels: Mapping[str, tuple[str, str]] = attrs.field(factory=dict, converter=_labels, eq=False)
    # Lookup tables built once from ``transitions`` (private; keyed by the state's id,
    # because an enum member's hash is computed in Python and is the hot spot of fire).
    _by_state: dict[int, tuple[Transition[I, S], ...]] = attrs.field(
        init=False, eq=False, repr=False, factory=dict
    )
    _by_move: dict[tuple[int, str], tuple[Transition[I, S], ...]] = attrs.field(
        init=False, eq=False, repr=False, factory=dict
    )
    _enum_states: bool = attrs.field(init=False, eq=False, repr=False, default=False)

    def __attrs_post_init__(self) -> None:
        # Keep our own immutable copies: a caller's list changed later cannot reach us.
        object.__setattr__(self, "states", tuple(self.states))
        object.__setattr__(self, "transitions", tuple(self.transitions))
        known = set(self.states)
        if self.initial not in known:
            msg = f"initial state {self.initial!r} is not one of the states"
            raise ValidationError("initial", msg)
        seen: set[tuple[str, S, S]] = set()
        for i, transition in enumerate(self.transitions):
            for state in (*transition.sources, transition.target):
                if state not in known:
                    msg = f"{transition.name!r} uses unknown state {state!r}"
                    raise ValidationError(f"transitions[{i}]", msg)
            for source in transition.sources:
                key = (transition.name, source, transition.target)
                if key in seen:
                    msg = f"{transition.name!r} from {source!r} to {transition.target!r} twice"
                    raise ValidationError(f"transitions[{i}]", msg)
                seen.add(key)
        if self.start_name in {t.name for t in self.transitions}:
            msg = f"{self.start_name!r} is reserved for creation events"
            raise ValidationError("transitions", msg)
        named = {self.start_name, *(t.name for t in self.transitions)}
        for move, pair in self.labels.items():
            if move not in named:
                raise ValidationError(f"labels[{move!r}]", "is not a move of this machine")
            if len(pair) != 2 or not all(type(x) is str and x.strip() for x in pair):
                raise ValidationError(f"labels[{move!r}]", "must be a (vi, en) pair of words")
        by_state: dict[int, tuple[Transition[I, S], ...]] = {}
        by_move: dict[tuple[int, str], tuple[Transition[I, S], ...]] = {}
        for state in self.states:
            moves = tuple(t for t in self.transitions if state in t.sources)
            by_state[id(state)] = moves
            for transition in moves:
                move_key = (id(state), transition.name)
                by_move[move_key] = (*by_move.get(move_key, ()), transition)
        object.__setattr__(self, "_by_state", by_state)
        object.__setattr__(self, "_by_move", by_move)
        enum_states = all(isinstance(state, enum.Enum) for state in self.states)
        object.__setattr__(self, "_enum_states", enum_states)

    # -- looking things up ------------------------------------------------------------
    def moves_from(self, state: S) -> tuple[Transition[I, S], ...]:
        """The transitions whose sources include ``state``, in table order."""
        found = self._by_state.get(id(state))
        if found is not None:  # a live state's id is never another object's
            return found
        return tuple(t for t in self.transitions if state in t.sources)

    def _pick(self, state: S, move: str, target: S | None) -> Transition[I, S]:
        # Only a real str goes to the table: anything else (even unhashable) is compared.
        found = self._by_move.get((id(state), move)) if type(move) is str else None
        if found is not None:
            if len(found) == 1 and (target is None or found[0].target is target):
                return found[0]
            if target is not None:
                for transition in found:
                    if transition.target is target:
                        return transition
        candidates = [t for t in self.moves_from(state) if t.name == move]
        if target is not None:
            candidates = [t for t in candidates if t.target == target]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            names = sorted({t.name for t in self.moves_from(state)})
            where = f" to {_state_name(target)!r}" if target is not None else ""
            opened = ", ".join(names) if names else "none (final state)"
            reason = f"no {move!r} move{where} from {_state_name(state)!r}; open moves: {opened}"
            raise TransitionError(self.name, state, move, reason)
        targets = ", ".join(_state_name(t.target) for t in candidates)
        reason = f"ambiguous: pass target= one of {targets}"
        raise TransitionError(self.name, state, move, reason)

    # -- running ----------------------------------------------------------------------
    def start(
        self,
        *,
        at: datetime,
        actor: str | None = None,
        note: str = "",
        payload: Payload | None = None,
    ) -> I:
        """Create a new instance in the initial state, logging a creation event."""
        if self.create is None:
            reason = "this machine runs on instances built elsewhere (no create)"
            raise TransitionError(self.name, None, self.start_name, reason)
        require_aware(at)
        event = self._event(self.start_name, None, self.initial, at, actor, note, payload)
        return self.create(event)

    def _event(
        self,
        move: str,
        source: S | None,
        target: S,
        at: datetime,
        actor: str | None,
        note: str,
        payload: Payload | None,
    ) -> Event[S]:
        """An event from parts the machine checked itself (``source`` and ``target`` are
        states of this definition, ``at`` is aware), plus the caller's actor, note and
        payload, checked here; anything unusual goes through ``Event``'s validators."""
        if actor is not None:
            actor = check_key("actor", actor, max_len=_ACTOR_LEN)
        note = _note(note)
        if (
            self._enum_states
            and (payload is None or isinstance(payload, Payload))
            and type(move) is str
            and len(move) <= _MOVE_LEN
        ):
            event: Event[S] = _new(Event)
            _e_transition(event, move)
            _e_source(event, source)
            _e_target(event, target)
            _e_at(event, at)
            _e_actor(event, actor)
            _e_note(event, note)
            _e_payload(event, payload)
            return event
        return Event(move, source, target, at, actor, note, payload)

    def fire(
        self,
        instance: I,
        move: str,
        *,
        at: datetime,
        actor: str | None = None,
        note: str = "",
        payload: Payload | None = None,
        target: S | None = None,
    ) -> I:
        """Run ``move`` on ``instance`` and return the new instance.

        Raises:
            ValidationError: ``at`` is not a timezone-aware datetime.
            TransitionError: the move does not exist from the current state, is
                ambiguous without ``target``, goes back in time, or its guard refuses.
                ``instance`` is untouched either way (it is immutable).
        """
        tz = at.tzinfo if type(at) is datetime else None
        # A fixed-offset zone (timezone.utc, +07:00) always has an offset; else ask.
        if type(tz) is not timezone and (tz is None or at.utcoffset() is None):
            require_aware(at)  # the full check: subclasses pass, naive values raise
        state = self.state_of(instance)
        # The common case inline (one transition of that name from here); _pick otherwise.
        found = self._by_move.get((id(state), move)) if type(move) is str else None
        if found is not None and len(found) == 1 and (target is None or found[0].target is target):
            transition = found[0]
            event = self._event(move, state, transition.target, at, actor, note, payload)
        else:  # rare: ambiguous, unknown, or a state found by equality only — validate all
            transition = self._pick(state, move, target)
            event = Event(move, state, transition.target, at, actor, note, payload)
        events = self.events_of(instance)
        if events:
            last = events[-1].at  # as an instant (instant, inlined: this is the hot path)
            if at < (last if type(last.tzinfo) is timezone else last.astimezone(_UTC)):
                self._check(instance, transition, event)  # raises, with the message
            if len(events) >= MAX_EVENTS:
                full = f"the log holds {len(events)} events, the most one log may hold"
                raise TransitionError(self.name, state, move, full)
        guard = transition.guard
        if guard is not None:
            refusal = guard(instance, event)
            if refusal is not None:
                raise TransitionError(self.name, state, move, refusal)
        return self.evolve(instance, event)

    def _refusal(
        self, instance: I, transition: Transition[I, S], event: Event[S]
    ) -> tuple[str, str] | None:
        """Why ``event`` may not happen to ``instance`` — ``("at", reason)`` when it is earlier
        than the last event, ``("", reason)`` when the guard refuses — or ``None``. The one
        check behind :meth:`fire`, :meth:`allowed` and :meth:`replay`."""
        events = self.events_of(instance)
        if events and event.at < instant(events[-1].at):
            late = (
                f"at={event.at.isoformat()} is earlier than the last event "
                f"({events[-1].at.isoformat()})"
            )
            return "at", late
        if transition.guard is not None:
            refusal = transition.guard(instance, event)
            if refusal is not None:
                return "", refusal
        return None

    def _check(self, instance: I, transition: Transition[I, S], event: Event[S]) -> None:
        refused = self._refusal(instance, transition, event)
        if refused is not None:
            raise TransitionError(self.name, event.source, event.transition, refused[1])

    def allowed(
        self, instance: I, *, at: datetime | None = None, payload: Payload | None = None
    ) -> tuple[Move[S], ...]:
        """Every move from the current state: open, or closed with the guard's reason.

        Guards are asked about a move at ``at`` carrying ``payload``; without ``at`` the
        move is imagined after everything recorded so far.
        """
        state = self.state_of(instance)
        when = at if at is not None else _END_OF_TIME
        moves = []
        for transition in self.moves_from(state):
            event = Event(transition.name, state, transition.target, when, None, "", payload)
            try:
                self._check(instance, transition, event)
            except TransitionError as refused:
                moves.append(Move(transition.name, transition.target, False, refused.reason))
            else:
                moves.append(Move(transition.name, transition.target, True, None))
        return tuple(moves)

    def replay(
        self, events: Iterable[Event[S]], *, onto: I | None = None, path: str = "events"
    ) -> I:
        """Rebuild an instance by folding ``events``, checking each against the table.

        Without ``onto`` the first event must be a creation event. With ``onto`` the
        events are applied to that instance, after whatever its own log already holds
        (an opening with an empty log, or an instance replayed so far). A machine without
        a creation event (``opening`` instead of ``create``) needs ``onto``: what the
        instance is apart from its state is not in its log. Every event is checked as :meth:`fire`
        checks a move: an unknown move, a wrong source, time going backwards (instants
        are compared in UTC), a guard that refuses. At most :data:`MAX_EVENTS` events.

        With ``relog`` in the definition the fold is linear in the number of events
        (guards then see a log holding only the latest event, and the whole log is set
        once at the end); without it each step copies the log.

        Raises:
            LogError: a refused event, naming it: ``path[i]`` (a guard or the creation
                refused it), ``path[i].source`` (not the state the instance is in),
                ``path[i].at`` (earlier than the last event) or
                ``path[i].transition`` (no such move from there). Both a
                :class:`~khachhang.errors.ValidationError` and a
                :class:`~khachhang.errors.TransitionError`.
            ValidationError: ``events`` is not a sequence of :class:`Event`, or too long;
                or ``onto`` is missing for a machine without a creation event.
        """
        if onto is None and self.create is None:
            msg = f"{self.name} has no creation event: pass onto=, the instance as it began"
            raise ValidationError("onto", msg)
        if isinstance(events, (str, bytes)) or not isinstance(events, Iterable):
            msg = f"expected an iterable of events, got {type(events).__name__}"
            raise ValidationError(path, msg)
        items = list(itertools.islice(events, MAX_EVENTS + 1))
        if len(items) > MAX_EVENTS:
            msg = f"more than {MAX_EVENTS} events; a log holds at most {MAX_EVENTS}"
            raise ValidationError(path, msg)
        for i, item in enumerate(items):
            if not isinstance(item, Event):
                msg = f"expected an Event, got {type(item).__name__}"
                raise ValidationError(f"{path}[{i}]", msg)
        return self._fold(items, onto, path)

    def _fold(self, items: list[Event[S]], onto: I | None, path: str) -> I:
        relog = self.relog
        start = 0
        if onto is None:
            instance = self._created(items[0] if items else None, path)
            before: tuple[Event[S], ...] = ()
            start = 1
        else:
            instance = onto
            before = tuple(self.events_of(onto))
            if relog is not None and len(before) > 1:
                instance = relog(instance, before[-1:])
        if len(before) + len(items) > MAX_EVENTS:
            msg = f"more than {MAX_EVENTS} events; a log holds at most {MAX_EVENTS}"
            raise ValidationError(path, msg)
        for i in range(start, len(items)):
            event = items[i]
            state = self.state_of(instance)
            move = event.transition
            if event.source is not state and event.source != state:
                said = f"starts from {_state_name(event.source)!r}, not {_state_name(state)!r}"
                raise LogError(f"{path}[{i}].source", self.name, state, move, said)
            try:
                transition = self._pick(state, move, event.target)
            except TransitionError as err:
                where = f"{path}[{i}].transition"
                raise LogError(where, self.name, state, move, err.reason) from None
            refused = self._refusal(instance, transition, event)
            if refused is not None:
                field, refusal = refused
                where = f"{path}[{i}].{field}" if field else f"{path}[{i}]"
                raise LogError(where, self.name, state, move, refusal)
            instance = self.evolve(instance, event)
            if relog is not None:
                instance = relog(instance, (event,))
        if relog is not None and len(before) + len(items) > 1:
            instance = relog(instance, (*before, *items))
        return instance

    def _created(self, first: Event[S] | None, path: str) -> I:
        """The instance a creation event builds (replay without ``onto``)."""
        where = f"{path}[0]"
        if first is None or first.source is not None or self.create is None:
            reason = "replay needs a creation event first (or onto=an instance)"
            raise LogError(where, self.name, None, "replay", reason)
        if first.target != self.initial or first.transition != self.start_name:
            reason = f"creation event must be {self.start_name!r} into {self.initial!r}"
            raise LogError(where, self.name, None, "replay", reason)
        try:
            return self.create(first)
        except TransitionError as err:
            raise LogError(where, self.name, None, first.transition, err.reason) from None

    def check_log(self, instance: I, *, path: str = "events") -> I:
        """The one log check of an instance built directly (its constructor, ``attrs.evolve``,
        the converter): replay its log from its creation event (or, with ``opening``, from
        the instance as it began) and require every compared field to be what the log says.

        Returns the rebuilt instance (equal to ``instance``), so a constructor can copy
        what the fold derived (fields that do not take part in equality).

        Raises:
            LogError: an event the machine refuses (see :meth:`replay`).
            ValidationError: a field the log contradicts, named.
        """
        onto = self.opening(instance) if self.opening is not None else None
        rebuilt = self.replay(self.events_of(instance), onto=onto, path=path)
        kind: Any = type(instance)
        for field in attrs.fields(kind):
            if not field.eq:
                continue
            mine, theirs = getattr(instance, field.name), getattr(rebuilt, field.name)
            if mine != theirs:
                msg = f"is {_shown(mine)} but the events say {_shown(theirs)}"
                raise ValidationError(field.name, msg)
        return rebuilt

    # -- drawing ----------------------------------------------------------------------
    def move_label(self, move: str, lang: str = "vi") -> str:
        """``move``'s label in ``lang`` (from ``labels``), or its name if the machine gives none.

        >>> from khachhang.customers import LIFECYCLE
        >>> LIFECYCLE.move_label("win_back"), LIFECYCLE.move_label("win_back", "en")
        ('Giành lại khách hàng', 'win_back')
        """
        pair = self.labels.get(move)
        vi = check_lang(lang) == "vi"
        if pair is None:
            return move
        return pair[0] if vi else pair[1]

    def to_mermaid(
        self,
        current: S | None = None,
        *,
        lang: str = "vi",
        edge: Callable[[Transition[I, S], S], str | None] | None = None,
        note: Sequence[str] = (),
    ) -> str:
        """Mermaid ``stateDiagram-v2`` text for this machine; ``current`` is highlighted.

        States and moves are drawn with their labels in ``lang``; moves between the same
        two states share one arrow (``advance | skip``), and a move that stays in a final
        state is drawn as the way out (``performance_review --> [*]: complete``).

        Args:
            current: the state to highlight, or ``None``.
            lang: ``"vi"`` (the default) or ``"en"``.
            edge: what to write on the arrow for ``transition`` from ``source``, or
                ``None`` to leave it out; by default the move's label, marked when guarded.
            note: lines of a note beside the initial state.

        Raises:
            ValidationError: ``current`` is not one of the machine's states.

        >>> class Light(enum.Enum):
        ...     ON = "on"
        ...     OFF = "off"
        >>> d = Definition("light", tuple(Light), Light.OFF,
        ...     (Transition("switch", {Light.OFF}, Light.ON),),
        ...     state_of=lambda x: x, events_of=lambda x: (), evolve=lambda x, e: x)
        >>> print(d.to_mermaid(current=Light.ON, lang="en"))
        stateDiagram-v2
            state "on" as on
            state "off" as off
            [*] --> off
            off --> on: switch
            classDef current fill:#fde68a,stroke:#b45309,stroke-width:2px
            class on current
        """
        lang = check_lang(lang)
        if current is not None and current not in self.states:
            msg = f"{current!r:.80} is not a state of {self.name}"
            raise ValidationError("current", msg)
        guarded = _GUARDED[lang]
        lines = ["stateDiagram-v2"]
        for state in self.states:
            label_of = getattr(state, "label", None)
            shown = label_of(lang) if callable(label_of) else _state_name(state)
            text = str(shown).replace('"', "'")
            lines.append(f'    state "{text}" as {_state_name(state)}')
        lines.append(f"    [*] --> {_state_name(self.initial)}")
        arrows: dict[tuple[S, S], list[str]] = {}
        for transition in self.transitions:
            for source in sorted(transition.sources, key=self.states.index):
                if edge is not None:
                    label = edge(transition, source)
                else:
                    label = self.move_label(transition.name, lang)
                    label += guarded if transition.guard is not None else ""
                words = arrows.setdefault((source, transition.target), [])
                if label is not None and label not in words:
                    words.append(label)
        exits = set()
        for (source, target), words in arrows.items():
            if not words:
                continue
            there = _state_name(target)
            if source is target and source in self.final:
                there = "[*]"
                exits.add(source)
            lines.append(f"    {_state_name(source)} --> {there}: {' | '.join(words)}")
        lines.extend(
            f"    {_state_name(state)} --> [*]"
            for state in self.states
            if state in self.final and state not in exits
        )
        if note:
            lines.append(f"    note right of {_state_name(self.initial)}")
            lines.extend(f"        {line}" for line in note)
            lines.append("    end note")
        if current is not None:
            lines.append("    classDef current fill:#fde68a,stroke:#b45309,stroke-width:2px")
            lines.append(f"    class {_state_name(current)} current")
        return "\n".join(lines)
