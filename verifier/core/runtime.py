"""Solver-independent runtime objects: processes, messages, global states, events, traces.

Both engines speak these types: the explicit interpreter produces them, the SMT encoder
decodes its models into them, and the renderers and exporters read only them.  Values
follow the representation fixed in :mod:`dsl.ir` (ints, bools, tuples, frozensets).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# A DSL value (int, bool, tuple for records/maps/sequences, frozenset for sets; dsl/ir.py):
# dynamically typed by the model, so Any to Python's checker.
Value = Any
Local = tuple  # one process's local state: its variables' values in declaration order
Round = tuple  # a round value: a tuple of ints, compared lexicographically


@dataclass(frozen=True, order=True)
class Proc:
    """A process: index ``idx`` of role ``role``.  Global order: roles as declared, then idx."""

    role: str
    idx: int

    def __str__(self) -> str:
        return f"{self.role}[{self.idx}]"


@dataclass(frozen=True)
class Message:
    """A message in flight.  ``tag`` is the sender's round after the sending edge."""

    type: str
    fields: tuple
    src: Proc
    dst: Proc
    tag: Round

    # NOTE(message-hash): messages are hashed over and over (network sets, inboxes, the
    # symmetry reduction's tables), so the hash is computed once per object.  It is not
    # pickled: string hashes differ between processes.
    def __hash__(self) -> int:
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash((self.type, self.fields, self.src, self.dst, self.tag))
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}


@dataclass(frozen=True)
class GState:
    """A global state: each process's local state (in global process order) and the
    network, a multiset of messages stored as a frozenset of ``(message, count)`` pairs."""

    locals: tuple[Local, ...]
    network: frozenset = frozenset()

    def in_flight(self) -> Counter:
        return Counter(dict(self.network))

    @staticmethod
    def make(locals_: tuple[Local, ...], network: Counter) -> GState:
        return GState(tuple(locals_), frozenset((m, c) for m, c in network.items() if c > 0))


@dataclass(frozen=True)
class Step:
    """One non-inert event: process ``proc`` fires edge ``edge`` with parameter values
    ``params`` (in declaration order), consuming ``consumed`` (receive edges), going from
    local state ``pre`` to ``post`` and sending ``sent`` (in statement order)."""

    proc: Proc
    edge: str
    params: tuple = ()
    consumed: Message | None = None
    sent: tuple[Message, ...] = ()
    pre: Local = ()
    post: Local = ()


@dataclass(frozen=True)
class Trace:
    """A sequence of events from the initial state; ``states[i]`` is the global state
    before ``steps[i]`` and ``states[-1]`` the final one (``len(states) == len(steps)+1``)."""

    steps: tuple[Step, ...]
    states: tuple[GState, ...]
    # Per step, the round kappa(e) given to it when the trace is round-grouped, else empty.
    kappa: tuple[Round, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.steps)
