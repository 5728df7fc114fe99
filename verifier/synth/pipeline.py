"""Round-attribute synthesis (docs/semantics.md §9): which attributes of the local state work as
rounds, up to a bound.

Pipeline for one model (``synthesize``):

1. **Attributes per role** (:mod:`verifier.synth.attrs`): the declared round, the listed
   candidates, integer/enum/boolean variables, ``len`` of sequences, ``size`` of sets;
   their facts (monotone? changes? granularity) from one shared exploration; then the
   lexicographic pairs ``(a, b)`` (:func:`verifier.synth.attrs.pair_attributes`: pairs of
   listed attributes, and pairs of a monotone attribute with another, both changing
   within the bound), and their facts.
2. **Round candidates.**  A candidate gives every role a round of one common arity (the
   grouped-trace rules compare rounds across roles).  With one role, every attribute is a
   candidate.  With several roles, the candidates of arity ``n`` are the product over
   roles of {monotone attributes of arity ``n`` that change within the bound} ∪ {the
   constant round (0, …, 0)}, without the all-constant one (a role may keep a constant
   round only if another role's attribute is non-trivial).  The product is ranked — fewer
   constant roles first, then candidates whose roles use the same attribute text (``bal``
   for proposers and acceptors), then larger total granularity, then listed/declared
   parts, then text — and only the first ``max_combos`` per arity are kept (the rest are
   counted in the report's notes).  The declared rounds of all roles always form one
   candidate.  A role attribute that is not monotone, or never changes, is reported once
   on its own row (other roles ``*``), since every combination containing a
   non-monotone part is non-monotone.
3. **Facts of a candidate.**  Monotone when every part is (the weakest proof wins);
   granularity the largest of its parts'; *trivial* (granularity 1: one round per process
   in every trace within the bound) candidates are rejected, since with a constant round
   every protocol is closed.
4. **Closure** of each monotone non-trivial candidate, with the real check
   (:func:`verifier.engines.dispatch.run_check`, ``CheckOptions(rounds=…)``): message tags are ghost
   values, the sender's attribute after the event.  For a candidate other than the
   declared rounds the model's declared *message* rounds are dropped (they claim the
   declared round, not this attribute); the declared candidate is checked as
   ``ccverify check`` does.  Checks run in parallel (``jobs`` processes, each with its
   own pysmt environment); every ``not closed`` counterexample is then confirmed by the
   explicit engine (:mod:`verifier.synth.confirm`).  Checks are made in priority order
   (declared round, candidates about the ``focus`` attribute, candidates the model lists,
   then rank), at most ``max_checks`` of them; in a one-role model a pair whose other
   component never changes within the bound shares the verdict of the remaining
   attribute instead of being checked (NOTE(same-within-bound)).

Rows are ranked by verdict (closed for all bounds, closed up to the bound, not closed,
unknown, not checked, trivial, not monotone), then granularity (larger first).
"""

from __future__ import annotations

import dataclasses
import enum
import itertools
import multiprocessing
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from dsl import ir
from dsl.errors import UsageError
from verifier.core.budget import BudgetExhausted
from verifier.core.result import CheckOptions, CheckResult, Engine, Verdict
from verifier.synth.attrs import (
    DECLARED,
    LISTED,
    AttrFacts,
    Attribute,
    Drop,
    Mono,
    OneStepMonotone,
    SmtAttrAnalyzer,
    constant_attribute,
    explicit_attr_facts,
    pair_attributes,
    role_attributes,
)
from verifier.synth.confirm import Confirmation, confirm_counterexample


@dataclass(frozen=True)
class SynthOptions:
    """Synthesis options: the options of every closure check (``check``; its ``timeout`` is
    per closure check, its ``rounds`` ignored: each candidate brings its own) composed with
    what only synthesis has.  Validated here and in :class:`CheckOptions` (NOTE(options))."""

    check: CheckOptions
    # The engine of the bounded attribute facts: the explicit layered search (exact, one
    # exploration for all attributes; SMT when it exceeds its budget) or SMT.
    attr_engine: Engine = Engine.EXPLICIT
    jobs: int = 1
    max_combos: int = 12  # multi-role candidates kept per arity (after ranking)
    max_checks: int | None = None  # closure checks per model (by priority), None: all
    # Candidates about this attribute are checked first (see RoundCandidate.about).
    focus: str | None = None
    confirm_nodes: int = 1_000_000  # node budget of each explicit confirmation

    def __post_init__(self) -> None:
        if self.jobs < 1 or self.max_combos < 1 or (self.max_checks or 1) < 1:
            raise UsageError("--jobs, --max-combos and --max-checks must be at least 1")

    @classmethod
    def of(cls, **kw: Any) -> SynthOptions:
        """``SynthOptions.of(bound=4, jobs=2)``: keyword arguments naming CheckOptions fields
        go to ``check``, the others to the synthesis options."""
        names = {f.name for f in dataclasses.fields(CheckOptions)}
        check = CheckOptions(**{k: v for k, v in kw.items() if k in names})
        return cls(check, **{k: v for k, v in kw.items() if k not in names})

    @property
    def bound(self) -> int:
        return self.check.bound

    @property
    def witness_bound(self) -> int | None:
        return self.check.witness_bound

    @property
    def kprime(self) -> int:
        return self.check.kprime

    @property
    def engine(self) -> Engine:
        return self.check.engine

    @property
    def solver(self) -> str:
        return self.check.solver

    @property
    def timeout(self) -> float | None:
        return self.check.timeout


@dataclass(frozen=True)
class RoundCandidate:
    """A round for every role (model order); ``None`` stands for "any" on rows that report
    a single role's attribute."""

    roles: tuple[str, ...]
    parts: tuple[Attribute | None, ...]

    @property
    def text(self) -> str:
        if len(self.roles) == 1:
            return self.parts[0].text if self.parts[0] else "*"
        return "; ".join(f"{r}: {a.text if a else '*'}" for r, a in zip(self.roles, self.parts))

    @property
    def declared(self) -> bool:
        return all(a is not None and a.declared for a in self.parts)

    @property
    def sources(self) -> tuple[str, ...]:
        out: set[str] = set()
        for a in self.parts:
            if a is not None:
                out |= a.sources
        order = [DECLARED, LISTED, "auto", "pair", "constant"]
        return tuple(s for s in order if s in out)

    def rounds(self) -> dict[str, tuple[ir.Expr, ...]]:
        return {r: a.exprs for r, a in zip(self.roles, self.parts) if a is not None}

    def mentions(self, word: str) -> bool:
        """Whether some part's text contains ``word`` (case-insensitive)."""
        return any(a is not None and word.lower() in a.text.lower() for a in self.parts)

    def about(self, attribute: str | None) -> bool:
        """Whether the candidate is about ``attribute`` (some part's text is exactly it), or
        with None about the commit index (some one-component part mentions ``commit``)."""
        if attribute is None:
            return any(
                a is not None and a.arity == 1 and "commit" in a.text.lower() for a in self.parts
            )
        return any(a is not None and a.text == attribute for a in self.parts)


class Status(enum.Enum):
    CLOSED_ALL = "closed (all bounds)"
    CLOSED_BOUNDED = "closed up to bound"
    NOT_CLOSED = "not closed"
    UNKNOWN = "unknown"
    SKIPPED = "not checked"
    TRIVIAL = "trivial"
    NOT_MONOTONE = "not monotone"

    @property
    def closed(self) -> bool:
        return self in (Status.CLOSED_ALL, Status.CLOSED_BOUNDED)


_STATUS_OF = {
    Verdict.CLOSED_ALL: Status.CLOSED_ALL,
    Verdict.CLOSED_BOUNDED: Status.CLOSED_BOUNDED,
    Verdict.NOT_CLOSED: Status.NOT_CLOSED,
    Verdict.UNKNOWN: Status.UNKNOWN,
}
_RANK = {s: i for i, s in enumerate(Status)}


@dataclass
class SynthRow:
    candidate: RoundCandidate
    monotone: Mono
    monotone_how: str
    drop: Drop | None
    drop_attr: Attribute | None
    granularity: int | None
    status: Status
    result: CheckResult | None = None
    confirmation: Confirmation | None = None
    note: str = ""
    # Within the bound, the same rounds as this row's (NOTE(same-within-bound)).
    same_as: SynthRow | None = None

    @property
    def nontrivial_monotone(self) -> bool:
        return self.monotone in (Mono.ALL_STATES, Mono.BOUNDED) and (self.granularity or 0) >= 2

    @property
    def cex_length(self) -> int | None:
        if self.result is not None and self.result.trace is not None:
            return len(self.result.trace)
        return self.same_as.cex_length if self.same_as is not None else None


@dataclass
class SynthReport:
    model: ir.Model
    options: SynthOptions
    rows: list[SynthRow]
    attributes: dict[Attribute, AttrFacts]
    seconds: float = 0.0
    attr_seconds: float = 0.0
    checks: int = 0
    notes: list[str] = field(default_factory=list)

    def declared_row(self) -> SynthRow | None:
        return next((r for r in self.rows if r.candidate.declared), None)


# ------------------------------------------------------------------ attributes


def analyse_attributes(
    model: ir.Model, opts: SynthOptions, progress: Callable[[str], None] | None = None
) -> dict[Attribute, AttrFacts]:
    """Facts of every role attribute and of the useful pairs (module docstring, step 1)."""
    one = OneStepMonotone(model, opts.solver)
    smt: SmtAttrAnalyzer | None = None
    try:

        def facts_of(attrs: list[Attribute]) -> dict[Attribute, AttrFacts]:
            nonlocal smt
            if opts.attr_engine is Engine.EXPLICIT:
                try:
                    return explicit_attr_facts(model, attrs, opts.bound, one)
                except BudgetExhausted as err:
                    if progress:
                        progress(f"explicit attribute search stopped ({err}); using SMT")
            if smt is None:
                smt = SmtAttrAnalyzer(model, opts.bound, opts.solver)
            return {a: smt.facts(a, one) for a in attrs}

        base = [a for r in model.roles for a in role_attributes(r)]
        facts = facts_of(base)
        pairs = []
        for r in model.roles:
            mine = [a for a in base if a.role == r.name]
            pairs += pair_attributes([a for a in mine if a.arity == 1], facts, mine)
        facts.update(facts_of(pairs))
        return facts
    finally:
        one.close()
        if smt is not None:
            smt.close()


# ------------------------------------------------------------------ candidates


def _combined(cand: RoundCandidate, facts: dict[Attribute, AttrFacts]) -> tuple:
    """(monotone, how, drop, drop attribute, granularity) of a candidate from its parts."""
    parts = [a for a in cand.parts if a is not None]
    for a in parts:
        f = facts.get(a)
        if f is not None and f.monotone is Mono.DROPS:
            return Mono.DROPS, f.how, f.drop, a, None
    monos = [facts[a].monotone if a in facts else Mono.ALL_STATES for a in parts]
    mono = Mono.ALL_STATES if all(m is Mono.ALL_STATES for m in monos) else Mono.BOUNDED
    hows = {facts[a].how for a in parts if a in facts and facts[a].monotone is mono}
    gran = max((facts[a].granularity or 1) if a in facts else 1 for a in parts)
    return mono, "; ".join(sorted(hows)) or "constant", None, None, gran


def _combo_key(combo: tuple[Attribute, ...], facts: dict[Attribute, AttrFacts]) -> tuple:
    live = [a for a in combo if "constant" not in a.sources]
    texts = {a.text for a in live}
    return (
        len(combo) - len(live),
        len(texts),
        -sum(facts[a].granularity or 1 for a in live),
        -sum(1 for a in live if a.sources & {DECLARED, LISTED}),
        tuple(a.text for a in combo),
    )


def round_candidates(
    model: ir.Model, facts: dict[Attribute, AttrFacts], max_combos: int
) -> tuple[list[RoundCandidate], list[str]]:
    """The candidates to report (module docstring, step 2) and notes on what was capped."""
    roles = tuple(r.name for r in model.roles)
    by_role = {r: [a for a in facts if a.role == r] for r in roles}
    if len(roles) == 1:
        return [RoundCandidate(roles, (a,)) for a in by_role[roles[0]]], []
    out: list[RoundCandidate] = []
    notes: list[str] = []
    declared = RoundCandidate(
        roles, tuple(next(a for a in by_role[r] if a.declared) for r in roles)
    )
    out.append(declared)
    for r in roles:  # attributes that cannot be part of a useful candidate: one row each
        for a in by_role[r]:
            f = facts[a]
            if not f.monotone_ok or not f.changes:
                out.append(RoundCandidate(roles, tuple(a if x == r else None for x in roles)))
    arities = sorted({a.arity for a in facts})
    for n in arities:
        options = []
        for r in roles:
            good = [
                a for a in by_role[r] if a.arity == n and facts[a].monotone_ok and facts[a].changes
            ]
            options.append(good + [constant_attribute(r, n)])
        combos = [
            c for c in itertools.product(*options) if any("constant" not in a.sources for a in c)
        ]
        combos.sort(key=lambda c: _combo_key(c, facts))
        seen = {declared.parts}
        kept = []
        for c in combos:
            if c in seen:
                continue
            seen.add(c)
            kept.append(c)
        if len(kept) > max_combos:
            notes.append(
                f"arity {n}: {len(kept)} role combinations, the first {max_combos} "
                f"by rank checked (raise --max-combos for more)"
            )
            kept = kept[:max_combos]
        out += [RoundCandidate(roles, c) for c in kept]
    return out, notes


# ------------------------------------------------------------------ closure checks


def strip_message_rounds(model: ir.Model) -> ir.Model:
    """The model without declared message rounds: tags are the ghost attribute values."""
    return dataclasses.replace(
        model, messages=tuple(dataclasses.replace(m, round=None) for m in model.messages)
    )


def check_candidate(
    model: ir.Model, rounds: dict | None, copts: CheckOptions, confirm_nodes: int
) -> tuple[CheckResult, Confirmation | None]:
    """Closure of ``model`` with ``rounds``, and the explicit confirmation of a
    counterexample.  The result is detached (it may cross a process boundary)."""
    from verifier.engines.dispatch import run_check

    result = run_check(model, dataclasses.replace(copts, rounds=rounds))
    conf = None
    if result.verdict is Verdict.NOT_CLOSED and result.trace is not None:
        conf = confirm_counterexample(model, rounds, result.trace, copts.kprime, confirm_nodes)
    return result.detached(), conf


@dataclass(frozen=True)
class CheckTask:
    """One closure check of synthesis (picklable: it runs in worker processes)."""

    model: ir.Model
    rounds: dict[str, tuple[ir.Expr, ...]] | None
    options: CheckOptions
    confirm_nodes: int

    def __call__(self) -> tuple[CheckResult, Confirmation | None]:
        return check_candidate(self.model, self.rounds, self.options, self.confirm_nodes)


def run_tasks(
    tasks: list[CheckTask], executor: Executor | None
) -> Iterator[tuple[CheckResult, Confirmation | None]]:
    """The results of ``tasks`` in order: with an executor every task is submitted now and
    the results are waited for as they are consumed; without one each task runs inline
    when its result is consumed."""
    if executor is None:
        return (t() for t in tasks)
    futures = [executor.submit(t) for t in tasks]
    return (f.result() for f in futures)


@dataclass
class SynthPlan:
    """A model's rows after the attribute analysis, and the closure checks still to run
    (``tasks[i]`` checks ``todo[i]``)."""

    model: ir.Model
    options: SynthOptions
    facts: dict[Attribute, AttrFacts]
    rows: list[SynthRow]
    todo: list[SynthRow]
    tasks: list[CheckTask]
    notes: list[str]
    start: float
    attr_seconds: float


def _priority(row: SynthRow, rank: tuple, opts: SynthOptions) -> tuple:
    """Check order: the declared round, candidates about the focus attribute, candidates
    all of whose parts the model lists, then by ``rank`` (granularity for one role, the
    number of constant parts and the combination rank of round_candidates for several)."""
    c = row.candidate
    listed = all(a is None or a.sources & {DECLARED, LISTED, "constant"} for a in c.parts)
    return (not c.declared, not c.about(opts.focus), not listed, rank)


def _only_part(row: SynthRow) -> Attribute:
    """The attribute of a one-role row (rows to check always have one)."""
    part = row.candidate.parts[0]
    assert part is not None
    return part


def _link_same(todo: list[SynthRow], facts: dict[Attribute, AttrFacts]) -> list[SynthRow]:
    """NOTE(same-within-bound): in a one-role model, a component that never changes within
    the bound is, on every trace of at most K events, the same constant (its initial value,
    the same for all processes) at every process; dropping it maps rounds, tags and every
    round-grouped κ assignment order-preservingly both ways (κ = (x, y) with y below the
    constant maps to x - 1), so with K' = K the candidate has the same verdict as the one
    without it.  Such a row is linked to that candidate's row instead of checked; the rows
    still to check are returned."""
    still = {e for a, f in facts.items() if a.arity == 1 and not f.changes for e in a.exprs}
    by_exprs = {_only_part(r).exprs: r for r in todo}
    out = []
    for r in todo:
        exprs = _only_part(r).exprs
        kept = tuple(e for e in exprs if e not in still)
        target = by_exprs.get(kept)
        if kept != exprs and target is not None:
            r.same_as = target
        else:
            out.append(r)
    return out


def plan(
    model: ir.Model, opts: SynthOptions, progress: Callable[[str], None] | None = None
) -> SynthPlan:
    """Steps 1-3 of the module docstring: attributes, candidates, their facts."""
    start = time.monotonic()
    facts = analyse_attributes(model, opts, progress)
    attr_seconds = time.monotonic() - start
    if progress:
        progress(f"{model.name}: {len(facts)} role attributes analysed ({attr_seconds:.1f} s)")
    cands, notes = round_candidates(model, facts, opts.max_combos)
    rows: list[SynthRow] = []
    for c in cands:
        mono, how, drop, drop_attr, gran = _combined(c, facts)
        if mono is Mono.DROPS:
            status = Status.NOT_MONOTONE
        elif None in c.parts:
            status = Status.TRIVIAL
        else:
            status = Status.TRIVIAL if (gran or 1) < 2 else Status.SKIPPED
        rows.append(SynthRow(c, mono, how, drop, drop_attr, gran, status))
    ranks: dict[int, tuple[int, int | str]]
    if len(model.roles) == 1:
        ranks = {id(r): (-(r.granularity or 0), r.candidate.text) for r in rows}
    else:
        ranks = {
            id(r): (
                sum(1 for x in r.candidate.parts if x is not None and "constant" in x.sources),
                i,
            )
            for i, r in enumerate(rows)
        }
    todo = sorted(
        (r for r in rows if r.status is Status.SKIPPED),
        key=lambda r: _priority(r, ranks[id(r)], opts),
    )
    if len(model.roles) == 1 and opts.kprime == opts.bound:
        todo = _link_same(todo, facts)
    if opts.max_checks is not None and len(todo) > opts.max_checks:
        notes.append(
            f"{len(todo)} monotone non-trivial candidates, the first "
            f"{opts.max_checks} by priority checked (declared, about "
            f"{opts.focus or 'commit'}, listed, granularity)"
        )
        for r in todo[opts.max_checks :]:
            r.note = "not checked: over --max-checks"
        todo = todo[: opts.max_checks]
    copts = dataclasses.replace(opts.check, rounds=None)
    stripped = strip_message_rounds(model)
    tasks = [
        CheckTask(model, None, copts, opts.confirm_nodes)
        if r.candidate.declared
        else CheckTask(stripped, r.candidate.rounds(), copts, opts.confirm_nodes)
        for r in todo
    ]
    return SynthPlan(model, opts, facts, rows, todo, tasks, notes, start, attr_seconds)


def complete(p: SynthPlan, results, progress: Callable[[str], None] | None = None) -> SynthReport:
    """Step 4: record the closure results (in ``p.todo`` order) and rank the rows."""
    for i, (row, (res, conf)) in enumerate(zip(p.todo, results)):
        row.result, row.confirmation = res, conf
        row.status = _STATUS_OF[res.verdict]
        if conf is not None and conf.confirmed is False:
            row.status = Status.UNKNOWN
            row.note = f"the engines disagree: {conf.text}"
        if progress:
            progress(
                f"{p.model.name}: [{i + 1}/{len(p.todo)}] {row.candidate.text}: "
                f"{res.verdict.value} ({res.stats.seconds:.1f} s)"
            )
    for row in p.rows:
        t = row.same_as
        if t is not None:
            row.status = t.status if t.result is not None else Status.SKIPPED
            if row.status is Status.CLOSED_ALL:  # the equivalence holds within the bound only
                row.status = Status.CLOSED_BOUNDED
            row.note = (
                f"same rounds as {t.candidate.text} within the bound (the other "
                f"components never change)"
            )
    rows = sorted(
        p.rows,
        key=lambda r: (
            _RANK[r.status],
            -(r.granularity or 0),
            not r.candidate.declared,
            r.candidate.text,
        ),
    )
    return SynthReport(
        p.model,
        p.options,
        rows,
        p.facts,
        time.monotonic() - p.start,
        p.attr_seconds,
        len(p.todo),
        p.notes,
    )


def make_executor(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes (spawned: each imports ccverify afresh and
    makes its own pysmt environments)."""
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))


def synthesize(
    model: ir.Model,
    opts: SynthOptions,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> SynthReport:
    """Run the whole pipeline of the module docstring on ``model``; closure checks run in
    ``executor``, else in a pool of ``opts.jobs`` processes (inline when 1)."""
    p = plan(model, opts, progress)
    own = None
    if executor is None and opts.jobs > 1 and len(p.tasks) > 1:
        executor = own = make_executor(opts.jobs)
    try:
        return complete(p, run_tasks(p.tasks, executor), progress)
    finally:
        if own is not None:
            own.shutdown(cancel_futures=True)
