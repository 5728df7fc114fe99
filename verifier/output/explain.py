"""Facts about a trace that its renderings share: message deliveries, the round-grouped
reordering of the lemma and how far it gets, and sample traces of closed protocols.

The text tables (:mod:`verifier.output.terminal`), the diagrams
(:mod:`verifier.output.diagram`) and the ITF export (:mod:`verifier.output.itf`) all read
these, so a message drawn red in a picture is the message marked in the table.
Nothing here prints or writes files.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass

from verifier.core.runtime import Message, Round, Step, Trace
from verifier.semantics.conditions import (
    fmt_round,
    grouped_kappas,
    in_window,
    kappa_of,
    kappa_order,
    projections,
)
from verifier.semantics.interp import Interpreter, ReplayError


@dataclass(frozen=True)
class Delivery:
    """One message of a sequence of events, numbered in sending order.

    ``send`` is the index of the event that sent it; ``recv`` the index of the event that
    received it, or None when it is still in flight at the end.  In a sequence that is
    not a valid trace a receive may come before its send (``recv < send``)."""

    number: int  # 1-based, in the order the messages are sent
    msg: Message
    send: int
    recv: int | None
    crosses: bool  # received outside the receiver's round window [round before, round after]

    @property
    def in_flight(self) -> bool:
        return self.recv is None

    @property
    def backwards(self) -> bool:
        return self.recv is not None and self.recv < self.send


def deliveries(
    interp: Interpreter, steps: tuple[Step, ...], order: tuple[int, ...] | None = None
) -> tuple[Delivery, ...]:
    """Match every consumed message with the event that sent it.

    Identical messages are indistinguishable, so a receive is matched with the earliest
    unmatched earlier send of an equal message (any choice gives the same trace); a
    receive with no earlier send (only in an invalid sequence) takes the earliest later
    one.  Receives whose message is never sent in ``steps`` are left out.  Messages are
    numbered in sending order; for a reordering pass its ``order`` (the original
    positions) and they keep the numbers they have in the original trace."""
    sends: list[tuple[int, Message]] = [(i, m) for i, s in enumerate(steps) for m in s.sent]
    origin = order if order is not None else tuple(range(len(steps)))
    keys = [(origin[i], j) for i, s in enumerate(steps) for j in range(len(s.sent))]
    number = {k: r + 1 for r, k in enumerate(sorted(range(len(sends)), key=keys.__getitem__))}
    recv_of: dict[int, int] = {}
    pending: dict[Message, deque[int]] = {}
    unmatched: list[int] = []
    k = 0
    for i, step in enumerate(steps):
        m = step.consumed
        if m is not None:
            queue = pending.get(m)
            if queue:
                recv_of[queue.popleft()] = i
            else:
                unmatched.append(i)
        for _ in step.sent:
            pending.setdefault(sends[k][1], deque()).append(k)
            k += 1
    for i in unmatched:
        queue = pending.get(steps[i].consumed)  # type: ignore[arg-type]
        if queue:
            recv_of[queue.popleft()] = i
    out = []
    for k, (i, m) in enumerate(sends):
        r = recv_of.get(k)
        crosses = False
        if r is not None:
            receiver = steps[r]
            crosses = not (
                interp.round_of(receiver.proc, receiver.pre)
                <= m.tag
                <= interp.round_of(receiver.proc, receiver.post)
            )
        out.append(Delivery(number[k], m, i, r, crosses))
    return tuple(out)


def misfit(interp: Interpreter, step: Step, kappa: Round) -> bool:
    """Whether ``kappa`` lies outside ``[round(pre), round(post)]`` of ``step``."""
    return not in_window(interp, step, kappa)


@dataclass(frozen=True)
class Reordering:
    """The events of a trace sorted stably by kappa (the reordering of the lemma), and
    what became of them: how many replay, whether the result is round-grouped and has
    the trace's projections."""

    steps: tuple[Step, ...]
    order: tuple[int, ...]  # order[i]: the index in the original trace of steps[i]
    kappas: tuple[Round, ...]  # kappa_of of each event, non-decreasing
    replayed: int  # length of the longest prefix the interpreter replays
    replay_error: str  # why event number replayed + 1 does not replay ("" when all do)
    grouped: bool  # a valid trace that is round-grouped
    equivalent: bool  # a valid trace with the original trace's projections
    misfits: tuple[int, ...]  # positions whose kappa is outside [round(pre), round(post)]

    @property
    def valid(self) -> bool:
        return self.replayed == len(self.steps)

    @property
    def moved(self) -> bool:
        return self.order != tuple(range(len(self.order)))

    def summary(self, interp: Interpreter) -> str:
        """One sentence saying what this reordering is (for titles and captions); events
        are named by their number in the original trace (``#3``)."""
        n = len(self.steps)
        if self.valid and self.grouped and self.equivalent:
            if not self.moved:
                return "the trace is already round-grouped"
            return "a round-grouped trace with the same local states (equivalent)"
        if not self.valid:
            i = self.replayed
            s = self.steps[i]
            return (
                f"NOT equivalent, not even a valid trace: only the first {i} of {n} "
                f"events replay (the next, event #{self.order[i] + 1} {s.proc} {s.edge}, "
                f"does not: {self.replay_error})"
            )
        if not self.equivalent:
            return "NOT equivalent: it replays, but changes some process's local states"
        if self.misfits:
            i = self.misfits[0]
            s = self.steps[i]
            pre = interp.round_of(s.proc, s.pre)
            post = interp.round_of(s.proc, s.post)
            span = fmt_round(pre) if pre == post else f"{fmt_round(pre)}..{fmt_round(post)}"
            return (
                f"NOT equivalent to a round-grouped trace: it replays with the same local "
                f"states but is not round-grouped (event #{self.order[i] + 1} {s.proc} "
                f"{s.edge} has kappa {fmt_round(self.kappas[i])} outside its rounds "
                f"{span})"
            )
        return "NOT equivalent: it replays but is not round-grouped"


def reorder(interp: Interpreter, trace: Trace) -> Reordering:
    """The reordering of :func:`verifier.semantics.conditions.reorder_by_kappa` (the events sorted
    stably by kappa) with its replay; ``order`` says where each event came from."""
    keyed = kappa_order(interp, trace.steps)
    steps = tuple(trace.steps[i] for i in keyed)
    kappas = tuple(kappa_of(interp, s) for s in steps)
    replayed, error, replay = len(steps), "", None
    try:
        replay = interp.replay(steps)
    except ReplayError as err:
        replayed, error = err.index, err.reason.split(": ", 1)[-1]
    grouped = replay is not None and grouped_kappas(interp, steps) is not None
    equivalent = replay is not None and projections(interp, replay) == projections(interp, trace)
    misfits = tuple(i for i, (s, k) in enumerate(zip(steps, kappas)) if misfit(interp, s, k))
    return Reordering(steps, tuple(keyed), kappas, replayed, error, grouped, equivalent, misfits)


def inversions(interp: Interpreter, steps: tuple[Step, ...]) -> int:
    """Pairs of events out of kappa order: how much the reordering has to move."""
    ks = [kappa_of(interp, s) for s in steps]
    return sum(1 for i in range(len(ks)) for j in range(i + 1, len(ks)) if ks[i] > ks[j])


def sample_trace(interp: Interpreter, bound: int, seed: int = 0, walks: int = 200) -> Trace | None:
    """A trace of at most ``bound`` events worth reordering, from ``walks`` random runs
    with a fixed seed: preferably one whose kappa-sorted reordering is an equivalent
    round-grouped trace while the trace itself is not round-grouped, with the most events
    out of kappa order, then the longest.  None when no event is enabled initially."""
    rng = random.Random(seed)
    best_key: tuple | None = None
    best: Trace | None = None
    for _ in range(walks):
        steps = interp.random_walk(rng, bound)
        if not steps:
            continue
        trace = interp.replay(steps)
        r = reorder(interp, trace)
        good = r.valid and r.grouped and r.equivalent
        key = (good and r.moved, good, inversions(interp, trace.steps), len(steps))
        if best_key is None or key > best_key:
            best_key, best = key, trace
    return best


def reordering_json(interp: Interpreter, trace: Trace, *, sample: bool, seed: int) -> dict:
    """The trace ``explain`` shows and its reordering by kappa, as JSON.  Events are named
    by their 1-based number in the shown trace (``order``, ``misfits``)."""
    from verifier.output.render import trace_json

    r = reorder(interp, trace)
    return {
        "sample": sample,
        "seed": seed if sample else None,
        "trace": trace_json(interp, trace),
        "order": [i + 1 for i in r.order],
        "kappa": [list(k) for k in r.kappas],
        "replayed": r.replayed,
        "replay_error": r.replay_error or None,
        "grouped": r.grouped,
        "equivalent": r.equivalent,
        "misfits": [r.order[i] + 1 for i in r.misfits],
        "summary": r.summary(interp),
    }
