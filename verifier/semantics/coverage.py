"""Edge coverage: how often each edge fires within the bound, and why one never does.

Like TLC's action coverage.  :func:`edge_coverage` explores the reachable global states
breadth first, level by level up to ``bound - 1`` events (so that every event of a trace
of at most ``bound`` events is tried), within a state cap and a time slice; for every
state it tries every edge at every process with every parameter valuation and in-flight
message, exactly as :meth:`Interpreter.successors` does, and counts per edge

* ``fired``: events of the edge (non-inert, enabled) found, over all explored states;
* ``states``: explored states in which the edge fired at least once;
* ``guard_true``: attempts whose guard held;
* ``stores``: attempts disabled by a store out of its type (a range violation), per
  statement — the reason an edge whose guard holds may still never fire;
* ``inert``: attempts that changed nothing and sent nothing.

``depth`` is how many events the claims cover: ``bound`` when every level was explored,
else the levels explored completely.  "Never fired within ``depth`` events" is then a
fact about every trace of at most ``depth`` events.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from dsl.ir import Assign, Broadcast, EdgeKind, Send, Span
from dsl.pretty import expr_str, type_str
from verifier.core.runtime import GState
from verifier.semantics.interp import Interpreter

MAX_STATES = 2_000
MAX_SECONDS = 10.0  # a safety net only: the state cap keeps the output deterministic


@dataclass
class EdgeCoverage:
    role: str
    edge: str
    span: Span | None
    receive: str | None  # the message type of a receive edge
    attempts: int = 0
    fired: int = 0
    states: int = 0
    guard_true: int = 0
    inert: int = 0
    stores: dict[str, int] = field(default_factory=dict)


@dataclass
class Coverage:
    bound: int
    depth: int  # events covered by the claims (== bound when complete)
    explored: int  # global states explored
    complete: bool
    edges: list[EdgeCoverage]

    @property
    def nothing_fires(self) -> bool:
        """No event is enabled in the initial state: the model cannot do anything."""
        return self.depth >= 1 and all(e.fired == 0 for e in self.edges)


def _store_text(interp: Interpreter, role: str, stmt: object) -> str:
    """``r := r + 7 leaves 0..2``: the failing store and the type it leaves."""
    if isinstance(stmt, Assign):
        var = next((v for v in interp.model.role(role).vars if v.name == stmt.var), None)
        where = f" leaves {type_str(var.ty)}" if var is not None and not stmt.path else ""
        target = stmt.var + ("[...]" if stmt.path else "")
        return f"{target} := {expr_str(stmt.value)}{where}"
    if isinstance(stmt, (Send, Broadcast)):
        return f"the {stmt.msg} message it sends has a field out of its type"
    return "a store out of its type"


def edge_coverage(
    interp: Interpreter,
    bound: int,
    *,
    max_states: int = MAX_STATES,
    seconds: float = MAX_SECONDS,
) -> Coverage:
    """Per-edge coverage within ``bound`` events (module docstring)."""
    from verifier.semantics.interp import _VIOLATION

    stop = time.monotonic() + seconds
    table: dict[tuple[str, str], EdgeCoverage] = {}
    for r in interp.model.roles:
        for e in r.edges:
            msg = e.msg if e.kind is EdgeKind.RECEIVE else None
            table[(r.name, e.name)] = EdgeCoverage(r.name, e.name, e.span, msg)
    init = interp.initial()
    seen: set[GState] = {init}
    frontier = [init]
    depth = 0  # levels 0..depth-1 fully tried: the claims cover traces of `depth` events
    complete = True
    for level in range(bound):
        if not frontier:  # every reachable state explored: the claims hold for any bound
            depth = bound
            break
        nxt: list[GState] = []
        capped = False
        for s in frontier:
            if time.monotonic() > stop:
                complete = False
                break
            _attempts(interp, s, table, _VIOLATION)
            if level + 1 == bound:
                continue
            for _, post in interp.successors(s):
                if post in seen:
                    continue
                if len(seen) >= max_states:
                    capped = True
                    continue
                seen.add(post)
                nxt.append(post)
        if not complete:
            break
        depth = level + 1
        if capped:
            complete = False
            break
        frontier = nxt
    return Coverage(bound, depth, len(seen), complete, list(table.values()))


def _attempts(interp: Interpreter, s: GState, table: dict, violation: str) -> None:
    """Try every event from ``s`` (the order of NOTE(successor-order)) and count."""
    box, _ = interp._inbox(s)
    fired_here: set[tuple[str, str]] = set()
    for pi, p in enumerate(interp.procs):
        pre = s.locals[pi]
        for ce in interp._proc_roles[pi].edges:
            e = ce.edge
            cov = table[(p.role, e.name)]
            msgs: tuple = (None,)
            if ce.receive:
                msgs = tuple(
                    m
                    for m in box.get((p, e.msg or ""), ())
                    if e.sender_role is None or m.src.role == e.sender_role
                )
            for m in msgs:
                for params in ce.valuations:
                    cov.attempts += 1
                    r = interp._fire(pi, ce, pre, params, m)
                    if isinstance(r, str):
                        if r == violation:
                            cov.guard_true += 1
                            key = _store_text(interp, p.role, interp.last_violation)
                            cov.stores[key] = cov.stores.get(key, 0) + 1
                        elif r != "the guard is false":
                            cov.guard_true += 1
                            cov.inert += 1
                        continue
                    cov.guard_true += 1
                    cov.fired += 1
                    fired_here.add((p.role, e.name))
    for fired in fired_here:
        table[fired].states += 1
