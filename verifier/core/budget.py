"""The one budget of a run: a deadline and a node count (NOTE(budget)).

Every engine, the synthesis pipeline and the encoders take a :class:`Budget`; loops that
can grow with the bound, the witness bound or the instance size call :meth:`Budget.spend`
or :meth:`Budget.check`.  An exhausted budget is an outcome, not an error: the caller turns
:class:`BudgetExhausted` (or a False from :meth:`Budget.spend`) into the verdict *unknown*
with :attr:`Budget.reason` saying where it stopped.
"""

from __future__ import annotations

import math
import time

from dsl.errors import UsageError


class BudgetExhausted(Exception):
    """The deadline passed or the node count ran out; ``reason`` says which and where."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def validate_timeout(seconds: float | None, flag: str = "--timeout") -> float | None:
    """``seconds`` if it is a usable time limit (finite, positive, at most ten years)."""
    if seconds is None:
        return None
    if not math.isfinite(seconds) or seconds > 3.2e8:
        raise UsageError(f"{flag} must be a finite number of seconds, got {seconds!r}")
    if seconds <= 0:
        raise UsageError(f"{flag} must be positive")
    return float(seconds)


class Budget:
    """A deadline (``timeout`` seconds from ``start``, default now) and a node budget."""

    CHECK_EVERY = 256  # clock reads are amortised over this many spent nodes

    def __init__(
        self,
        timeout: float | None = None,
        max_nodes: int | None = None,
        start: float | None = None,
        label: str = "search",
    ):
        self.start = time.monotonic() if start is None else start
        self.timeout = validate_timeout(timeout)
        self.deadline = None if self.timeout is None else self.start + self.timeout
        self.max_nodes = max_nodes
        self.nodes = 0
        self.label = label  # what the nodes are, for the reason: "explicit search"
        self.reason = ""

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float | None:
        """Seconds left (never negative), or None without a deadline."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def spend(self, n: int = 1) -> bool:
        """Count ``n`` nodes; False when the search must stop (``reason`` says why)."""
        before = self.nodes
        self.nodes += n
        if self.max_nodes is not None and self.nodes > self.max_nodes:
            self.reason = f"{self.label} exceeded {self.max_nodes} nodes"
            return False
        if self.nodes // self.CHECK_EVERY != before // self.CHECK_EVERY and self.expired():
            self.reason = "time limit reached"
            return False
        return True

    def check(self, where: str = "") -> None:
        """Raise :class:`BudgetExhausted` if the deadline has passed."""
        if self.expired():
            self.reason = "time limit reached" + (f" {where}" if where else "")
            raise BudgetExhausted(self.reason)

    def charge(self, n: int = 1, where: str = "") -> None:
        """:meth:`spend` that raises :class:`BudgetExhausted` instead of returning False."""
        if not self.spend(n):
            raise BudgetExhausted(self.reason + (f" {where}" if where else ""))
