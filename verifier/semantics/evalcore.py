"""Compilation of IR expressions and statements into Python closures.

This is the evaluation core of the explicit interpreter (:mod:`verifier.semantics.interp`).  It
follows the normative semantics in the docstring of :mod:`dsl.ir` exactly:

* values are ints / bools / tuples / frozensets as fixed there;
* arithmetic is over Python ints, ``/`` and ``%`` are floor division and modulo;
* reads are total: out-of-range sequence and map reads give the element type's default;
* range checks happen only when a value is *stored* (variable, record field, map entry,
  sequence element, message field, send destination); a failed check raises
  :class:`OutOfRange`, which disables the event.

A compiled expression is a function ``f(loc, env)``: ``loc`` is the executing process's
local state (a tuple, or a list while an edge body runs), ``env`` a dict from names to
values for parameters, message-field bindings, the sender, quantifier/comprehension
variables and ``let`` names, plus the process's own id under :data:`SELF`.  A compiled
statement is ``run(loc, env, out)``: it updates the list ``loc`` in place and appends
``(message type, field values, destination Proc)`` triples to ``out``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from dsl.errors import InternalError
from dsl.ir import (
    Assign,
    Binary,
    BinOp,
    BoolLit,
    Broadcast,
    Builtin,
    Call,
    EnumLit,
    Expr,
    FieldGet,
    FieldStep,
    If,
    Index,
    IndexStep,
    IntLit,
    Ite,
    Let,
    MapLit,
    MapType,
    Model,
    Name,
    NameKind,
    Quant,
    QuantKind,
    RecordLit,
    RecordType,
    Role,
    SelfRef,
    Send,
    SeqLit,
    SeqType,
    SetLit,
    Stmt,
    Type,
    Unary,
    UnOp,
    default_value,
    domain,
)
from verifier.core.runtime import Proc, Value
from verifier.core.values import checker, key_position

SELF = "<self>"  # env key of the executing process's id; not a DSL identifier
_MISSING = object()

ExprFn = Callable[[Any, dict], Value]
StmtFn = Callable[[list, dict, list], None]


class OutOfRange(Exception):
    """A store outside its type (or another range error): the event is not enabled.
    Not to be confused with :class:`verifier.core.result.Violation`, a broken local
    condition."""


_BINOPS: dict[BinOp, Callable[[Value, Value], Value]] = {
    BinOp.ADD: operator.add,
    BinOp.SUB: operator.sub,
    BinOp.MUL: operator.mul,
    BinOp.DIV: operator.floordiv,
    BinOp.MOD: operator.mod,
    BinOp.EQ: operator.eq,
    BinOp.NE: operator.ne,
    BinOp.LT: operator.lt,
    BinOp.LE: operator.le,
    BinOp.GT: operator.gt,
    BinOp.GE: operator.ge,
    BinOp.UNION: operator.or_,
    BinOp.INTER: operator.and_,
    BinOp.DIFF: operator.sub,
}


class Compiler:
    """Compiles the expressions and statements of one role of a model."""

    def __init__(self, model: Model, role: Role | None):
        self.model = model
        self.role = role
        self.var_index = {v.name: i for i, v in enumerate(role.vars)} if role else {}
        self.var_type = {v.name: v.ty for v in role.vars} if role else {}
        self.procs = {r.name: tuple(Proc(r.name, i) for i in range(r.count)) for r in model.roles}

    # ------------------------------------------------------------------ expressions

    def expr(self, e: Expr) -> ExprFn:
        """Compile one expression."""
        method = getattr(self, "_x_" + type(e).__name__, None)
        if method is None:
            raise InternalError(f"interpreter: unknown expression node {type(e).__name__}")
        return method(e)

    def exprs(self, es: tuple[Expr, ...]) -> Callable[[object, dict], tuple]:
        """Compile a tuple of expressions into one function returning the tuple of values."""
        fs = tuple(self.expr(e) for e in es)
        return lambda loc, env: tuple(f(loc, env) for f in fs)

    def _x_IntLit(self, e: IntLit) -> ExprFn:
        v = e.value
        return lambda loc, env: v

    def _x_BoolLit(self, e: BoolLit) -> ExprFn:
        v = bool(e.value)
        return lambda loc, env: v

    def _x_EnumLit(self, e: EnumLit) -> ExprFn:
        v = e.index
        return lambda loc, env: v

    def _x_Name(self, e: Name) -> ExprFn:
        if e.kind is NameKind.STATE:
            if e.name not in self.var_index:
                raise InternalError(f"interpreter: unknown state variable {e.name!r}")
            i = self.var_index[e.name]
            return lambda loc, env: loc[i]
        n = e.name
        return lambda loc, env: env[n]

    def _x_SelfRef(self, e: SelfRef) -> ExprFn:
        return lambda loc, env: env[SELF]

    def _x_Unary(self, e: Unary) -> ExprFn:
        a = self.expr(e.arg)
        if e.op is UnOp.NOT:
            return lambda loc, env: not a(loc, env)
        if e.op is UnOp.NEG:
            return lambda loc, env: -a(loc, env)
        raise InternalError(f"interpreter: unknown unary operator {e.op}")

    def _x_Binary(self, e: Binary) -> ExprFn:
        lf, rf = self.expr(e.left), self.expr(e.right)
        op = e.op
        # The connectives are total functions; evaluation has no side effects and cannot
        # fail, so Python's short-circuiting gives the same result.
        if op is BinOp.AND:
            return lambda loc, env: bool(lf(loc, env)) and bool(rf(loc, env))
        if op is BinOp.OR:
            return lambda loc, env: bool(lf(loc, env)) or bool(rf(loc, env))
        if op is BinOp.IMPLIES:
            return lambda loc, env: (not lf(loc, env)) or bool(rf(loc, env))
        if op is BinOp.IN:
            return lambda loc, env: lf(loc, env) in rf(loc, env)
        f = _BINOPS.get(op)
        if f is None:
            raise InternalError(f"interpreter: unknown binary operator {op}")
        return lambda loc, env: f(lf(loc, env), rf(loc, env))

    def _x_Ite(self, e: Ite) -> ExprFn:
        c, t, f = self.expr(e.cond), self.expr(e.then), self.expr(e.else_)
        return lambda loc, env: t(loc, env) if c(loc, env) else f(loc, env)

    def _x_FieldGet(self, e: FieldGet) -> ExprFn:
        rty = e.record.ty
        if not isinstance(rty, RecordType):
            raise InternalError(f"interpreter: field {e.field!r} of a non-record {rty}")
        k = rty.field_index(e.field)
        r = self.expr(e.record)
        return lambda loc, env: r(loc, env)[k]

    def _x_Index(self, e: Index) -> ExprFn:
        bty = e.base.ty
        b, i = self.expr(e.base), self.expr(e.index)
        if isinstance(bty, MapType):
            pos = key_position(bty.key)
            dflt = default_value(bty.value)

            def map_read(loc: Any, env: dict) -> Value:
                p = pos(i(loc, env))
                return dflt if p is None else b(loc, env)[p]

            return map_read
        if isinstance(bty, SeqType):
            dflt = default_value(bty.elem)

            def seq_read(loc: Any, env: dict) -> Value:
                s = b(loc, env)
                k = i(loc, env)
                return s[k] if 0 <= k < len(s) else dflt

            return seq_read
        raise InternalError(f"interpreter: indexing a {bty}")

    def _x_Call(self, e: Call) -> ExprFn:
        a = tuple(self.expr(x) for x in e.args)
        fn = e.fn
        if fn in (Builtin.LEN, Builtin.SIZE):
            (s,) = a
            return lambda loc, env: len(s(loc, env))
        if fn is Builtin.APPEND:
            s, x = a
            return lambda loc, env: s(loc, env) + (x(loc, env),)
        if fn is Builtin.PREFIX:
            s, n = a

            def prefix(loc: Any, env: dict) -> Value:
                v = s(loc, env)
                return v[: max(0, min(n(loc, env), len(v)))]

            return prefix
        if fn is Builtin.MIN:
            x, y = a
            return lambda loc, env: min(x(loc, env), y(loc, env))
        if fn is Builtin.MAX:
            x, y = a
            return lambda loc, env: max(x(loc, env), y(loc, env))
        raise InternalError(f"interpreter: unknown builtin {fn}")

    def _x_SetLit(self, e: SetLit) -> ExprFn:
        fs = tuple(self.expr(x) for x in e.elems)
        return lambda loc, env: frozenset(f(loc, env) for f in fs)

    def _x_SeqLit(self, e: SeqLit) -> ExprFn:
        fs = tuple(self.expr(x) for x in e.elems)
        return lambda loc, env: tuple(f(loc, env) for f in fs)

    def _x_RecordLit(self, e: RecordLit) -> ExprFn:
        rty = e.ty
        if not isinstance(rty, RecordType):
            raise InternalError(f"interpreter: record literal of type {rty}")
        given = {name: self.expr(x) for name, x in e.fields}
        if set(given) != {f for f, _ in rty.fields}:
            raise InternalError(f"interpreter: record literal fields do not match {rty}")
        fs = tuple(given[f] for f, _ in rty.fields)
        return lambda loc, env: tuple(f(loc, env) for f in fs)

    def _x_MapLit(self, e: MapLit) -> ExprFn:
        mty = e.ty
        if not isinstance(mty, MapType):
            raise InternalError(f"interpreter: map comprehension of type {mty}")
        keys = tuple(domain(mty.key))
        body, var = self.expr(e.body), e.var

        def map_lit(loc: Any, env: dict) -> Value:
            old = env.get(var, _MISSING)
            out = []
            for k in keys:
                env[var] = k
                out.append(body(loc, env))
            _restore(env, var, old)
            return tuple(out)

        return map_lit

    def _x_Quant(self, e: Quant) -> ExprFn:
        keys = tuple(domain(e.domain))
        body, var, kind = self.expr(e.body), e.var, e.kind

        def quant(loc: Any, env: dict) -> Value:
            old = env.get(var, _MISSING)
            if kind is QuantKind.FORALL:
                result: object = True
                for k in keys:
                    env[var] = k
                    if not body(loc, env):
                        result = False
                        break
            elif kind is QuantKind.EXISTS:
                result = False
                for k in keys:
                    env[var] = k
                    if body(loc, env):
                        result = True
                        break
            else:
                n = 0
                for k in keys:
                    env[var] = k
                    if body(loc, env):
                        n += 1
                result = n
            _restore(env, var, old)
            return result

        return quant

    # ------------------------------------------------------------------ statements

    def block(self, stmts: tuple[Stmt, ...], scoped: bool = True) -> StmtFn:
        """Compile a block.  ``let`` names bound in a scoped block are unbound (or their
        outer binding restored) when the block ends."""
        fs = tuple(self.stmt(s) for s in stmts)
        lets = tuple(dict.fromkeys(s.name for s in stmts if isinstance(s, Let)))

        if not scoped or not lets:

            def run(loc: list, env: dict, out: list) -> None:
                for f in fs:
                    f(loc, env, out)

            return run

        def run_scoped(loc: list, env: dict, out: list) -> None:
            saved = [(n, env.get(n, _MISSING)) for n in lets]
            for f in fs:
                f(loc, env, out)
            for n, old in saved:
                _restore(env, n, old)

        return run_scoped

    def stmt(self, s: Stmt) -> StmtFn:
        method = getattr(self, "_s_" + type(s).__name__, None)
        if method is None:
            raise InternalError(f"interpreter: unknown statement node {type(s).__name__}")
        return method(s)

    def _s_Let(self, s: Let) -> StmtFn:
        v, n = self.expr(s.value), s.name

        def let(loc: list, env: dict, out: list) -> None:
            env[n] = v(loc, env)

        return let

    def _s_If(self, s: If) -> StmtFn:
        c, t, f = self.expr(s.cond), self.block(s.then), self.block(s.else_)

        def if_(loc: list, env: dict, out: list) -> None:
            if c(loc, env):
                t(loc, env, out)
            else:
                f(loc, env, out)

        return if_

    def _s_Assign(self, s: Assign) -> StmtFn:
        if s.var not in self.var_index:
            raise InternalError(f"interpreter: assignment to unknown variable {s.var!r}")
        i = self.var_index[s.var]
        setter = self._setter(s.path, self.var_type[s.var])
        v = self.expr(s.value)

        def assign(loc: list, env: dict, out: list) -> None:
            loc[i] = setter(loc[i], v(loc, env), loc, env)

        return assign

    def _setter(
        self, path: tuple[FieldStep | IndexStep, ...], ty: Type
    ) -> Callable[[Value, Value, Any, dict], Value]:
        """``set(old, new, loc, env)``: the value ``old`` with the element at ``path``
        replaced by ``new``; raises :class:`OutOfRange` when ``new`` is out of range or the
        path leaves the value (a map key outside its type, a sequence position >= len)."""
        if not path:
            chk = checker(ty)

            def leaf(old: Value, new: Value, loc: Any, env: dict) -> Value:
                if not chk(new):
                    raise OutOfRange
                return new

            return leaf
        step, rest = path[0], path[1:]
        if isinstance(step, FieldStep):
            if not isinstance(ty, RecordType):
                raise InternalError(f"interpreter: field {step.field!r} of a non-record {ty}")
            k = ty.field_index(step.field)
            inner = self._setter(rest, ty.field_type(step.field))

            def set_field(old: Value, new: Value, loc: Any, env: dict) -> Value:
                t: tuple = old
                return t[:k] + (inner(t[k], new, loc, env),) + t[k + 1 :]

            return set_field
        ix = self.expr(step.index)
        if isinstance(ty, MapType):
            pos = key_position(ty.key)
            inner = self._setter(rest, ty.value)

            def set_map(old: Value, new: Value, loc: Any, env: dict) -> Value:
                p = pos(ix(loc, env))
                if p is None:
                    raise OutOfRange
                t: tuple = old
                return t[:p] + (inner(t[p], new, loc, env),) + t[p + 1 :]

            return set_map
        if isinstance(ty, SeqType):
            inner = self._setter(rest, ty.elem)

            def set_seq(old: Value, new: Value, loc: Any, env: dict) -> Value:
                p = ix(loc, env)
                t: tuple = old
                if not 0 <= p < len(t):
                    raise OutOfRange
                return t[:p] + (inner(t[p], new, loc, env),) + t[p + 1 :]

            return set_seq
        raise InternalError(f"interpreter: indexing a {ty} in an assignment")

    def _message_args(self, msg: str, args: tuple[Expr, ...]) -> Callable[[object, dict], tuple]:
        decl = self.model.message(msg)
        if len(decl.fields) != len(args):
            raise InternalError(f"interpreter: {msg} takes {len(decl.fields)} arguments")
        fs = tuple(self.expr(a) for a in args)
        chks = tuple(checker(t) for _, t in decl.fields)

        def eval_args(loc: object, env: dict) -> tuple:
            vals = tuple(f(loc, env) for f in fs)
            for c, v in zip(chks, vals):
                if not c(v):
                    raise OutOfRange
            return vals

        return eval_args

    def _s_Send(self, s: Send) -> StmtFn:
        args, dest, msg = self._message_args(s.msg, s.args), self.expr(s.dest), s.msg
        targets = self.procs[s.role]

        def send(loc: list, env: dict, out: list) -> None:
            vals = args(loc, env)
            d = dest(loc, env)
            if not 0 <= d < len(targets):
                raise OutOfRange
            out.append((msg, vals, targets[d]))

        return send

    def _s_Broadcast(self, s: Broadcast) -> StmtFn:
        args, msg = self._message_args(s.msg, s.args), s.msg
        targets = self.procs[s.role]
        skip_self = s.except_self and self.role is not None and s.role == self.role.name

        def broadcast(loc: list, env: dict, out: list) -> None:
            vals = args(loc, env)
            me = env[SELF]
            for t in targets:
                if skip_self and t.idx == me:
                    continue
                out.append((msg, vals, t))

        return broadcast


def _restore(env: dict, name: str, old: object) -> None:
    if old is _MISSING:
        env.pop(name, None)
    else:
        env[name] = old
