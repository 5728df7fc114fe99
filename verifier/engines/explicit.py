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
from verifier.semantics.symmetry import Canonicalizer, symmetric_roles

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
    targeted: bool = True,
    *,
    interp: Interpreter | None = None,
) -> CheckResult:
    """Decide closure up to ``opts.bound`` by exhaustive search (see module docstring).

    ``targeted`` (the default) searches for witnesses per suspicious node; False enumerates
    every round-grouped trace first (the unreduced search the tests compare with).
    ``interp`` is the model compiled with ``opts.rounds`` when the caller has one."""
    start = time.monotonic()
    if interp is None:
        interp = Interpreter(model, opts.rounds)
    budget = Budget(opts.timeout, opts.max_nodes, start, label="explicit search")
    stats = Stats()
    canon = None
    if opts.symmetry:
        roles = symmetric_roles(interp.model, opts.rounds)
        if roles:
            canon = Canonicalizer(interp, roles)
            stats.symmetry = canon.description

    def done(verdict: Verdict, **kw) -> CheckResult:
        stats.seconds = time.monotonic() - start
        stats.nodes = budget.nodes
        if targeted:
            stats.witness_searches = witnesses.searches
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

    witnesses = WitnessSearch(interp, opts.kprime, budget, canon)
    if opts.one_step:
        proof = reachable_conditions(interp, budget)
        if proof:
            return done(Verdict.CLOSED_ALL, reason=proof, proof=Proof("exhaustive exploration"))
    has_witness: Callable[[Projections], bool | None]
    if targeted:
        has_witness = witnesses.exists
    else:
        grouped = grouped_projections(interp, opts.kprime, budget)
        if grouped is None:
            return done(Verdict.UNKNOWN, reason=budget.reason + " (grouped search)")
        if progress:
            progress(
                f"explicit: {len(grouped)} grouped projection tuples up to {opts.kprime} events"
            )

        def in_grouped(projs: Projections) -> bool | None:
            return projs in grouped

        has_witness = in_grouped

    pidx = proc_index(interp)
    s0, p0 = interp.initial(), initial_projections(interp)
    key = canon.key if canon is not None else _plain_key
    root = key(s0, p0)
    parents: dict = {root: None}
    # A frontier entry: key, state, projections, clean (reached by a path whose events all
    # meet the local conditions: the reordering lemma gives it a witness).
    frontier: list[list] = [[root, s0, p0, True]]
    # Whether an event breaks a local condition, per Step object (NOTE(step-memo): the
    # interpreter hands out the same objects again and keeps them alive).
    bad: dict[int, bool] = {}

    def breaks(step: Step) -> bool:
        b = bad.get(id(step))
        if b is None:
            b = bad[id(step)] = bool(step_violations(interp, 0, step))
        return b

    def counterexample(steps: tuple[Step, ...], depth: int, nodes: int) -> CheckResult:
        # The last bound, stopped at its counterexample (docs/output.md).
        stats.per_bound.append(
            {
                "bound": depth,
                "nodes": nodes,
                "seconds": round(time.monotonic() - start, 3),
                "complete": False,
            }
        )
        trace = interp.replay(steps)
        return done(
            Verdict.NOT_CLOSED,
            trace=trace,
            depth=depth,
            violations=trace_violations(interp, trace),
        )

    def stop(depth: int, where: str) -> CheckResult:
        return done(Verdict.UNKNOWN, depth=depth - 1, reason=budget.reason + f" ({where})")

    tick = getattr(progress, "tick", None)  # live progress during a bound, if shown
    for depth in range(1, opts.bound + 1):
        last = depth == opts.bound
        level: dict = {}
        checked = 0
        if tick:
            tick(depth=depth, nodes=budget.nodes)
        for ckey, state, projs, clean in frontier:
            for step, post in interp.successors(state):
                p2 = extend_projections(interp, projs, pidx[step.proc], step)
                c2 = clean and not breaks(step)
                # A stuttering event keeps projections already known to have a witness.
                ok = c2 or p2 is projs
                if last:
                    # Nothing is expanded below the bound: only suspicious nodes matter.
                    if ok:
                        continue
                    if not budget.spend():
                        return stop(depth, f"trace search at depth {depth}")
                    checked += 1
                    found = has_witness(p2)
                    if found is None:
                        return stop(depth, f"witness search at depth {depth}")
                    if not found:
                        steps = _rebuild(parents, ckey) + (step,)
                        return counterexample(steps, depth, checked)
                    continue
                child = key(post, p2)
                entry = level.get(child)
                if entry is not None:
                    if ok and not entry[4]:
                        entry[4] = True
                    if c2 and not entry[3]:
                        entry[3] = True
                    continue
                if child in parents:
                    continue
                if not budget.spend():
                    return stop(depth, f"trace search at depth {depth}")
                parents[child] = (ckey, step)
                level[child] = [child, post, p2, c2, ok]
                if tick and not budget.nodes % 512:
                    tick(nodes=budget.nodes)
        for child, _, p2, _, ok in level.values():
            if ok:
                continue
            found = has_witness(p2)
            if found is None:
                return stop(depth, f"witness search at depth {depth}")
            if not found:
                return counterexample(_rebuild(parents, child), depth, len(level))
        frontier = [e[:4] for e in level.values()]
        count = checked if last else len(frontier)
        stats.per_bound.append(
            {"bound": depth, "nodes": count, "seconds": round(time.monotonic() - start, 3)}
        )
        if progress:
            what = "suspicious trace nodes checked" if last else "trace nodes"
            progress(
                f"bound {depth}: {count} {what}, no counterexample "
                f"({time.monotonic() - start:.1f} s)"
            )
    return done(
        Verdict.CLOSED_BOUNDED,
        depth=opts.bound,
        reason=f"every trace of at most {opts.bound} events has a round-grouped "
        f"equivalent of at most {opts.kprime} events (exhaustive search)",
    )


def _plain_key(state: GState, projs: Projections) -> tuple:
    return (state, projs)


class WitnessSearch:
    """Targeted witness search: does a round-grouped trace of at most ``kprime`` events
    have projections ``target``?  A breadth-first search over grouped nodes keeping only
    those whose projections are prefixes of the target's, with enough events left to
    complete them (an event extends at most its own process's projection, by one
    observation, so a grouped event whose observation change is not the next one the
    target expects is pruned).  Answers are memoised per projection orbit."""

    def __init__(self, interp: Interpreter, kprime: int, budget: Budget, canon=None):
        self.interp = interp
        self.kprime = kprime
        self.budget = budget
        self.canon = canon
        self.memo: dict = {}
        self.searches = 0

    def exists(self, target: Projections) -> bool | None:
        """True, False, or None when the budget ran out."""
        mkey = self.canon.proj_key(target) if self.canon is not None else target
        hit = self.memo.get(mkey)
        if hit is not None:
            return hit
        self.searches += 1
        kprime = self.kprime

        def viable(projs: Projections, used: int) -> bool:
            missing = 0
            for have, want in zip(projs, target):
                if have is not want:
                    n = len(have)
                    if n > len(want) or want[:n] != have:
                        return False
                    missing += len(want) - n
            return missing <= kprime - used

        if initial_projections(self.interp) == target:
            self.memo[mkey] = True
            return True
        budget = self.budget
        answer = False
        for (_, _, projs), _ in grouped_nodes(self.interp, kprime, viable):
            if not budget.spend():
                return None
            if projs == target:
                answer = True
                break
        self.memo[mkey] = answer
        return answer


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
