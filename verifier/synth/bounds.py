"""Adequate bounds for synthesis and the survey (docs/semantics.md, "Vacuity").

A bounded verdict on a round candidate answers nothing below its first crossing bound B
(:mod:`verifier.engines.vacuity`): "closed up to K" with K < B holds for every monotone
attribute.  So each candidate is checked at its own bound

    K(candidate) = max(--bound, min(B + MARGIN, --max-bound))

and a candidate whose B exceeds ``--max-bound`` (or could not be determined within the
search budget) is reported as **not reached**, with the lower bound on B, and never as
closed.

Why ``MARGIN = 2``.  At bound B the trace can contain the one event that delivers (or
drops) a message across rounds; that is the least non-vacuous bound, and enough when
the crossing delivery itself is what no grouped trace reproduces.  The common way an old
message breaks closure, though, is that its receiver *answers* it (Raft's stale
RequestVote and AppendEntries, examples/ping_echo.cc): the answer is sent by the
crossing delivery and becomes visible only when it is received, one event later (B + 1);
and the answer's receiver may need one more event of its own for the projections to
differ from every grouped trace (ping_echo counts a second ack: its counterexample has
the late receive, the answer's receipt and one more receipt).  Two more events cover a
crossing delivery, the receipt of what it sent, and one reaction to that; each further
event multiplies the cost of a check by the branching of the protocol, so we stop there
and let ``--max-bound`` cap it.  Both engines look for the shortest counterexample first
(level by level), so a deeper bound only costs more when the candidate is closed.
"""

from __future__ import annotations

import dataclasses

from dsl.errors import UsageError
from verifier.core.budget import Budget
from verifier.core.crossing import CrossingResult
from verifier.core.result import CheckOptions

MARGIN = 2  # events past B (see the module docstring)
DEFAULT_MAX_BOUND = 12  # Raft with round commitIndex: B = 11, its counterexample 11 events
CROSSING_STATES = 300_000  # state budget of one candidate's B search


def max_bound_of(bound: int, max_bound: int | None) -> int:
    """The effective ``--max-bound``: the given one (at least ``--bound``), or
    :data:`DEFAULT_MAX_BOUND` raised to ``--bound``."""
    if max_bound is None:
        return max(bound, DEFAULT_MAX_BOUND)
    if max_bound < bound:
        raise UsageError(f"--max-bound ({max_bound}) must be at least --bound ({bound})")
    return max_bound


def candidate_bound(crossing: CrossingResult, bound: int, max_bound: int) -> int | None:
    """The bound a candidate is checked at, or None when B is out of reach (not found
    within ``max_bound - 1`` events, or the search stopped earlier)."""
    if crossing.bound is None or crossing.bound > max_bound:
        return None
    return max(bound, min(crossing.bound + MARGIN, max_bound))


def crossing_for(
    model, copts: CheckOptions, max_bound: int, budget: Budget | None = None
) -> CrossingResult:
    """B for the candidate of ``copts.rounds``, searched up to ``max_bound - 1`` events
    (enough to tell whether B <= max_bound)."""
    from verifier.engines.vacuity import first_crossing_bound

    if budget is None:
        budget = Budget(timeout=copts.timeout, max_nodes=CROSSING_STATES, label="crossing search")
    return first_crossing_bound(model, copts, budget, limit=max(max_bound - 1, 1))


def deepened(copts: CheckOptions, bound: int, timeout: float | None) -> CheckOptions:
    """``copts`` at ``bound`` (the witness bound kept at least the bound) with ``timeout``."""
    kp = copts.witness_bound
    return dataclasses.replace(
        copts,
        bound=bound,
        witness_bound=None if kp is None else max(kp, bound),
        timeout=timeout,
    )
