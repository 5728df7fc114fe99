"""What the trace encoding and the one-step encoding share: naming, definitions, rounds,
observations, initial states, lexicographic comparison and running one edge symbolically.

NOTE(symbol-names): every symbol an encoding creates is named ``PREFIX:...``; the parts
use ``:``, ``@``, ``.``, ``[]``, ``{}`` and ``#``, none of which can occur in a DSL
identifier, and never ``|`` (which SMT-LIB quoted symbols cannot contain).  Two encodings
in one environment must have different prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass

from pysmt.environment import Environment
from pysmt.fnode import FNode
from pysmt.typing import BOOL, INT

from dsl import ir
from dsl.errors import Diagnostic, InternalError, ModelError
from verifier.core.budget import Budget, BudgetExhausted
from verifier.core.runtime import Proc
from verifier.smt.symexec import BodyResult, Ctx, SymExec
from verifier.smt.symval import Ops, SVal

Rounds = dict[str, tuple[ir.Expr, ...]]


@dataclass
class EdgeRun:
    """One edge of one concrete process, executed symbolically from a pre-state."""

    proc: Proc
    edge: ir.Edge
    params: tuple  # symbolic parameter values, declaration order
    guard: FNode
    result: BodyResult  # the post-state (canonical values), violations, sends

    @property
    def receive(self) -> bool:
        return self.edge.kind is ir.EdgeKind.RECEIVE


class EncodingTimeout(BudgetExhausted):
    """Building an encoding took past the run's time limit (NOTE(budget))."""


class EncoderBase:
    """Shared machinery; subclasses build the constraints."""

    budget: Budget | None = None  # the run's budget; building stops when it expires

    def tick(self) -> None:
        """Raise :class:`EncodingTimeout` when the budget's deadline has passed."""
        if self.budget is not None and self.budget.expired():
            raise EncodingTimeout("time limit reached while building the SMT encoding")

    def __init__(self, model: ir.Model, env: Environment, prefix: str, rounds: Rounds | None):
        self.model = model
        self.env = env
        self.ops = Ops(env)
        self.mgr = env.formula_manager
        self.prefix = prefix
        marker = f"{prefix}:__encoding__"
        if marker in self.mgr.symbols:
            raise InternalError(
                f"an encoding with prefix {prefix!r} already lives in this environment"
            )
        self.mgr.Symbol(marker, BOOL)
        self.defs: list[FNode] = []
        self.def_guard: FNode | None = None
        self._ndefs = 0
        self.sx = SymExec(self.ops, model, self.define, self.fresh_int, self.constrain)
        rounds = dict(rounds or {})
        unknown = set(rounds) - {r.name for r in model.roles}
        if unknown:
            raise InternalError(f"round override for unknown role(s) {sorted(unknown)}")
        self.rounds: Rounds = {r.name: tuple(rounds.get(r.name, r.round)) for r in model.roles}
        self.procs: tuple[Proc, ...] = tuple(
            Proc(r.name, i) for r in model.roles for i in range(r.count)
        )
        self.gidx = {p: i for i, p in enumerate(self.procs)}
        self.offset = {r.name: self.gidx[Proc(r.name, 0)] for r in model.roles}
        self.msg_index = {m.name: i for i, m in enumerate(model.messages)}
        self.lmax = max((len(x) for x in self.rounds.values()), default=0)

    # ------------------------------------------------------------------ symbols
    def name(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def bool_sym(self, *parts: object) -> FNode:
        return self.mgr.Symbol(self.name(*parts), BOOL)

    def int_sym(self, *parts: object) -> FNode:
        return self.mgr.Symbol(self.name(*parts), INT)

    def fresh(self, ty: ir.Type, *parts: object) -> tuple[SVal, list[FNode]]:
        return self.ops.fresh(self.name(*parts), ty)

    def _def_leaf(self, n: FNode) -> FNode:
        if n.is_symbol() or n.is_constant():
            return n
        is_bool = self.ops.is_bool(n)
        s = self.mgr.Symbol(self.name(f"d{self._ndefs}"), BOOL if is_bool else INT)
        self._ndefs += 1
        self.constrain(self.ops.iff(s, n) if is_bool else self.mgr.Equals(s, n))
        return s

    def constrain(self, c: FNode) -> None:
        """Add a definitional constraint; while an edge runs for one event (``def_guard``
        set to its fire literal) the constraint only holds when that event happens, so the
        solver can ignore the definitions of events that do not fire."""
        self.defs.append(c if self.def_guard is None else self.ops.implies(self.def_guard, c))

    def define(self, v: SVal) -> SVal:
        """``v`` over fresh symbols, each defined equal to a (non-atomic) leaf of ``v``."""
        return self.ops.map_leaves(v, self._def_leaf)

    def fresh_int(self) -> FNode:
        s = self.int_sym(f"d{self._ndefs}")
        self._ndefs += 1
        return s

    def all_defs(self) -> list[FNode]:
        return self.defs

    # ------------------------------------------------------------------ processes
    def role_of(self, p: Proc) -> ir.Role:
        return self.model.role(p.role)

    def initial_local(self, p: Proc) -> dict[str, SVal]:
        """The initial values of ``p``'s variables, as constants."""
        out: dict[str, SVal] = {}
        simp = self.env.simplifier
        for v in self.role_of(p).vars:
            val = self.sx.expr(v.init, Ctx({}, p.idx))
            val, bad = self.ops.coerce(val, v.ty)
            val = self.ops.map_leaves(val, simp.simplify)
            if not simp.simplify(bad).is_false() or not all(
                x.is_constant() for x in self.ops.leaves(val)
            ):
                raise ModelError(
                    [
                        Diagnostic(
                            v.init.span or v.span,
                            f"the initial value of {v.name!r} is not a constant in its type {v.ty}",
                        )
                    ]
                )
            out[v.name] = val
        return out

    def fresh_local(self, p: Proc, *parts: object) -> tuple[dict[str, SVal], list[FNode]]:
        """Fresh canonical values of ``p``'s variables and their domain constraints."""
        out, wf = {}, []
        for v in self.role_of(p).vars:
            val, c = self.fresh(v.ty, *parts, v.name)
            out[v.name] = val
            wf += c
        return out, wf

    def var_types(self, p: Proc) -> dict[str, ir.Type]:
        return {v.name: v.ty for v in self.role_of(p).vars}

    def round_terms(self, p: Proc, state: dict[str, SVal]) -> tuple[FNode, ...]:
        """The effective round of ``p`` in ``state`` (Int terms, booleans as 0/1)."""
        ctx = Ctx(dict(state), p.idx, types=self.var_types(p))
        return tuple(
            self.define(self.ops.to_int(self.sx.expr(e, ctx))) for e in self.rounds[p.role]
        )

    def attribute_terms(
        self, p: Proc, state: dict[str, SVal], exprs: tuple[ir.Expr, ...]
    ) -> tuple[tuple[FNode, ...], list[FNode]]:
        """Int terms (booleans as 0/1) of state expressions ``exprs`` of ``p``'s role in
        ``state`` — like :meth:`round_terms`, for expressions that are not the encoding's
        rounds (round-attribute synthesis evaluates many candidates on one encoding).

        The definitions of auxiliary symbols this introduces are *returned*, not added to
        the encoding, so :meth:`all_defs` and the frozen query formulas are unchanged; the
        caller asserts them alongside its query."""
        start, guard = len(self.defs), self.def_guard
        self.def_guard = None
        try:
            ctx = Ctx(dict(state), p.idx, types=self.var_types(p))
            terms = tuple(self.define(self.ops.to_int(self.sx.expr(e, ctx))) for e in exprs)
        finally:
            self.def_guard = guard
        extra = self.defs[start:]
        del self.defs[start:]
        return terms, extra

    def observe_vals(self, p: Proc, state: dict[str, SVal]) -> tuple[tuple[SVal, ...], tuple]:
        """The observed values of ``p`` in ``state`` and their types (NOTE: the whole local
        state when the role has no observe clause, as Interpreter.observe)."""
        role = self.role_of(p)
        if role.observe is None:
            return tuple(state[v.name] for v in role.vars), tuple(v.ty for v in role.vars)
        ctx = Ctx(dict(state), p.idx, types=self.var_types(p))
        return (
            tuple(self.define(self.sx.expr(e, ctx)) for e in role.observe),
            tuple(e.ty for e in role.observe),
        )

    def declared_round(self, msg: str, fields: tuple) -> tuple[FNode, ...] | None:
        decl = self.model.message(msg)
        if decl.round is None:
            return None
        ctx = Ctx({}, 0, fields={f: v for (f, _), v in zip(decl.fields, fields)})
        return tuple(self.ops.to_int(self.sx.expr(e, ctx)) for e in decl.round)

    def local_index(self, g: FNode) -> FNode:
        """The index within its role of the process with global index ``g``."""
        ops = self.ops
        out = ops.minus(g, ops.int_(self.offset[self.model.roles[-1].name]))
        for r in reversed(self.model.roles[:-1]):
            nxt = self.offset[r.name] + r.count
            out = ops.term_ite(
                ops.lt(g, ops.int_(nxt)), ops.minus(g, ops.int_(self.offset[r.name])), out
            )
        return out

    def run_edge(
        self,
        p: Proc,
        edge: ir.Edge,
        pre: dict[str, SVal],
        params: tuple,
        fields: tuple | None,
        sender_g: FNode | None,
        skip_disabled: bool = False,
    ) -> EdgeRun | None:
        """Execute ``edge`` at ``p`` from ``pre`` with parameters ``params`` and, for a
        receive edge, the consumed message's fields and sender (global index).  With
        ``skip_disabled``, None when the guard is identically false."""
        ctx = Ctx(
            dict(pre),
            p.idx,
            params={n: v for (n, _), v in zip(edge.params, params)},
            types=self.var_types(p),
        )
        if edge.kind is ir.EdgeKind.RECEIVE:
            assert fields is not None and sender_g is not None
            ctx.fields = {b: v for b, v in zip(edge.bindings, fields) if b != "_"}
            if edge.sender not in (None, "_"):
                if edge.sender_role is not None:
                    idx = self.ops.minus(sender_g, self.ops.int_(self.offset[edge.sender_role]))
                else:
                    idx = self.local_index(sender_g)
                ctx.sender = idx
        guard = self.sx.expr(edge.guard, ctx)
        assert isinstance(guard, FNode)
        if skip_disabled and guard.is_false():
            return None
        result = self.sx.run_body(edge.body, ctx, self.role_of(p))
        return EdgeRun(p, edge, params, guard, result)

    # ------------------------------------------------------------------ rounds
    def lex_lt(self, a: tuple, b: tuple) -> FNode:
        """``a < b`` on int tuples as Python compares them (a proper prefix is smaller)."""
        ops = self.ops
        if not b:
            return ops.FALSE
        if not a:
            return ops.TRUE
        return ops.or_(ops.lt(a[0], b[0]), ops.and_(ops.ieq(a[0], b[0]), self.lex_lt(a[1:], b[1:])))

    def lex_le(self, a: tuple, b: tuple) -> FNode:
        return self.ops.not_(self.lex_lt(b, a))

    def tuple_eq(self, a: tuple, b: tuple) -> FNode:
        if len(a) != len(b):
            return self.ops.FALSE
        return self.ops.and_(*(self.ops.ieq(x, y) for x, y in zip(a, b)))

    def common_round_length(self) -> int:
        lengths = {len(x) for x in self.rounds.values()}
        if len(lengths) > 1:
            raise ModelError(
                [
                    Diagnostic(
                        None,
                        "round-grouped traces need all roles' rounds to "
                        "have the same length, got "
                        + ", ".join(f"{r}: {len(x)}" for r, x in self.rounds.items()),
                    )
                ]
            )
        return lengths.pop() if lengths else 0

    def decode_local(self, p: Proc, state: dict[str, SVal], get) -> tuple:
        return tuple(self.ops.decode(state[v.name], get) for v in self.role_of(p).vars)
