"""The first crossing bound B of a check (docs/semantics.md, "Vacuity").

A global state is *crossing* when some in-flight message ``m`` to a process ``p`` has
``tag(m) != round(p)`` (the round of ``p``'s current local state, under the round in use:
declared, or a synthesized attribute with ghost tags).  ``B`` is one more than the length
of the shortest trace reaching a crossing state: the first bound at which an event can
deliver, or drop, a message across rounds.  "Closed up to K" with ``K < B`` is *vacuous*:
every trace of at most K events receives only messages of the receiver's current round.

This module only holds the result type (so that :class:`verifier.core.result.CheckResult`
can carry it); :mod:`verifier.engines.vacuity` computes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier.core.runtime import Trace


@dataclass(frozen=True)
class CrossingResult:
    """What the breadth-first search for a crossing state found.

    ``bound`` is B when a crossing state was reached (``trace`` is then a shortest trace
    reaching one, replayed by the interpreter, and ``crossing`` says which message crosses
    to whom); otherwise ``bound`` is None and every trace of at most ``searched`` events
    was examined without reaching one, so ``B >= searched + 2`` — or, with ``exhausted``,
    no reachable state at all is crossing (B is infinite)."""

    bound: int | None
    searched: int  # every trace of at most this many events examined
    trace: Trace | None = None
    crossing: str = ""  # one sentence: the message crossing, its tag, the receiver's round
    exhausted: bool = False  # the whole reachable state space was explored
    reason: str = ""  # why the search stopped short (limit, node budget, time)
    states: int = 0  # distinct global states explored

    @property
    def reached(self) -> bool:
        return self.bound is not None

    @property
    def lower(self) -> int | None:
        """B when reached, else its lower bound ``searched + 2`` (None: infinite)."""
        if self.bound is not None:
            return self.bound
        return None if self.exhausted else self.searched + 2

    def vacuous_at(self, k: int) -> bool | None:
        """Whether "closed up to k" is vacuous (``k < B``); None when the search stopped
        before it could tell (``searched < k - 1`` and no crossing state found)."""
        if self.bound is not None:
            return k < self.bound
        if self.exhausted or self.searched >= k - 1:
            return True
        return None

    def describe(self) -> str:
        """``B = 11``, ``B >= 8 (not reached within 6 events: ...)`` or ``B infinite``."""
        if self.bound is not None:
            return f"B = {self.bound}"
        if self.exhausted:
            return "B infinite (no reachable state is crossing)"
        why = f": {self.reason}" if self.reason else ""
        return f"B >= {self.searched + 2} (not reached within {self.searched} events{why})"
