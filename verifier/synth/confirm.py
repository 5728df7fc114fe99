"""Explicit confirmation of a counterexample (docs/semantics.md §8: a verdict is evidence).

:func:`confirm_counterexample` re-establishes, with the interpreter alone, both halves of
"``t`` is a counterexample up to witness bound K'":

1. ``t`` is a trace: the interpreter replays it from the initial state;
2. no round-grouped trace of at most K' events has ``t``'s projections: a breadth-first
   search over round-grouped traces (each event given the least feasible κ, as in
   :mod:`verifier.engines.explicit`) that keeps only nodes whose projections are prefixes of the
   target's — projections only grow along a trace, so a node with a non-prefix projection
   has no extension reaching the target — and that have enough events left to complete
   every projection (each change of a projection takes at least one event).

The pruned search is exhaustive over the remaining nodes, so "no node reaches the target"
is a proof; when the node budget runs out the answer is "not confirmed".
"""

from __future__ import annotations

from dataclasses import dataclass

from dsl import ir
from verifier.core.budget import Budget
from verifier.core.runtime import Trace
from verifier.engines.explicit import grouped_nodes
from verifier.semantics.conditions import (
    initial_projections,
    projections,
)
from verifier.semantics.interp import Interpreter, ReplayError


@dataclass(frozen=True)
class Confirmation:
    """The explicit engine's view of a counterexample: ``confirmed`` is True (replayed, and
    no grouped trace of at most ``kprime`` events has its projections), False (a grouped
    trace has them: the engines disagree) or None (budget exhausted)."""

    confirmed: bool | None
    text: str
    nodes: int = 0


def confirm_counterexample(
    model: ir.Model, rounds: dict | None, trace: Trace, kprime: int, max_nodes: int = 1_000_000
) -> Confirmation:
    """Confirm ``trace`` as a counterexample with the explicit engine (module docstring)."""
    interp = Interpreter(model, rounds)
    try:
        trace = interp.replay(trace.steps)
    except ReplayError as err:
        return Confirmation(False, f"the interpreter cannot replay the trace: {err}")
    target = projections(interp, trace)

    def viable(projs, used: int) -> bool:
        missing = 0
        for have, want in zip(projs, target):
            if len(have) > len(want) or want[: len(have)] != have:
                return False
            missing += len(want) - len(have)
        return missing <= kprime - used

    start = (interp.initial(), None, initial_projections(interp))
    if not viable(start[2], 0):
        return Confirmation(
            True,
            "replayed; its initial observations differ from every "
            "trace's (impossible for a replayed trace)",
        )
    if start[2] == target:
        return Confirmation(False, "the empty trace has its projections")
    budget = Budget(max_nodes=max_nodes, label="the explicit grouped search")
    for (_, _, projs), used in grouped_nodes(interp, kprime, viable):
        exhausted = not budget.spend()
        if projs == target:
            return Confirmation(
                False,
                f"a round-grouped trace of {used} events has its projections (explicit)",
                budget.nodes,
            )
        if exhausted:
            return Confirmation(None, f"not confirmed: {budget.reason}", budget.nodes)
    return Confirmation(
        True,
        f"confirmed by the explicit engine: replayed, and no "
        f"round-grouped trace of at most {kprime} events has its "
        f"projections ({budget.nodes} nodes)",
        budget.nodes,
    )
