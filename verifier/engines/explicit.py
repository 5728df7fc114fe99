"""The explicit-state engine: decides bounded communication closure exhaustively.

It is the reference for the SMT engine.  Two breadth-first searches over the interpreter:

* the *grouped* search enumerates every round-grouped trace of at most K' events and
  collects their projection tuples.  A node is ``(global state, kappa, projections)``
  where kappa is the least round the next event may take (giving each event the least
  feasible kappa never rules out a continuation, since later events only need
  ``kappa >= previous``);
* the *trace* search enumerates every trace of at most K events, level by level; a node is
  ``(global state, projections)`` — two traces reaching the same node have the same future
  and the same answer.  The first node whose projections the grouped search never produced
  is a shortest counterexample.

Besides, when the reachable state space is exhausted within the node budget and every
reachable event meets the local conditions, the reordering lemma gives closure for every
bound (verdict ``closed (all bounds)``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from dsl.ir import Model
from verifier.core.budget import Budget
from verifier.core.result import CheckOptions, CheckResult, Engine, Proof, Stats, Verdict
from verifier.core.runtime import GState, Round, Step, Trace
from verifier.semantics.conditions import (
    Projections,
    extend_projections,
    grouped_kappas,
    initial_projections,
    next_kappa,
    proc_index,
    step_violations,
    trace_violations,
)
from verifier.semantics.interp import Interpreter

# A node of the grouped search: global state, least kappa of the next event, projections.
GroupedNode = tuple[GState, Round | None, Projections]


def grouped_nodes(
    interp: Interpreter, kprime: int, keep: Callable[[Projections, int], bool] | None = None
):
    """Breadth-first, every new node ``(global state, kappa, projections)`` of the
    round-grouped traces of at most ``kprime`` events, with the number of events it took
    (the initial node is not yielded).  ``keep(projections, events)`` prunes a node and
    everything below it."""
    pidx = proc_index(interp)
    start: GroupedNode = (interp.initial(), None, initial_projections(interp))
    seen = {start}
    frontier = [start]
    for used in range(1, kprime + 1):
        nxt: list[GroupedNode] = []
        for state, kappa, projs in frontier:
            for step, post in interp.successors(state):
                k = next_kappa(interp, kappa, step)
                if k is None:
                    continue
                p2 = extend_projections(interp, projs, pidx[step.proc], step)
                if keep is not None and not keep(p2, used):
                    continue
                node = (post, k, p2)
                if node in seen:
                    continue
                seen.add(node)
                nxt.append(node)
                yield node, used
        frontier = nxt


def grouped_projections(
    interp: Interpreter, kprime: int, budget: Budget
) -> set[Projections] | None:
    """Projection tuples of all round-grouped traces of at most ``kprime`` events."""
    found = {initial_projections(interp)}
    for (_, _, projs), _ in grouped_nodes(interp, kprime):
        if not budget.spend():
            return None
        found.add(projs)
    return found


def _rebuild(parents: dict, node) -> tuple[Step, ...]:
    steps: list[Step] = []
    while parents[node] is not None:
        node, step = parents[node]
        steps.append(step)
    return tuple(reversed(steps))


def explicit_check(
    model: Model,
    opts: CheckOptions,
    progress: Callable[[str], None] | None = None,
    *,
    interp: Interpreter | None = None,
) -> CheckResult:
    """Decide closure up to ``opts.bound`` by exhaustive search (see module docstring).
    ``interp`` is the model compiled with ``opts.rounds`` when the caller has one."""
    start = time.monotonic()
    if interp is None:
        interp = Interpreter(model, opts.rounds)
    budget = Budget(opts.timeout, opts.max_nodes, start, label="explicit search")
    stats = Stats()

    def done(verdict: Verdict, **kw) -> CheckResult:
        stats.seconds = time.monotonic() - start
        stats.nodes = budget.nodes
        return CheckResult(
            verdict,
            opts.bound,
            opts.kprime,
            Engine.EXPLICIT,
            None,
            stats=stats,
            interp=interp,
            **kw,
        )

    if opts.one_step:
        proof = reachable_conditions(interp, budget)
        if proof:
            return done(Verdict.CLOSED_ALL, reason=proof, proof=Proof("exhaustive exploration"))
    grouped = grouped_projections(interp, opts.kprime, budget)
    if grouped is None:
        return done(Verdict.UNKNOWN, reason=budget.reason + " (grouped search)")
    if progress:
        progress(f"explicit: {len(grouped)} grouped projection tuples up to {opts.kprime} events")
    pidx = proc_index(interp)
    root = (interp.initial(), initial_projections(interp))
    parents: dict = {root: None}
    frontier = [root]
    tick = getattr(progress, "tick", None)  # live progress during a bound, if shown
    for depth in range(1, opts.bound + 1):
        nxt: list = []
        if tick:
            tick(depth=depth, nodes=budget.nodes)
        for node in frontier:
            state, projs = node
            for step, post in interp.successors(state):
                child = (post, extend_projections(interp, projs, pidx[step.proc], step))
                if child in parents:
                    continue
                if not budget.spend():
                    return done(
                        Verdict.UNKNOWN,
                        depth=depth - 1,
                        reason=budget.reason + f" (trace search at depth {depth})",
                    )
                parents[child] = (node, step)
                if tick and not budget.nodes % 512:
                    tick(nodes=budget.nodes)
                if child[1] not in grouped:
                    # The last bound, stopped at its counterexample (docs/output.md).
                    stats.per_bound.append(
                        {
                            "bound": depth,
                            "nodes": len(nxt) + 1,
                            "seconds": round(time.monotonic() - start, 3),
                            "complete": False,
                        }
                    )
                    trace = interp.replay(_rebuild(parents, child))
                    return done(
                        Verdict.NOT_CLOSED,
                        trace=trace,
                        depth=depth,
                        violations=trace_violations(interp, trace),
                    )
                nxt.append(child)
        stats.per_bound.append(
            {"bound": depth, "nodes": len(nxt), "seconds": round(time.monotonic() - start, 3)}
        )
        if progress:
            progress(
                f"bound {depth}: {len(nxt)} trace nodes, no counterexample "
                f"({time.monotonic() - start:.1f} s)"
            )
        frontier = nxt
    return done(
        Verdict.CLOSED_BOUNDED,
        depth=opts.bound,
        reason=f"every trace of at most {opts.bound} events has a round-grouped "
        f"equivalent of at most {opts.kprime} events (exhaustive search)",
    )


def reachable_conditions(interp: Interpreter, budget: Budget, cap: int = 20_000) -> str:
    """When the whole reachable state space has at most ``cap`` states and every reachable
    event meets the local conditions, a sentence saying so; else the empty string."""
    init = interp.initial()
    seen: set[GState] = {init}
    frontier = [init]
    while frontier:
        nxt = []
        for state in frontier:
            for step, post in interp.successors(state):
                if step_violations(interp, 0, step):
                    return ""
                if post not in seen:
                    if len(seen) >= cap or budget.expired():
                        return ""
                    seen.add(post)
                    nxt.append(post)
        frontier = nxt
    return (
        f"all reachable global states ({len(seen)}) explored; every reachable event "
        f"meets the local conditions (reordering lemma)"
    )


def is_round_grouped(interp: Interpreter, trace: Trace) -> bool:
    return grouped_kappas(interp, trace.steps) is not None
