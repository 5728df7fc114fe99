"""Verdicts, options and results of a check (docs/semantics.md §8)."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dsl.errors import UsageError
from dsl.ir import Expr, Model
from verifier.core.budget import validate_timeout
from verifier.core.crossing import CrossingResult
from verifier.core.runtime import Message, Step, Trace

if TYPE_CHECKING:  # the context a result carries; core never imports semantics at run time
    from verifier.semantics.interp import Interpreter

SOLVERS = ("z3", "cvc5")


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
    AUTO = "auto"  # dispatch.choose_engine picks one of the two


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
    # Observe expressions per role replacing the declared ones (``--observe``).
    observe: dict[str, tuple[Expr, ...]] | None = None
    # Stop the explicit engine after this many search nodes (verdict unknown).
    max_nodes: int = 5_000_000
    one_step: bool = True  # try the unbounded one-step proof first
    # When the one-step proofs fail, search for invariants that make one go through
    # (Houdini over candidate templates; verifier.engines.unbounded, step 4).
    strengthen: bool = True
    symmetry: bool = True  # explicit engine: canonicalise nodes under symmetric roles

    def __post_init__(self) -> None:
        # NOTE(options): the one place where a check's limits are validated; the CLI maps
        # the UsageError to exit 2, the library raises it to its caller.
        if self.bound < 1:
            raise UsageError(f"--bound must be at least 1, got {self.bound}")
        validate_timeout(self.timeout)
        if self.solver not in SOLVERS:
            raise UsageError(f"unknown solver {self.solver!r}; choose one of {', '.join(SOLVERS)}")
        if self.max_nodes < 1:
            raise UsageError(f"the node budget must be at least 1, got {self.max_nodes}")
        # Both engines rest on the reordering lemma, whose witness has as many events as
        # the trace: the SMT engine only examines suspicious traces, and "closed (all
        # bounds)" is claimed from the local conditions alone.  With K' < K a trace
        # meeting the conditions can lack a witness of at most K' events, so a smaller
        # witness bound would make "closed" wrong (tests/test_review.py).
        if self.witness_bound is not None and self.witness_bound < self.bound:
            raise UsageError(
                "--witness-bound must be at least --bound (the reordering lemma "
                "needs room for a witness as long as the trace)"
            )

    @property
    def kprime(self) -> int:
        return self.witness_bound if self.witness_bound is not None else self.bound


@dataclass(frozen=True)
class Violation:
    """An event of a trace breaking a local condition (docs/semantics.md §6)."""

    step: int  # index in the trace
    condition: str  # "monotone" | "send" | "receive"
    text: str  # one readable sentence


@dataclass
class Stats:
    seconds: float = 0.0
    solver_calls: int = 0
    refuted: int = 0  # suspicious traces shown to have a grouped equivalent
    nodes: int = 0  # explicit search nodes
    symmetry: str = ""  # explicit engine: "Server × 3" when nodes were canonicalised
    witness_searches: int = 0  # explicit engine: targeted witness searches run
    auto: bool = False  # the engine was chosen by ``--engine auto``
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
    # Why the unbounded proof failed (a verdict other than "closed (all bounds)"), or
    # why the model's invariants are not inductive.
    cti: InductionCex | None = None
    notes: tuple[str, ...] = ()  # what the unbounded attempts found (e.g. invariants)
    # The first crossing bound B (docs/semantics.md, "Vacuity"), when computed: "closed up
    # to bound" with bound < B is vacuous (verifier.engines.vacuity).
    crossing: CrossingResult | None = None
    # NOTE(result-context): the interpreter the check compiled (the model with the rounds
    # in use), built once per check; renderers read the model, rounds and values from it.
    # Not pickled across worker processes (compiled closures): workers return None here.
    interp: Interpreter | None = field(default=None, repr=False, compare=False)

    @property
    def context(self) -> Interpreter:
        """The interpreter of the check (raises when the result crossed a process)."""
        if self.interp is None:
            raise ValueError("this result carries no interpreter (it came from a worker)")
        return self.interp

    @property
    def model(self) -> Model:
        return self.context.model

    def describe(self) -> str:
        """The verdict in words: ``closed up to bound 4``, ``not closed``, …; a vacuous
        bounded verdict says so: ``closed up to bound 9 — vacuous: no message can cross
        rounds before bound 11`` (docs/semantics.md, "Vacuity")."""
        text = describe_verdict(self.verdict, self.bound)
        if self.vacuous and self.crossing is not None:
            lower = self.crossing.lower
            where = f" before bound {lower}" if lower is not None else " in any trace"
            if self.verdict is Verdict.UNKNOWN:
                # The partial result, not the verdict, is what can be vacuous.
                text += (
                    f" — its partial result (no counterexample within {self.depth} events) "
                    f"is vacuous: no message can cross rounds{where}"
                )
            else:
                text += f" — vacuous: no message can cross rounds{where}"
        return text

    @property
    def vacuous(self) -> bool | None:
        """Whether the verdict is vacuous: a bounded "closed" (or an "unknown" judged at the
        depth it reached) below the first crossing bound B.  ``not closed`` and ``closed (all
        bounds)`` never are; None when B was not computed or its search stopped too early."""
        if self.verdict in (Verdict.NOT_CLOSED, Verdict.CLOSED_ALL):
            return False
        if self.crossing is None:
            return None
        k = self.bound if self.verdict is Verdict.CLOSED_BOUNDED else self.depth
        return self.crossing.vacuous_at(k)

    def detached(self) -> CheckResult:
        """The result without its interpreter, for sending to another process."""
        return dataclasses.replace(self, interp=None)


def describe_verdict(
    kind: enum.Enum, bound: int, *, events: int | None = None, compact: bool = False
) -> str:
    """The one wording of a verdict (also of synthesis statuses, which share the verdicts'
    values): ``closed (all bounds)``, ``closed up to bound K`` (``closed up to K`` when
    ``compact``), ``not closed`` (with ``events``: ``not closed (N events)``), ``unknown``."""
    value = kind.value
    if value == Verdict.CLOSED_BOUNDED.value:
        return f"closed up to {'' if compact else 'bound '}{bound}"
    if value == Verdict.NOT_CLOSED.value and events is not None:
        return f"not closed ({events} events)"
    return str(value)
