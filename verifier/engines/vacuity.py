"""Vacuity of bounded verdicts: the first crossing bound B (docs/semantics.md, "Vacuity").

A global state is *crossing* when some in-flight message ``m`` to a process ``p`` has
``tag(m) != round(p)``, the round of ``p``'s current local state under the round in use
(the declared round, or the attribute of :attr:`CheckOptions.rounds` with ghost tags: the
interpreter computes tags from the round in use, never from declared message rounds).
``B`` is one more than the length of the shortest trace reaching a crossing state: the
first bound at which an event can deliver, or drop, a message across rounds.

Why "closed up to K" with ``K < B`` says nothing: on a trace of at most ``K`` events every
receive takes a message whose tag is the receiver's round before the event (the state
before it is not crossing, being reached in fewer than ``B - 1`` events), so with a
monotone round the "receive in window" condition holds trivially, "send current" holds by
construction of ghost tags, and the reordering lemma closes every such trace whatever the
protocol does with a message of another round — that handling was never exercised.

:func:`first_crossing_bound` computes B by a breadth-first search over global states
with the explicit interpreter (crossing is a property of a state, so the first layer
containing a crossing state gives the shortest trace; states seen at an earlier layer are
not expanded again).  No reduction is applied.  The search stops at ``limit`` events or
when the :class:`~verifier.core.budget.Budget` runs out; then the result is a lower bound.
"""

from __future__ import annotations

from collections.abc import Callable

from dsl.ir import Model
from verifier.core.budget import Budget
from verifier.core.crossing import CrossingResult
from verifier.core.result import CheckOptions, CheckResult, Verdict
from verifier.core.runtime import GState, Step
from verifier.semantics.conditions import fmt_round, plural
from verifier.semantics.interp import Interpreter

__all__ = [
    "DEFAULT_LOOKAHEAD",
    "DEFAULT_STATES",
    "CrossingResult",
    "attach_crossing",
    "crossing_in",
    "first_crossing_bound",
    "vacuous",
]

# How many events past K-1 a check looks for B when the verdict is vacuous (to print B
# itself, not only "B > K"), and the default state budget of that search.
DEFAULT_LOOKAHEAD = 3
DEFAULT_STATES = 300_000


def crossing_in(interp: Interpreter, state: GState) -> str:
    """A sentence naming an in-flight message of ``state`` whose tag differs from its
    receiver's round, or the empty string when ``state`` is not crossing."""
    rounds: dict[int, tuple] = {}
    hits = []
    for m, _ in state.network:
        di = interp.proc_index(m.dst)
        r = rounds.get(di)
        if r is None:
            r = rounds[di] = interp.round_of(m.dst, state.locals[di])
        if m.tag != r:
            hits.append((interp.proc_index(m.src), di, m.type, m.tag, r, m))
    if not hits:
        return ""
    _, _, _, tag, r, m = min(hits, key=lambda h: h[:5])
    article = "an" if m.type[:1].lower() in "aeiou" else "a"
    return (
        f"{article} {m.type} from {m.src} to {m.dst} tagged {fmt_round(tag)} is in flight "
        f"while {m.dst} is in round {fmt_round(r)}"
    )


def first_crossing_bound(
    model: Model,
    opts: CheckOptions,
    budget: Budget | None = None,
    *,
    limit: int | None = None,
    interp: Interpreter | None = None,
    progress: Callable[[str], None] | None = None,
) -> CrossingResult:
    """B for ``model`` under the round in use (``opts.rounds``, else the declared rounds):
    breadth-first over the global states reachable in at most ``limit`` events (default
    ``opts.bound - 1 + DEFAULT_LOOKAHEAD``, enough to decide vacuity at ``opts.bound``),
    stopping at the first crossing state.  Every new state costs one node of ``budget``
    (default: ``DEFAULT_STATES`` states, the options' timeout); when it runs out, or at
    ``limit``, the result is the lower bound ``B >= searched + 2``."""
    if interp is None:
        interp = Interpreter(model, opts.rounds)
    if budget is None:
        budget = Budget(timeout=opts.timeout, max_nodes=DEFAULT_STATES, label="crossing search")
    if limit is None:
        limit = opts.bound - 1 + DEFAULT_LOOKAHEAD
    init = interp.initial()
    parents: dict[GState, tuple[GState, Step] | None] = {init: None}
    frontier = [init]
    for depth in range(1, limit + 1):
        nxt: list[GState] = []
        for state in frontier:
            for step, post in interp.successors(state):
                if post in parents:
                    continue
                if not budget.spend():
                    return CrossingResult(
                        None, depth - 1, reason=budget.reason, states=len(parents)
                    )
                parents[post] = (state, step)
                what = crossing_in(interp, post)
                if what:
                    trace = interp.replay(_path(parents, post))
                    when = f"after {plural(depth, 'event')} {what}"
                    return CrossingResult(depth + 1, depth, trace, when, states=len(parents))
                nxt.append(post)
        if progress:
            progress(f"vacuity: no crossing state within {depth} events ({len(parents)} states)")
        if not nxt:
            return CrossingResult(None, depth, exhausted=True, states=len(parents))
        frontier = nxt
    return CrossingResult(
        None, limit, reason=f"search limit of {limit} events", states=len(parents)
    )


def _path(parents: dict, state: GState) -> tuple[Step, ...]:
    steps: list[Step] = []
    link = parents[state]
    while link is not None:
        state, step = link
        steps.append(step)
        link = parents[state]
    return tuple(reversed(steps))


def attach_crossing(
    model: Model,
    opts: CheckOptions,
    result: CheckResult,
    *,
    timeout: float | None = None,
    max_states: int = DEFAULT_STATES,
    interp: Interpreter | None = None,
    progress: Callable[[str], None] | None = None,
) -> CheckResult:
    """``result`` with its first crossing bound (:attr:`CheckResult.crossing`) set, searched
    to ``result.bound - 1 + DEFAULT_LOOKAHEAD`` events within ``timeout`` seconds and
    ``max_states`` states.  The verdict and exit code are unchanged; renderers mark a
    bounded "closed" with ``result.bound < B`` as vacuous.  Not computed for "closed (all
    bounds)", which is never vacuous (a proof for every bound)."""
    if result.crossing is None and result.verdict is not Verdict.CLOSED_ALL:
        budget = Budget(timeout=timeout, max_nodes=max_states, label="crossing search")
        result.crossing = first_crossing_bound(
            model,
            opts,
            budget,
            limit=max(result.bound, 1) - 1 + DEFAULT_LOOKAHEAD,
            interp=interp,
            progress=progress,
        )
    return result


def vacuous(result: CheckResult) -> bool | None:
    """:attr:`CheckResult.vacuous`: whether ``result`` is a vacuous bounded verdict."""
    return result.vacuous
