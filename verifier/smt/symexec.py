"""The symbolic walker over IR expressions and statements (one method per node kind).

It evaluates expressions to symbolic values (:mod:`verifier.smt.symval`) and executes edge
bodies symbolically for one *concrete* process (``self`` is a constant), exactly following
the semantics in the docstring of :mod:`dsl.ir`: total reads with default values,
mathematical integers, floor division, sequential statements, if/else merged by ``ite``,
range violations collected as conditions that disable the event, sends evaluated when
reached.  Sends are laid out on static *positions* (NOTE(send-positions)): each send
statement takes the next position, a broadcast one position per receiver, and the two
branches of an ``if`` both start at the same position (the ``if`` advances by the larger
branch), so the executed sends occupy increasing positions in statement order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pysmt.fnode import FNode

from dsl import ir
from dsl.errors import Diagnostic, ModelError
from verifier.smt.symval import MapVal, Ops, RecVal, SeqVal, SetVal, SVal, scalar_bounds

MAX_SET_DOMAIN = 4096


@dataclass
class Ctx:
    """What names mean while evaluating: the executing process's (current) state, its
    index, edge parameters, message fields (by binding or field name), the sender,
    ``let`` and bound variables, and integer spans of let/bound values."""

    state: dict[str, SVal]
    self_idx: int = 0
    params: dict[str, SVal] = field(default_factory=dict)
    fields: dict[str, SVal] = field(default_factory=dict)
    sender: FNode | None = None
    lets: dict[str, SVal] = field(default_factory=dict)
    bound: dict[str, SVal] = field(default_factory=dict)
    spans: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    types: dict[str, ir.Type] = field(default_factory=dict)  # state variable types (spans)

    def child(self) -> Ctx:
        return Ctx(
            dict(self.state),
            self.self_idx,
            self.params,
            self.fields,
            self.sender,
            dict(self.lets),
            dict(self.bound),
            dict(self.spans),
            self.types,
        )


@dataclass(frozen=True)
class SendAlt:
    """A message that the edge sends at one position when ``guard`` holds."""

    guard: FNode
    msg: str
    role: str
    dst: FNode  # index within ``role``
    fields: tuple


@dataclass
class BodyResult:
    state: dict[str, SVal]
    bad: FNode
    positions: list[list[SendAlt]]

    def sends_any(self, ops: Ops) -> FNode:
        return ops.or_(*(a.guard for alts in self.positions for a in alts))


def _hull(*spans: tuple[int, int]) -> tuple[int, int]:
    return min(s[0] for s in spans), max(s[1] for s in spans)


def type_span(ty: ir.Type) -> tuple[int, int]:
    """An interval containing every integer occurring in a value of ``ty``."""
    if ir.is_scalar(ty):
        return scalar_bounds(ty)
    if isinstance(ty, ir.RecordType):
        return _hull(*(type_span(t) for _, t in ty.fields)) if ty.fields else (0, 0)
    if isinstance(ty, (ir.SetType, ir.SeqType)):
        return type_span(ty.elem)
    if isinstance(ty, ir.MapType):
        return type_span(ty.value)
    raise TypeError(ty)


class SymExec:
    """Evaluates IR expressions and runs edge bodies over symbolic values.

    ``define`` turns a value into one over fresh symbols equal to it (a definition); it
    keeps terms small when values are reused.  ``constrain`` records a definitional
    constraint (of fresh symbols, e.g. quotient and remainder)."""

    def __init__(
        self,
        ops: Ops,
        model: ir.Model,
        define: Callable[[SVal], SVal],
        fresh_int: Callable[[], FNode],
        constrain: Callable[[FNode], None],
    ):
        self.ops = ops
        self.model = model
        self.define = define
        self.fresh_int = fresh_int
        self.constrain = constrain

    # ================================================================ expressions
    def expr(self, e: ir.Expr, ctx: Ctx) -> SVal:
        return getattr(self, "e_" + type(e).__name__)(e, ctx)

    def e_IntLit(self, e: ir.IntLit, ctx: Ctx) -> SVal:
        return self.ops.int_(e.value)

    def e_BoolLit(self, e: ir.BoolLit, ctx: Ctx) -> SVal:
        return self.ops.bool_(e.value)

    def e_EnumLit(self, e: ir.EnumLit, ctx: Ctx) -> SVal:
        return self.ops.int_(e.index)

    def e_SelfRef(self, e: ir.SelfRef, ctx: Ctx) -> SVal:
        return self.ops.int_(ctx.self_idx)

    def e_Name(self, e: ir.Name, ctx: Ctx) -> SVal:
        k = e.kind
        table = {
            ir.NameKind.STATE: ctx.state,
            ir.NameKind.PARAM: ctx.params,
            ir.NameKind.FIELD: ctx.fields,
            ir.NameKind.LET: ctx.lets,
            ir.NameKind.BOUND: ctx.bound,
        }
        if k is ir.NameKind.SENDER:
            if ctx.sender is None:
                raise ModelError([Diagnostic(e.span, f"no sender bound for {e.name!r}")])
            return ctx.sender
        try:
            return table[k][e.name]
        except KeyError:
            raise ModelError([Diagnostic(e.span, f"unbound {k.value} name {e.name!r}")]) from None

    def e_Unary(self, e: ir.Unary, ctx: Ctx) -> SVal:
        a = self.expr(e.arg, ctx)
        assert isinstance(a, FNode)
        if e.op is ir.UnOp.NOT:
            return self.ops.not_(a)
        return self.ops.minus(self.ops.int_(0), a)

    def e_Binary(self, e: ir.Binary, ctx: Ctx) -> SVal:
        ops, op = self.ops, e.op
        a, b = self.expr(e.left, ctx), self.expr(e.right, ctx)
        if op is ir.BinOp.EQ:
            return ops.eq(a, b)
        if op is ir.BinOp.NE:
            return ops.not_(ops.eq(a, b))
        if op is ir.BinOp.IN:
            assert isinstance(b, SetVal) and isinstance(a, FNode)
            return self.member(a, b)
        if op in (ir.BinOp.UNION, ir.BinOp.INTER, ir.BinOp.DIFF):
            assert isinstance(a, SetVal) and isinstance(b, SetVal)
            return self.setop(op, a, b)
        assert isinstance(a, FNode) and isinstance(b, FNode)
        if op is ir.BinOp.AND:
            return ops.and_(a, b)
        if op is ir.BinOp.OR:
            return ops.or_(a, b)
        if op is ir.BinOp.IMPLIES:
            return ops.implies(a, b)
        a, b = ops.to_int(a), ops.to_int(b)
        if op is ir.BinOp.ADD:
            return ops.plus(a, b)
        if op is ir.BinOp.SUB:
            return ops.minus(a, b)
        if op is ir.BinOp.MUL:
            return self.mul(e, a, b, ctx)
        if op in (ir.BinOp.DIV, ir.BinOp.MOD):
            return self.divmod(e, a, b)
        cmp = {
            ir.BinOp.LT: lambda: ops.lt(a, b),
            ir.BinOp.LE: lambda: ops.le(a, b),
            ir.BinOp.GT: lambda: ops.lt(b, a),
            ir.BinOp.GE: lambda: ops.le(b, a),
        }
        return cmp[op]()

    def mul(self, e: ir.Binary, a: FNode, b: FNode, ctx: Ctx) -> FNode:
        ops = self.ops
        if a.is_int_constant():
            return ops.times_const(a.constant_value(), b)
        if b.is_int_constant():
            return ops.times_const(b.constant_value(), a)
        lo, hi = self.span(e.left, ctx)  # nonlinear: split on the left operand's values
        if hi - lo > MAX_SET_DOMAIN:
            raise ModelError(
                [
                    Diagnostic(
                        e.span,
                        f"unsupported construct: a product of two non-constant terms whose "
                        f"left factor spans more than {MAX_SET_DOMAIN} values (the SMT "
                        f"encoding splits on its values); narrow its range",
                    )
                ]
            )
        out = ops.times_const(hi, b)
        for v in range(hi - 1, lo - 1, -1):
            out = ops.term_ite(ops.ieq(a, ops.int_(v)), ops.times_const(v, b), out)
        return out

    def divmod(self, e: ir.Binary, a: FNode, b: FNode) -> FNode:
        ops = self.ops
        if not b.is_int_constant() or b.constant_value() <= 0:
            raise ModelError([Diagnostic(e.span, "'/' and '%' need a positive constant divisor")])
        k = b.constant_value()
        if a.is_int_constant():
            v = a.constant_value()
            return ops.int_(v // k if e.op is ir.BinOp.DIV else v % k)
        q, r = self.fresh_int(), self.fresh_int()
        self.constrain(
            ops.and_(
                ops.ieq(a, ops.plus(ops.times_const(k, q), r)),
                ops.le(ops.int_(0), r),
                ops.lt(r, ops.int_(k)),
            )
        )
        return q if e.op is ir.BinOp.DIV else r

    def member(self, x: FNode, s: SetVal) -> FNode:
        ops = self.ops
        return ops.or_(*(ops.and_(self.key_eq(x, k), b) for k, b in s.members))

    def key_eq(self, x: FNode, key: object) -> FNode:
        if self.ops.is_bool(x):
            return x if key else self.ops.not_(x)
        return self.ops.ieq(x, self.ops.int_(key))  # type: ignore[arg-type]

    def setop(self, op: ir.BinOp, a: SetVal, b: SetVal) -> SetVal:
        ops = self.ops
        keys = sorted(set(a.keys()) | set(b.keys()), key=int)
        out = []
        for k in keys:
            x, y = a.get(k) or ops.FALSE, b.get(k) or ops.FALSE
            if op is ir.BinOp.UNION:
                out.append((k, ops.or_(x, y)))
            elif op is ir.BinOp.INTER:
                out.append((k, ops.and_(x, y)))
            else:
                out.append((k, ops.and_(x, ops.not_(y))))
        return SetVal(a.elem_ty, tuple(out))

    def e_Ite(self, e: ir.Ite, ctx: Ctx) -> SVal:
        c = self.expr(e.cond, ctx)
        assert isinstance(c, FNode)
        if c.is_true():
            return self.expr(e.then, ctx)
        if c.is_false():
            return self.expr(e.else_, ctx)
        return self.ops.ite(c, self.expr(e.then, ctx), self.expr(e.else_, ctx))

    def e_FieldGet(self, e: ir.FieldGet, ctx: Ctx) -> SVal:
        r = self.expr(e.record, ctx)
        assert isinstance(r, RecVal)
        return r.fields[r.ty.field_index(e.field)]

    def e_Index(self, e: ir.Index, ctx: Ctx) -> SVal:
        base, idx = self.expr(e.base, ctx), self.expr(e.index, ctx)
        assert isinstance(idx, FNode)
        bty = e.base.ty  # out of range: the default of the base's element type
        return self.read(base, idx, bty.value if isinstance(bty, ir.MapType) else bty.elem)  # type: ignore[union-attr]

    def read(self, base: SVal, idx: FNode, ty: ir.Type) -> SVal:
        """``base[idx]``: the element, or the default of ``ty`` outside the keys/positions."""
        ops = self.ops
        if isinstance(base, MapVal):
            cases = [(self.key_eq(idx, k), v) for k, v in zip(ir.domain(base.ty.key), base.vals)]
        else:
            assert isinstance(base, SeqVal)
            cases = [
                (ops.and_(ops.ieq(idx, ops.int_(i)), ops.lt(ops.int_(i), base.length)), v)
                for i, v in enumerate(base.elems)
            ]
        out = ops.default(ty)
        for cond, v in reversed(cases):
            if cond.is_true():
                out = v
            elif not cond.is_false():
                out = ops.ite(cond, v, out)
        return out

    def e_Call(self, e: ir.Call, ctx: Ctx) -> SVal:
        ops, fn = self.ops, e.fn
        args = [self.expr(a, ctx) for a in e.args]
        if fn is ir.Builtin.LEN:
            assert isinstance(args[0], SeqVal)
            return args[0].length
        if fn is ir.Builtin.SIZE:
            assert isinstance(args[0], SetVal)
            return ops.plus(ops.int_(0), *(ops.to_int(b) for _, b in args[0].members))
        if fn in (ir.Builtin.MIN, ir.Builtin.MAX):
            a, b = ops.to_int(args[0]), ops.to_int(args[1])
            smaller = ops.lt(a, b)
            return (
                ops.term_ite(smaller, a, b) if fn is ir.Builtin.MIN else ops.term_ite(smaller, b, a)
            )
        s = args[0]
        assert isinstance(s, SeqVal)
        if fn is ir.Builtin.APPEND:
            x = args[1]
            elems = [ops.ite(ops.ieq(s.length, ops.int_(i)), x, v) for i, v in enumerate(s.elems)]
            elems.append(ops.ite(ops.ieq(s.length, ops.int_(s.cap)), x, ops.default(s.elem_ty)))
            return SeqVal(s.elem_ty, ops.plus(s.length, ops.int_(1)), tuple(elems))
        assert fn is ir.Builtin.PREFIX
        n = args[1]
        assert isinstance(n, FNode)
        m = ops.term_ite(ops.lt(n, s.length), n, s.length)
        m = ops.term_ite(ops.lt(m, ops.int_(0)), ops.int_(0), m)
        # positions >= the new length are never read (NOTE(symval-shape)).
        return SeqVal(s.elem_ty, m, s.elems)

    def e_SetLit(self, e: ir.SetLit, ctx: Ctx) -> SVal:
        ops = self.ops
        assert isinstance(e.ty, ir.SetType)
        elem_ty = e.ty.elem
        vals = [self.expr(x, ctx) for x in e.elems]
        if isinstance(elem_ty, ir.IntType):
            keys = set(ir.domain(elem_ty))
            for x in e.elems:
                lo, hi = self.span(x, ctx)
                if hi - lo > MAX_SET_DOMAIN:
                    raise ModelError(
                        [
                            Diagnostic(
                                x.span,
                                f"unsupported construct: a set element whose value range "
                                f"spans more than {MAX_SET_DOMAIN} values",
                            )
                        ]
                    )
                keys |= set(range(lo, hi + 1))
            dom = sorted(keys)
        else:
            dom = list(ir.domain(elem_ty))
        members = tuple((k, ops.or_(*(self.key_eq(v, k) for v in vals))) for k in dom)
        return SetVal(elem_ty, members)

    def e_SeqLit(self, e: ir.SeqLit, ctx: Ctx) -> SVal:
        assert isinstance(e.ty, ir.SeqType)
        vals = tuple(self.expr(x, ctx) for x in e.elems)
        return SeqVal(e.ty.elem, self.ops.int_(len(vals)), vals)

    def e_RecordLit(self, e: ir.RecordLit, ctx: Ctx) -> SVal:
        assert isinstance(e.ty, ir.RecordType)
        given = {f: x for f, x in e.fields}
        return RecVal(e.ty, tuple(self.expr(given[f], ctx) for f, _ in e.ty.fields))

    def _bind(self, ctx: Ctx, var: str, ty: ir.Type, v: object) -> Ctx:
        c = ctx.child()
        c.bound[var] = self.ops.const(v, ty)
        c.spans[("bound", var)] = (int(v), int(v))  # type: ignore[call-overload]
        return c

    def e_MapLit(self, e: ir.MapLit, ctx: Ctx) -> SVal:
        assert isinstance(e.ty, ir.MapType)
        return MapVal(
            e.ty,
            tuple(
                self.expr(e.body, self._bind(ctx, e.var, e.ty.key, k)) for k in ir.domain(e.ty.key)
            ),
        )

    def e_Quant(self, e: ir.Quant, ctx: Ctx) -> SVal:
        ops = self.ops
        vals = [self.expr(e.body, self._bind(ctx, e.var, e.domain, k)) for k in ir.domain(e.domain)]
        if e.kind is ir.QuantKind.FORALL:
            return ops.and_(*vals)
        if e.kind is ir.QuantKind.EXISTS:
            return ops.or_(*vals)
        return ops.plus(ops.int_(0), *(ops.to_int(v) for v in vals))

    # ================================================================ spans
    def span(self, e: ir.Expr, ctx: Ctx) -> tuple[int, int]:
        """An interval containing every integer occurring in the value of ``e`` (used for
        the key domains of set literals and for splitting nonlinear products)."""
        B = ir.BinOp
        if isinstance(e, ir.IntLit):
            return e.value, e.value
        if isinstance(e, ir.EnumLit):
            return e.index, e.index
        if isinstance(e, ir.BoolLit):
            return 0, 1
        if isinstance(e, ir.Name):
            if e.kind in (ir.NameKind.LET, ir.NameKind.BOUND):
                key = ("let" if e.kind is ir.NameKind.LET else "bound", e.name)
                if key in ctx.spans:
                    return ctx.spans[key]
            if e.kind is ir.NameKind.STATE and e.name in ctx.types:
                return type_span(ctx.types[e.name])
            return type_span(e.ty)
        if isinstance(e, ir.Unary):
            if e.op is ir.UnOp.NOT:
                return 0, 1
            lo, hi = self.span(e.arg, ctx)
            return -hi, -lo
        if isinstance(e, ir.Binary):
            if e.op in (B.ADD, B.SUB, B.MUL, B.DIV, B.MOD):
                (a, b), (c, d) = self.span(e.left, ctx), self.span(e.right, ctx)
                if e.op is B.ADD:
                    return a + c, b + d
                if e.op is B.SUB:
                    return a - d, b - c
                if e.op is B.MUL:
                    ps = (a * c, a * d, b * c, b * d)
                    return min(ps), max(ps)
                if c == d and c > 0:
                    return (a // c, b // c) if e.op is B.DIV else (0, c - 1)
                return type_span(e.ty)
            if e.op in (B.UNION, B.INTER, B.DIFF):
                return _hull(self.span(e.left, ctx), self.span(e.right, ctx))
            return 0, 1
        if isinstance(e, ir.Ite):
            return _hull(self.span(e.then, ctx), self.span(e.else_, ctx))
        if isinstance(e, ir.FieldGet):
            return self.span(e.record, ctx)
        if isinstance(e, ir.Index):  # the element, or the default of the base's element type
            return _hull(self.span(e.base, ctx), type_span(e.base.ty))
        if isinstance(e, ir.Call):
            if e.fn in (ir.Builtin.MIN, ir.Builtin.MAX, ir.Builtin.APPEND):
                return _hull(*(self.span(a, ctx) for a in e.args))
            if e.fn is ir.Builtin.PREFIX:
                return self.span(e.args[0], ctx)
            if e.fn is ir.Builtin.LEN:
                return 0, self._cap(e.args[0])
            if e.fn is ir.Builtin.SIZE:
                return 0, self._size_bound(e.args[0], ctx)
        if isinstance(e, (ir.SetLit, ir.SeqLit)):
            spans = [self.span(x, ctx) for x in e.elems] + [type_span(e.ty)]
            return _hull(*spans)
        if isinstance(e, ir.RecordLit):
            return _hull((0, 0), *(self.span(x, ctx) for _, x in e.fields))
        if isinstance(e, ir.MapLit):
            assert isinstance(e.ty, ir.MapType)
            lo, hi = scalar_bounds(e.ty.key)
            inner = ctx.child()
            inner.spans[("bound", e.var)] = (lo, hi)
            return _hull(self.span(e.body, inner), type_span(e.ty.value))
        if isinstance(e, ir.Quant):
            if e.kind is ir.QuantKind.COUNT:
                return 0, len(ir.domain(e.domain))
            return 0, 1
        return type_span(e.ty)

    def _cap(self, e: ir.Expr) -> int:
        """An upper bound on the length of a sequence expression."""
        if isinstance(e, ir.SeqLit):
            return len(e.elems)
        if isinstance(e, ir.Call) and e.fn is ir.Builtin.APPEND:
            return self._cap(e.args[0]) + 1
        if isinstance(e, ir.Call) and e.fn is ir.Builtin.PREFIX:
            return self._cap(e.args[0])
        if isinstance(e, ir.Ite):
            return max(self._cap(e.then), self._cap(e.else_))
        assert isinstance(e.ty, ir.SeqType)
        if isinstance(e, ir.Name) and e.kind is not ir.NameKind.LET:
            return e.ty.max_len
        return e.ty.max_len + 64  # a let of a built sequence: a safe over-approximation

    def _size_bound(self, e: ir.Expr, ctx: Ctx) -> int:
        lo, hi = self.span(e, ctx)
        return max(hi - lo + 1, 2)

    # ================================================================ statements
    def run_body(self, stmts: tuple[ir.Stmt, ...], ctx: Ctx, role: ir.Role) -> BodyResult:
        """Execute an edge body; ``ctx.state`` is updated in place."""
        self._role = role
        self._bad: list[FNode] = []
        self._positions: list[list[SendAlt]] = []
        self._block(stmts, ctx, self.ops.TRUE, 0)
        return BodyResult(ctx.state, self.ops.or_(*self._bad), self._positions)

    def _block(self, stmts: tuple[ir.Stmt, ...], ctx: Ctx, pc: FNode, pos: int) -> int:
        for s in stmts:
            pos = getattr(self, "s_" + type(s).__name__)(s, ctx, pc, pos)
        return pos

    def _violation(self, pc: FNode, cond: FNode) -> None:
        c = self.ops.and_(pc, cond)
        if not c.is_false():
            self._bad.append(c)

    def s_Let(self, s: ir.Let, ctx: Ctx, pc: FNode, pos: int) -> int:
        ctx.lets[s.name] = self.define(self.expr(s.value, ctx))
        ctx.spans[("let", s.name)] = self.span(s.value, ctx)
        return pos

    def s_If(self, s: ir.If, ctx: Ctx, pc: FNode, pos: int) -> int:
        ops = self.ops
        c = self.expr(s.cond, ctx)
        assert isinstance(c, FNode)
        if c.is_true() or c.is_false():
            inner = ctx.child()
            end = self._block(s.then if c.is_true() else s.else_, inner, pc, pos)
            ctx.state.update(inner.state)
            return end
        t, f = ctx.child(), ctx.child()
        end_t = self._block(s.then, t, ops.and_(pc, c), pos)
        end_f = self._block(s.else_, f, ops.and_(pc, ops.not_(c)), pos)
        for name in ctx.state:
            a, b = t.state[name], f.state[name]
            if a is not b:
                ctx.state[name] = self.define(ops.ite(c, a, b))
        return max(end_t, end_f)

    def s_Assign(self, s: ir.Assign, ctx: Ctx, pc: FNode, pos: int) -> int:
        keys = [None if isinstance(st, ir.FieldStep) else self.expr(st.index, ctx) for st in s.path]
        value = self.expr(s.value, ctx)
        ty = self._role.var(s.var).ty
        new, bad = self._update(ctx.state[s.var], ty, list(zip(s.path, keys)), value)
        self._violation(pc, bad)
        ctx.state[s.var] = self.define(new)
        return pos

    def _update(self, cur: SVal, ty: ir.Type, path: list, value: SVal) -> tuple[SVal, FNode]:
        ops = self.ops
        if not path:
            return ops.coerce(value, ty)
        (step, key), rest = path[0], path[1:]
        if isinstance(step, ir.FieldStep):
            assert isinstance(cur, RecVal) and isinstance(ty, ir.RecordType)
            i = ty.field_index(step.field)
            sub, bad = self._update(cur.fields[i], ty.fields[i][1], rest, value)
            return RecVal(cur.ty, cur.fields[:i] + (sub,) + cur.fields[i + 1 :]), bad
        if isinstance(cur, MapVal):
            assert isinstance(ty, ir.MapType)
            hits = [self.key_eq(key, k) for k in ir.domain(ty.key)]
            sub_ty, olds = ty.value, cur.vals
        else:
            assert isinstance(cur, SeqVal) and isinstance(ty, ir.SeqType)
            hits = [
                ops.and_(ops.ieq(key, ops.int_(i)), ops.lt(ops.int_(i), cur.length))
                for i in range(cur.cap)
            ]
            sub_ty, olds = ty.elem, cur.elems
        news, bads = [], [ops.not_(ops.or_(*hits))]  # no such key / position: a violation
        for hit, old in zip(hits, olds):
            if hit.is_false():
                news.append(old)
                continue
            sub, bad = self._update(old, sub_ty, rest, value)
            news.append(ops.ite(hit, sub, old))
            bads.append(ops.and_(hit, bad))
        if isinstance(cur, MapVal):
            return MapVal(cur.ty, tuple(news)), ops.or_(*bads)
        return SeqVal(cur.elem_ty, cur.length, tuple(news)), ops.or_(*bads)

    def _send_fields(self, msg: str, args: tuple[ir.Expr, ...], ctx: Ctx, pc: FNode) -> tuple:
        decl = self.model.message(msg)
        out = []
        for a, (_, fty) in zip(args, decl.fields):
            v, bad = self.ops.coerce(self.expr(a, ctx), fty)
            self._violation(pc, bad)
            out.append(v)
        return tuple(out)

    def _put(self, pos: int, alt: SendAlt) -> None:
        while len(self._positions) <= pos:
            self._positions.append([])
        if not alt.guard.is_false():
            self._positions[pos].append(alt)

    def s_Send(self, s: ir.Send, ctx: Ctx, pc: FNode, pos: int) -> int:
        fields = self._send_fields(s.msg, s.args, ctx, pc)
        dst = self.expr(s.dest, ctx)
        assert isinstance(dst, FNode)
        count = self.model.role(s.role).count
        self._violation(pc, self.ops.not_(self.ops.in_range(dst, 0, count - 1)))
        self._put(pos, SendAlt(pc, s.msg, s.role, dst, fields))
        return pos + 1

    def s_Broadcast(self, s: ir.Broadcast, ctx: Ctx, pc: FNode, pos: int) -> int:
        fields = self._send_fields(s.msg, s.args, ctx, pc)
        for q in range(self.model.role(s.role).count):
            if s.except_self and s.role == self._role.name and q == ctx.self_idx:
                continue
            self._put(pos, SendAlt(pc, s.msg, s.role, self.ops.int_(q), fields))
            pos += 1
        return pos
