"""Verdicts, options and results of a check (DESIGN.md §2 "Verdicts", §5 exit codes)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from dsl.errors import UsageError
from dsl.ir import Expr
from verifier.core.crossing import CrossingResult
from verifier.core.runtime import Trace


class Verdict(enum.Enum):
    CLOSED_ALL = "closed (all bounds)"
    CLOSED_BOUNDED = "closed up to bound"
    NOT_CLOSED = "not closed"
    UNKNOWN = "unknown"

    @property
    def exit_code(self) -> int:
        return {
            Verdict.CLOSED_ALL: 0,
            Verdict.CLOSED_BOUNDED: 0,
            Verdict.NOT_CLOSED: 10,
            Verdict.UNKNOWN: 5,
        }[self]

    @property
    def closed(self) -> bool:
        return self in (Verdict.CLOSED_ALL, Verdict.CLOSED_BOUNDED)


class Engine(enum.Enum):
    SMT = "smt"
    EXPLICIT = "explicit"


@dataclass(frozen=True)
class CheckOptions:
    """Everything a check needs besides the model; built by the CLI, passed down."""

    bound: int
    witness_bound: int | None = None  # K'; None means K
    engine: Engine = Engine.SMT
    solver: str = "z3"
    timeout: float | None = None  # seconds, whole check
    smt2_dir: str | None = None
    # Round expressions per role replacing the declared ones (round-attribute synthesis).
    rounds: dict[str, tuple[Expr, ...]] | None = None
    # Stop the explicit engine after this many search nodes (verdict unknown).
    max_nodes: int = 5_000_000
    one_step: bool = True  # try the unbounded one-step proof first

    def __post_init__(self) -> None:
        # Both engines rest on the reordering lemma, whose witness has as many events as
        # the trace: the SMT engine only examines suspicious traces, and "closed (all
        # bounds)" is claimed from the local conditions alone.  With K' < K a trace
        # meeting the conditions can lack a witness of at most K' events, so a smaller
        # witness bound would make "closed" wrong (tests/test_review.py).
        if self.witness_bound is not None and self.witness_bound < self.bound:
            raise UsageError(
                f"the witness bound ({self.witness_bound}) must be at least "
                f"the bound ({self.bound}): the reordering lemma needs room "
                f"for a witness as long as the trace"
            )

    @property
    def kprime(self) -> int:
        return self.witness_bound if self.witness_bound is not None else self.bound


@dataclass(frozen=True)
class Violation:
    """An event of a trace breaking a local condition (DESIGN.md §2)."""

    step: int  # index in the trace
    condition: str  # "monotone" | "send" | "receive"
    text: str  # one readable sentence


@dataclass
class Stats:
    seconds: float = 0.0
    solver_calls: int = 0
    refuted: int = 0  # suspicious traces shown to have a grouped equivalent
    nodes: int = 0  # explicit search nodes
    per_bound: list[dict] = field(default_factory=list)


@dataclass
class CheckResult:
    verdict: Verdict
    bound: int
    witness_bound: int
    engine: Engine
    solver: str | None
    trace: Trace | None = None  # the counterexample (not closed)
    violations: tuple[Violation, ...] = ()
    reason: str = ""  # why unknown; how closed was proven
    stats: Stats = field(default_factory=Stats)
    # For "closed (all bounds)" found by the one-step check: nothing more; for a bounded
    # "closed", the depth reached; for "unknown", where the check stopped.
    depth: int = 0
    # The first crossing bound B (docs/semantics.md, "Vacuity"), when computed: "closed up
    # to bound" with bound < B is vacuous (verifier.engines.vacuity).
    crossing: CrossingResult | None = None
