"""Verdicts, options and results of a check (DESIGN.md §2 "Verdicts", §5 exit codes)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from dsl.errors import UsageError
from dsl.ir import Expr
from verifier.core.runtime import Message, Step, Trace


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
    # When the one-step proofs fail, search for invariants that make one go through
    # (Houdini over candidate templates; verifier.engines.unbounded, step 4).
    strengthen: bool = True

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


@dataclass(frozen=True)
class Proof:
    """How a ``closed (all bounds)`` verdict was proven (docs/algorithm.md, "Unbounded
    proofs"): ``method`` is one of :data:`PROOF_METHODS`; ``inferred`` the texts of the
    inferred message rounds the proof used, ``invariants`` those of the invariants (all
    checked inductive), ``k`` the depth of a k-induction proof."""

    method: str
    inferred: tuple[str, ...] = ()
    invariants: tuple[str, ...] = ()
    k: int | None = None

    @property
    def text(self) -> str:
        out = self.method + (f" (k = {self.k})" if self.k is not None else "")
        if self.invariants:
            out += "; invariants: " + "; ".join(self.invariants)
        if self.inferred:
            out += "; inferred message rounds: " + "; ".join(self.inferred)
        return out


PROOF_METHODS = (
    "one-step",
    "one-step with inferred message rounds",
    "one-step with invariants",
    "one-step with inferred invariants",
    "exhaustive exploration",
)


@dataclass(frozen=True)
class InductionCex:
    """A counterexample to induction: an event from a state satisfying the induction
    hypothesis (``assumed``: invariants and inferred message rounds) that breaks it or a
    local condition (``broken``).  ``step`` is None when an invariant fails in the
    initial state.  ``receiver`` is the receiving process and its (arbitrary) state when
    a sent message breaks a message invariant; ``other`` the in-flight message whose
    invariant the event breaks."""

    what: str
    step: Step | None
    broken: tuple[str, ...]
    assumed: tuple[str, ...] = ()
    receiver: tuple[str, tuple] | None = None
    other: Message | None = None


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
    proof: Proof | None = None  # how "closed (all bounds)" was proven
    # Why the unbounded proof failed (a verdict other than "closed (all bounds)").
    cti: InductionCex | None = None
    notes: tuple[str, ...] = ()  # what the unbounded attempts found (e.g. invariants)
