"""Terse constructors for hand-built IR, for tests that must not depend on the parser.

Expression types matter to the interpreter only where they select behaviour (the base of
an index, a record, a map comprehension); elsewhere a wide integer type is used.
"""

from __future__ import annotations

from dsl.ir import (
    Assign,
    Binary,
    BinOp,
    BoolLit,
    BoolType,
    Broadcast,
    Builtin,
    Call,
    Edge,
    EdgeKind,
    EnumLit,
    EnumType,
    Expr,
    FieldGet,
    FieldStep,
    If,
    Index,
    IndexStep,
    IntLit,
    IntType,
    Let,
    MessageDecl,
    Model,
    Name,
    NameKind,
    Role,
    SelfRef,
    Send,
    SetLit,
    SetType,
    Stmt,
    Type,
    VarDecl,
    default_value,
)

INT = IntType(-1000, 1000)
BOOL = BoolType()
TRUE = BoolLit(True)

_CMP = {
    BinOp.EQ,
    BinOp.NE,
    BinOp.LT,
    BinOp.LE,
    BinOp.GT,
    BinOp.GE,
    BinOp.AND,
    BinOp.OR,
    BinOp.IMPLIES,
    BinOp.IN,
}


def lit(v: int | bool) -> Expr:
    if isinstance(v, bool):
        return BoolLit(v)
    return IntLit(v, IntType(v, v))


def enum(ty: EnumType, member: str) -> Expr:
    return EnumLit(member, ty.members.index(member), ty)


def st(name: str, ty: Type = INT) -> Name:
    return Name(name, NameKind.STATE, ty)


def fld(name: str, ty: Type = INT) -> Name:
    return Name(name, NameKind.FIELD, ty)


def par(name: str, ty: Type = INT) -> Name:
    return Name(name, NameKind.PARAM, ty)


def sender(name: str, ty: Type) -> Name:
    return Name(name, NameKind.SENDER, ty)


def letn(name: str, ty: Type = INT) -> Name:
    return Name(name, NameKind.LET, ty)


def bnd(name: str, ty: Type = INT) -> Name:
    return Name(name, NameKind.BOUND, ty)


def me(role: str, count: int) -> SelfRef:
    from dsl.ir import ProcType

    return SelfRef(ProcType(role, count))


def bin_(op: BinOp, left: Expr, right: Expr, ty: Type | None = None) -> Binary:
    if ty is None:
        if op in _CMP:
            ty = BOOL
        elif op in (BinOp.UNION, BinOp.INTER, BinOp.DIFF):
            ty = left.ty
        else:
            ty = INT
    return Binary(op, left, right, ty)


def add(a: Expr, b: Expr | int) -> Binary:
    return bin_(BinOp.ADD, a, lit(b) if isinstance(b, int) else b)


def sub(a: Expr, b: Expr | int) -> Binary:
    return bin_(BinOp.SUB, a, lit(b) if isinstance(b, int) else b)


def eq(a: Expr, b: Expr | int) -> Binary:
    return bin_(BinOp.EQ, a, lit(b) if isinstance(b, int) else b)


def lt(a: Expr, b: Expr | int) -> Binary:
    return bin_(BinOp.LT, a, lit(b) if isinstance(b, int) else b)


def call(fn: Builtin, *args: Expr, ty: Type = INT) -> Call:
    return Call(fn, tuple(args), ty)


def index(base: Expr, i: Expr | int) -> Index:
    ty = getattr(base.ty, "elem", None) or base.ty.value
    return Index(base, lit(i) if isinstance(i, int) else i, ty)


def field(rec: Expr, name: str) -> FieldGet:
    return FieldGet(rec, name, rec.ty.field_type(name))  # type: ignore[union-attr]


def setlit(elem_ty: Type, *elems: Expr) -> SetLit:
    return SetLit(tuple(elems), SetType(elem_ty))


def assign(var: str, value: Expr | int, *path: str | Expr | int) -> Assign:
    steps = tuple(
        FieldStep(p) if isinstance(p, str) else IndexStep(lit(p) if isinstance(p, int) else p)
        for p in path
    )
    return Assign(var, steps, lit(value) if isinstance(value, int) else value)


def let(name: str, value: Expr) -> Let:
    return Let(name, value)


def if_(cond: Expr, then: list[Stmt], else_: list[Stmt] | None = None) -> If:
    return If(cond, tuple(then), tuple(else_ or ()))


def send(msg: str, args: list[Expr], role: str, dest: Expr) -> Send:
    return Send(msg, tuple(args), role, dest)


def bcast(msg: str, args: list[Expr], role: str, except_self: bool = False) -> Broadcast:
    return Broadcast(msg, tuple(args), role, except_self)


def var(name: str, ty: Type, init: Expr | None = None) -> VarDecl:
    if init is None:
        init = _const(ty, default_value(ty))
    return VarDecl(name, ty, init)


def _const(ty: Type, v: object) -> Expr:
    if isinstance(ty, BoolType):
        return BoolLit(bool(v))
    if isinstance(ty, EnumType):
        return EnumLit(ty.members[v], v, ty)  # type: ignore[index,arg-type]
    if isinstance(v, int):
        return IntLit(v, ty)
    from dsl.ir import MapLit, MapType, RecordLit, RecordType, SeqLit, SeqType

    if isinstance(ty, SetType):
        return SetLit((), ty)
    if isinstance(ty, SeqType):
        return SeqLit((), ty)
    if isinstance(ty, RecordType):
        return RecordLit(tuple((f, _const(t, default_value(t))) for f, t in ty.fields), ty)
    if isinstance(ty, MapType):
        return MapLit("_k", _const(ty.value, default_value(ty.value)), ty)
    raise TypeError(ty)


def action(
    name: str, body: list[Stmt], guard: Expr = TRUE, params: tuple[tuple[str, Type], ...] = ()
) -> Edge:
    return Edge(name, EdgeKind.INTERNAL, params, guard, tuple(body))


def on(
    msg: str,
    bindings: tuple[str, ...],
    src: str | None,
    src_role: str,
    body: list[Stmt],
    guard: Expr = TRUE,
    name: str | None = None,
    params: tuple[tuple[str, Type], ...] = (),
) -> Edge:
    return Edge(
        name or msg,
        EdgeKind.RECEIVE,
        params,
        guard,
        tuple(body),
        msg=msg,
        bindings=bindings,
        sender=src,
        sender_role=src_role,
    )


def role(
    name: str,
    count: int,
    vars_: list[VarDecl],
    round_: tuple[Expr, ...],
    edges: list[Edge],
    observe: tuple[Expr, ...] | None = None,
) -> Role:
    return Role(name, count, tuple(vars_), round_, observe, (), tuple(edges))


def message(
    name: str, fields: list[tuple[str, Type]], round_: tuple[Expr, ...] | None = None
) -> MessageDecl:
    return MessageDecl(name, tuple(fields), round_)


def model(name: str, messages: list[MessageDecl], roles: list[Role]) -> Model:
    return Model(name, f"<{name}>", (), (), tuple(messages), tuple(roles))
