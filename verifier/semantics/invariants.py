"""Explicit evaluation of ``invariant`` declarations (dsl.ir.Invariant) on concrete states.

The SMT side proves invariants inductive (:mod:`verifier.smt.strengthen`); this module
says whether one holds in a given global state, and searches the states reachable within
a bound for one that breaks an invariant (evidence that an invariant is false, not merely
not inductive; also the reference the soundness tests compare the proofs with).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from dsl import ir
from verifier.core.runtime import GState, Message, Proc, Step
from verifier.semantics.evalcore import SELF, Compiler
from verifier.semantics.interp import Interpreter


class InvariantEvaluator:
    """Compiled invariants of a model, evaluated on concrete local states and messages:
    the roles' declared invariants, or ``invariants`` (per role name) instead."""

    def __init__(
        self, interp: Interpreter, invariants: dict[str, tuple[ir.Invariant, ...]] | None = None
    ):
        self.interp = interp
        self.invs = invariants or {r.name: r.invariants for r in interp.model.roles}
        self._fns: dict[tuple[str, int], object] = {}
        for r in interp.model.roles:
            comp = Compiler(interp.model, r)
            for k, inv in enumerate(self.invs.get(r.name, ())):
                self._fns[r.name, k] = comp.expr(inv.expr)

    def holds(self, p: Proc, local: tuple, k: int, msg: Message | None = None) -> bool:
        """Invariant ``k`` of ``p``'s role at ``p`` in ``local`` (for ``msg``, in flight to
        ``p``, when it is a message invariant)."""
        inv = self.invs[p.role][k]
        env: dict[str, object] = {SELF: p.idx}
        if inv.msg is not None:
            assert msg is not None
            env.update({b: v for b, v in zip(inv.bindings, msg.fields) if b != "_"})
            if inv.sender is not None:
                env[inv.sender] = msg.src.idx
        return bool(self._fns[p.role, k](local, env))  # type: ignore[operator]

    def broken(self, state: GState) -> Iterator[tuple[Proc, ir.Invariant, Message | None]]:
        """Every (process, invariant, message or None) that ``state`` breaks."""
        interp = self.interp
        flight = [m for m, _ in state.network]
        for pi, p in enumerate(interp.procs):
            local = state.locals[pi]
            for k, inv in enumerate(self.invs.get(p.role, ())):
                if inv.msg is None:
                    if not self.holds(p, local, k):
                        yield p, inv, None
                    continue
                for m in flight:
                    if (
                        m.dst == p
                        and m.type == inv.msg
                        and m.src.role == inv.sender_role
                        and not self.holds(p, local, k, m)
                    ):
                        yield p, inv, m


def reachable_violation(
    interp: Interpreter, bound: int, max_states: int = 200_000
) -> tuple[tuple[Step, ...], Proc, ir.Invariant, Message | None] | None:
    """A shortest trace of at most ``bound`` events reaching a state that breaks an
    invariant (the steps, the process, the invariant, the message), or None (also when
    more than ``max_states`` states were seen: the search is evidence, not a proof)."""
    ev = InvariantEvaluator(interp)
    init = interp.initial()
    parents: dict[GState, tuple[GState, Step] | None] = {init: None}
    layer = [init]
    for depth in range(bound + 1):
        for s in layer:
            bad = next(ev.broken(s), None)
            if bad is not None:
                steps: list[Step] = []
                cur = s
                while parents[cur] is not None:
                    prev, st = parents[cur]  # type: ignore[misc]
                    steps.append(st)
                    cur = prev
                return (tuple(reversed(steps)), *bad)
        if depth == bound:
            break
        nxt = []
        for s in layer:
            for step, post in interp.successors(s):
                if post not in parents:
                    parents[post] = (s, step)
                    nxt.append(post)
                    if len(parents) > max_states:
                        return None
        layer = nxt
    return None


def surviving(
    interp: Interpreter,
    invariants: dict[str, tuple[ir.Invariant, ...]],
    depth: int,
    max_states: int = 1000,
    walks: int = 100,
    walk_length: int = 30,
    seed: int = 0,
) -> set[tuple[str, int]]:
    """The (role, index) of the ``invariants`` that no state seen breaks: the states reachable
    within ``depth`` events, at most ``max_states`` of them in breadth-first order, and
    those of ``walks`` random walks of ``walk_length`` events (fixed seed).  A cheap
    filter of candidate invariants before they are checked inductive, not a proof."""
    ev = InvariantEvaluator(interp, invariants)
    alive = {(r, k) for r, invs in invariants.items() for k in range(len(invs))}

    def visit(s: GState) -> None:
        flight = [m for m, _ in s.network]
        for pi, p in enumerate(interp.procs):
            local = s.locals[pi]
            invs = invariants.get(p.role, ())
            for key in [x for x in alive if x[0] == p.role]:
                inv = invs[key[1]]
                if inv.msg is None:
                    ok = ev.holds(p, local, key[1])
                else:
                    ok = all(
                        ev.holds(p, local, key[1], m)
                        for m in flight
                        if m.dst == p and m.type == inv.msg and m.src.role == inv.sender_role
                    )
                if not ok:
                    alive.discard(key)

    seen = {interp.initial()}
    layer = list(seen)
    for d in range(depth + 1):
        for s in layer:
            visit(s)
        if d == depth or len(seen) >= max_states:
            break
        nxt = []
        for s in layer:
            for _, post in interp.successors(s):
                if post not in seen and len(seen) < max_states:
                    seen.add(post)
                    nxt.append(post)
        layer = nxt
    rng = random.Random(seed)
    for _ in range(walks):
        if not alive:
            break
        state = interp.initial()
        for _ in range(walk_length):
            succ = interp.successors(state)
            if not succ:
                break
            state = succ[rng.randrange(len(succ))][1]
            if state not in seen:
                seen.add(state)
                visit(state)
    return alive
