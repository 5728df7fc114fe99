"""Candidate invariants for automatic strengthening (docs/algorithm.md, "Unbounded
proofs"): small templates over a role's scalar variables and, for the messages the role
receives, over a message field and a variable of the receiver.

* ``b => x = k`` and ``not b => x = k`` for a boolean variable ``b``, another scalar
  variable ``x`` (bool, enum or integer range of at most :data:`MAX_VALUES` values) and a
  value ``k`` of ``x`` — "until b is set, x keeps its initial value";
* ``x <= y`` for two integer variables;
* ``on M(...) from q: S => f <= x`` (also ``>=``, ``=``) for an integer field ``f`` of a
  message ``M`` the role receives from role ``S`` and an integer variable ``x``.

The Houdini fixpoint in :mod:`verifier.engines.unbounded` keeps those that hold initially
and that every event keeps; candidates are IR built here, with their text in DSL syntax.
"""

from __future__ import annotations

from dsl import ir
from dsl.pretty import expr_str

MAX_VALUES = 6
MAX_PER_ROLE = 400
BOOL = ir.BoolType()


def _state(v: ir.VarDecl) -> ir.Name:
    return ir.Name(v.name, ir.NameKind.STATE, v.ty)


def _lit(ty: ir.Type, k: object) -> ir.Expr:
    if isinstance(ty, ir.BoolType):
        return ir.BoolLit(bool(k))
    if isinstance(ty, ir.EnumType):
        return ir.EnumLit(ty.members[int(k)], int(k), ty)  # type: ignore[call-overload]
    return ir.IntLit(int(k), ir.IntType(int(k), int(k)))  # type: ignore[call-overload]


def _small(ty: ir.Type) -> bool:
    return (
        isinstance(ty, (ir.BoolType, ir.EnumType, ir.IntType)) and len(ir.domain(ty)) <= MAX_VALUES
    )


def _local(expr: ir.Expr) -> ir.Invariant:
    return ir.Invariant(expr_str(expr), expr)


def local_candidates(role: ir.Role) -> list[ir.Invariant]:
    """The local templates of the module docstring for ``role``."""
    out: list[ir.Invariant] = []
    bools = [v for v in role.vars if isinstance(v.ty, ir.BoolType)]
    for b in bools:
        for x in role.vars:
            if x is b or not _small(x.ty):
                continue
            for k in ir.domain(x.ty):
                eq = ir.Binary(ir.BinOp.EQ, _state(x), _lit(x.ty, k), BOOL)
                for cond in (_state(b), ir.Unary(ir.UnOp.NOT, _state(b), BOOL)):
                    out.append(_local(ir.Binary(ir.BinOp.IMPLIES, cond, eq, BOOL)))
    ints = [v for v in role.vars if isinstance(v.ty, ir.IntType)]
    for x in ints:
        for y in ints:
            if x is not y:
                out.append(_local(ir.Binary(ir.BinOp.LE, _state(x), _state(y), BOOL)))
    return out[:MAX_PER_ROLE]


def message_candidates(model: ir.Model, role: ir.Role) -> list[ir.Invariant]:
    """The message templates of the module docstring for the messages ``role`` receives."""
    out: list[ir.Invariant] = []
    seen = set()
    ints = [v for v in role.vars if isinstance(v.ty, ir.IntType)]
    for e in role.edges:
        if e.kind is not ir.EdgeKind.RECEIVE or (e.msg, e.sender_role) in seen:
            continue
        seen.add((e.msg, e.sender_role))
        decl = model.message(e.msg)  # type: ignore[arg-type]
        names = tuple(f"m_{f}" for f, _ in decl.fields)
        for (_, fty), b in zip(decl.fields, names):
            if not isinstance(fty, ir.IntType):
                continue
            field = ir.Name(b, ir.NameKind.FIELD, fty)
            for x in ints:
                for op in (ir.BinOp.LE, ir.BinOp.GE, ir.BinOp.EQ):
                    expr = ir.Binary(op, field, _state(x), BOOL)
                    head = f"on {e.msg}({', '.join(names)}) from _: {e.sender_role}"
                    text = f"{head} => {expr_str(expr)}"
                    out.append(ir.Invariant(text, expr, e.msg, names, None, e.sender_role))
    return out[:MAX_PER_ROLE]
