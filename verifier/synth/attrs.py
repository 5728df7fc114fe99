"""Round attributes of one role, and the facts synthesis needs about them (docs/semantics.md §9).

An :class:`Attribute` is a tuple of state expressions of one role, compared
lexicographically, proposed as that role's round.  :func:`role_attributes` enumerates the
candidates of a role — integer, enum and boolean variables (booleans as 0/1), sequence
lengths ``len(v)``, set cardinalities ``size(v)``, the candidates the model lists, and the
declared round — and :func:`pair_attributes` the lexicographic pairs ``(a, b)``.

:class:`AttrFacts` records, for one attribute, on the traces of at most K events:

* monotonicity — ``ALL_STATES`` (no enabled event from *any* type-correct state lowers it:
  a one-step SMT proof), ``BOUNDED`` (no event of a trace of at most K events lowers it),
  or ``DROPS`` with a trace whose last event lowers it (replayed by the interpreter);
* whether it ever changes, and for a monotone attribute its *granularity*: the most
  distinct values one process goes through in one trace (1 + the most changes, since a
  non-decreasing sequence has one new value per change).

Two analyses compute the bounded facts of many attributes on one shared exploration:
:class:`SmtAttrAnalyzer` (one :class:`TraceEncoding` and one incremental solver, queries
selected by assumption literals; granularity by increasing thresholds on a change count)
and :func:`explicit_attr_facts` (one layered enumeration of the states reachable in
exactly d events, d <= K, keeping per state the most changes of every (attribute, process)
pair along some path).  :class:`OneStepMonotone` gives the unbounded proof to both.

Soundness of sharing: an attribute is a function of the local state, and the transition
system does not depend on rounds (rounds only name tags, which are ghost values), so one
encoding or exploration of the protocol serves every attribute.  A pair ``(a, b)`` can
only be monotone if ``a`` is (if ``a`` drops, so does ``(a, b)`` lexicographically), and a
pair with a component that never changes within K is, within K, the other component.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from pysmt.environment import Environment
from pysmt.fnode import FNode

from dsl import ir
from dsl.errors import InternalError
from dsl.pretty import round_str
from verifier.core.budget import Budget
from verifier.core.runtime import GState, Proc, Step, Trace
from verifier.semantics.interp import Interpreter
from verifier.smt.encode import OneStepEncoding, TraceEncoding
from verifier.smt.query import Query

# The explicit attribute search gives up (and synthesis falls back to SMT) past this many
# layered states.
MAX_LAYERED_STATES = 2_000_000

# Where an attribute came from (a row may have several).
DECLARED, LISTED, AUTO, PAIR = "declared", "listed", "auto", "pair"


@dataclass(frozen=True)
class Attribute:
    """A candidate round of one role: ``exprs`` over the role's state (lexicographic)."""

    role: str
    exprs: tuple[ir.Expr, ...]
    sources: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def text(self) -> str:
        return round_str(self.exprs)

    @property
    def arity(self) -> int:
        return len(self.exprs)

    @property
    def declared(self) -> bool:
        return DECLARED in self.sources


def constant_attribute(role: str, arity: int) -> Attribute:
    """The constant round ``(0, …, 0)``: the role stays in the least round forever."""
    zero = ir.IntLit(0, ir.IntType(0, 0))
    return Attribute(role, (zero,) * arity, frozenset({"constant"}))


def _state(v: ir.VarDecl) -> ir.Name:
    return ir.Name(v.name, ir.NameKind.STATE, v.ty)


def variable_attributes(role: ir.Role) -> list[ir.Expr]:
    """The one-component attributes enumerated from a role's variables."""
    out: list[ir.Expr] = []
    for v in role.vars:
        if isinstance(v.ty, (ir.IntType, ir.EnumType, ir.BoolType)):
            out.append(_state(v))
        elif isinstance(v.ty, ir.SeqType):
            out.append(ir.Call(ir.Builtin.LEN, (_state(v),), ir.IntType(0, v.ty.max_len)))
        elif isinstance(v.ty, ir.SetType):
            out.append(
                ir.Call(ir.Builtin.SIZE, (_state(v),), ir.IntType(0, len(ir.domain(v.ty.elem))))
            )
    return out


def _add(out: dict[tuple, Attribute], attr: Attribute) -> None:
    old = out.get(attr.exprs)
    out[attr.exprs] = (
        attr if old is None else Attribute(attr.role, old.exprs, old.sources | attr.sources)
    )


def role_attributes(role: ir.Role) -> list[Attribute]:
    """Declared round, listed candidates and enumerated variables of ``role``; duplicates
    (equal expressions) merged, their sources united."""
    out: dict[tuple, Attribute] = {}
    _add(out, Attribute(role.name, tuple(role.round), frozenset({DECLARED})))
    for c in role.candidates:
        _add(out, Attribute(role.name, tuple(c.exprs), frozenset({LISTED})))
    for e in variable_attributes(role):
        _add(out, Attribute(role.name, (e,), frozenset({AUTO})))
    return list(out.values())


def pair_attributes(
    singles: list[Attribute], facts: dict[Attribute, AttrFacts], known: list[Attribute]
) -> list[Attribute]:
    """Lexicographic pairs ``(a, b)`` of one-component attributes of one role: every pair of
    two attributes the model lists (or declares), and besides the pairs with ``a`` monotone
    and both components changing within the bound (see the module docstring for why the
    others add nothing); pairs equal to a ``known`` attribute are left out."""
    have = {a.exprs for a in known}
    out = []
    for a in singles:
        for b in singles:
            if b is a or a.arity != 1 or b.arity != 1:
                continue
            chosen = a.sources & {LISTED, DECLARED} and b.sources & {LISTED, DECLARED}
            useful = facts[a].monotone_ok and facts[a].changes and facts[b].changes
            exprs = a.exprs + b.exprs
            if (chosen or useful) and exprs not in have:
                have.add(exprs)
                out.append(Attribute(a.role, exprs, frozenset({PAIR})))
    return out


class Mono(enum.Enum):
    ALL_STATES = "yes (every state)"
    BOUNDED = "yes (up to bound)"
    DROPS = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Drop:
    """A trace whose last event lowers the attribute of the process acting in it."""

    trace: Trace
    proc: Proc
    before: tuple[int, ...]
    after: tuple[int, ...]

    @property
    def step(self) -> Step:
        return self.trace.steps[-1]


@dataclass
class AttrFacts:
    monotone: Mono
    drop: Drop | None = None
    changes: bool = False  # changes at least once in some trace within the bound
    granularity: int | None = None  # for monotone attributes: most distinct values
    how: str = ""  # how monotonicity was decided

    @property
    def monotone_ok(self) -> bool:
        return self.monotone in (Mono.ALL_STATES, Mono.BOUNDED)


def drop_witness(interp: Interpreter, attr: Attribute, steps: tuple[Step, ...]) -> Drop:
    """Replay ``steps`` and return the first event lowering ``attr`` (an engine produced
    the steps as such a witness; if the interpreter disagrees that is an internal error)."""
    trace = interp.replay(steps)
    for i, st in enumerate(trace.steps):
        if st.proc.role != attr.role:
            continue
        before = interp.eval_exprs(st.proc, st.pre, attr.exprs)
        after = interp.eval_exprs(st.proc, st.post, attr.exprs)
        if after < before:
            return Drop(interp.replay(trace.steps[: i + 1]), st.proc, before, after)
    raise InternalError(f"the witness for a drop of {attr.text} does not lower it")


def distinct_values(interp: Interpreter, attr: Attribute, trace: Trace) -> int:
    """The most distinct values of ``attr`` one process of its role takes along ``trace``."""
    best = 1
    for pi, p in enumerate(interp.procs):
        if p.role != attr.role:
            continue
        seen = {interp.eval_exprs(p, s.locals[pi], attr.exprs) for s in trace.states}
        best = max(best, len(seen))
    return best


# ------------------------------------------------------------------ one-step proof


class OneStepMonotone:
    """Unbounded monotonicity proofs: one :class:`OneStepEncoding`, one solver."""

    def __init__(self, model: ir.Model, solver: str = "z3", budget: Budget | None = None):
        self.env = Environment()
        self.one = OneStepEncoding(model, self.env, prefix="m", budget=budget)
        self.query = Query(self.env, solver, "one-step-monotone", budget=budget)
        self.query.add(self.env.formula_manager.And(*self.one.cons, *self.one.all_defs()))

    def proves(self, attr: Attribute) -> bool:
        """No enabled non-inert event of the role, from any type-correct state, lowers it."""
        one, mgr = self.one, self.env.formula_manager
        defs: list[FNode] = []
        drops = []
        for en in one.entries:
            p = en.proc
            if p.role != attr.role:
                continue
            pre, d1 = one.attribute_terms(p, one.pre[p.role], attr.exprs)
            post, d2 = one.attribute_terms(p, en.post, attr.exprs)
            defs += d1 + d2
            drops.append(mgr.And(en.fire, one.lex_lt(post, pre)))
        if not drops:
            return True
        return not self.query.solve_with(mgr.And(*defs, mgr.Or(*drops)), f"for {attr.text}")

    def close(self) -> None:
        self.query.close()


# ------------------------------------------------------------------ SMT analysis


class SmtAttrAnalyzer:
    """Bounded facts of many attributes on one trace encoding and one solver."""

    def __init__(
        self, model: ir.Model, bound: int, solver: str = "z3", budget: Budget | None = None
    ):
        self.model, self.k = model, bound
        self.env = Environment()
        self.enc = TraceEncoding(model, self.env, bound, prefix="a", budget=budget)
        self.query = Query(self.env, solver, "attribute-facts", budget=budget)
        self.query.add(self.enc.constraints())
        self.interp = Interpreter(model)

    @property
    def calls(self) -> int:
        return self.query.counter.calls

    def _solve(self, formula: FNode) -> bool:
        return self.query.solve_with(formula)

    def facts(self, attr: Attribute, one_step: OneStepMonotone | None) -> AttrFacts:
        enc, ops, mgr = self.enc, self.enc.ops, self.env.formula_manager
        procs = [(pi, p) for pi, p in enumerate(enc.procs) if p.role == attr.role]
        terms: dict[tuple[int, int], tuple] = {}
        for s in range(self.k + 1):
            for pi, p in procs:
                t, defs = enc.attribute_terms(p, enc.states[s][pi], attr.exprs)
                if defs:
                    self.query.add(mgr.And(*defs))
                terms[s, pi] = t
        steps = [(i, pi) for i in range(self.k) for pi, _ in procs]
        drops = ops.or_(
            *(
                ops.and_(enc.active[i], enc.lex_lt(terms[i + 1, pi], terms[i, pi]))
                for i, pi in steps
            )
        )
        if self._solve(drops):
            for d in range(1, self.k + 1):  # a shortest witness
                if self._solve(ops.and_(drops, enc.length_le(d))):
                    break
            trace = enc.decode(self.query.model())
            drop = drop_witness(self.interp, attr, trace.steps)
            return AttrFacts(
                Mono.DROPS,
                drop,
                changes=True,
                how=f"lowered by a trace of {len(drop.trace)} events (SMT)",
            )
        mono, how = Mono.BOUNDED, f"no trace of at most {self.k} events lowers it (SMT, unsat)"
        if one_step is not None and one_step.proves(attr):
            mono, how = Mono.ALL_STATES, "no event from any state lowers it (one-step, unsat)"
        changed = {
            (i, pi): ops.and_(enc.active[i], ops.not_(enc.tuple_eq(terms[i + 1, pi], terms[i, pi])))
            for i, pi in steps
        }
        counts = {
            pi: ops.plus(
                ops.int_(0),
                *(
                    ops.term_ite(changed[i, pj], ops.int_(1), ops.int_(0))
                    for i, pj in steps
                    if pj == pi
                ),
            )
            for pi, _ in procs
        }
        most, witness = 0, None
        while most < self.k and self._solve(
            ops.or_(*(mgr.GE(c, mgr.Int(most + 1)) for c in counts.values()))
        ):
            most += 1
            witness = enc.decode(self.query.model())
        if witness is not None:
            seen = distinct_values(self.interp, attr, self.interp.replay(witness.steps))
            if seen != most + 1:
                raise InternalError(
                    f"granularity witness of {attr.text}: the interpreter "
                    f"sees {seen} values, the solver {most + 1}"
                )
        return AttrFacts(mono, None, changes=most > 0, granularity=most + 1, how=how)

    def close(self) -> None:
        self.query.close()


# ------------------------------------------------------------------ explicit analysis


def explicit_attr_facts(
    model: ir.Model,
    attrs: list[Attribute],
    bound: int,
    one_step: OneStepMonotone | None,
    budget: Budget | None = None,
) -> dict[Attribute, AttrFacts]:
    """Bounded facts of ``attrs`` by one layered enumeration (see module docstring).

    Layer d holds the global states reachable by exactly d events; for each, a vector of
    the most changes of every (attribute, process) pair along some path to it and one
    parent (for witnesses).  Raises :class:`BudgetExhausted` when ``budget`` (default: at
    most :data:`MAX_LAYERED_STATES` states) runs out."""
    if budget is None:
        budget = Budget(max_nodes=MAX_LAYERED_STATES, label="explicit attribute search")
    interp = Interpreter(model)
    cols = [(a, pi, p) for a in attrs for pi, p in enumerate(interp.procs) if p.role == a.role]
    init = interp.initial()
    layer: dict[GState, list[int]] = {init: [0] * len(cols)}
    parents: list[dict[GState, tuple[GState, Step] | None]] = [{init: None}]
    drops: dict[Attribute, tuple[int, GState, Step]] = {}
    changes = {a: 0 for a in attrs}
    for d in range(bound):
        nxt: dict[GState, list[int]] = {}
        par: dict[GState, tuple[GState, Step] | None] = {}
        for s, vec in layer.items():
            for step, post in interp.successors(s):
                new = list(vec)
                pi = interp.proc_index(step.proc)
                for c, (a, pj, p) in enumerate(cols):
                    if pj != pi:
                        continue
                    before = interp.eval_exprs(p, step.pre, a.exprs)
                    after = interp.eval_exprs(p, step.post, a.exprs)
                    if after != before:
                        new[c] += 1
                        changes[a] = max(changes[a], new[c])
                        if after < before and a not in drops:
                            drops[a] = (d, s, step)
                old = nxt.get(post)
                if old is None:
                    budget.charge(where=f"at depth {d + 1}")
                    nxt[post] = new
                    par[post] = (s, step)
                else:
                    nxt[post] = [max(x, y) for x, y in zip(old, new)]
        parents.append(par)
        layer = nxt
    out: dict[Attribute, AttrFacts] = {}
    for a in attrs:
        if a in drops:
            d, s, step = drops[a]
            path = [step]
            for lvl in range(d, 0, -1):
                s, st = parents[lvl][s]  # type: ignore[misc]
                path.append(st)
            drop = drop_witness(interp, a, tuple(reversed(path)))
            out[a] = AttrFacts(
                Mono.DROPS,
                drop,
                changes=True,
                how=f"lowered by a trace of {len(drop.trace)} events (explicit)",
            )
            continue
        mono, how = Mono.BOUNDED, f"no trace of at most {bound} events lowers it (explicit)"
        if one_step is not None and one_step.proves(a):
            mono, how = Mono.ALL_STATES, "no event from any state lowers it (one-step, unsat)"
        out[a] = AttrFacts(mono, None, changes=changes[a] > 0, granularity=changes[a] + 1, how=how)
    return out
