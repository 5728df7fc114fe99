"""The untyped syntax tree built by :mod:`dsl.parser` and consumed by :mod:`dsl.check`.

One frozen dataclass per grammar construct; names are plain ``str`` and every node has the
``Span`` of its source text.  Nothing here is resolved or typed: ``EName("N")`` may be a
constant, an enum member, a variable or a mistake.  Constant expressions (``const``
right sides, range bounds, role counts, sequence maxima) use the same expression nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from dsl.ir import Span

# ---------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class EInt:
    value: int
    span: Span


@dataclass(frozen=True)
class EBool:
    value: bool
    span: Span


@dataclass(frozen=True)
class EName:
    name: str
    span: Span


@dataclass(frozen=True)
class ESelf:
    span: Span


@dataclass(frozen=True)
class EUnary:
    op: str  # "not" | "-"
    arg: Expr
    span: Span


@dataclass(frozen=True)
class EBinary:
    op: str  # the operator as written: "+", "and", "union", ...
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class EIte:
    cond: Expr
    then: Expr
    else_: Expr
    span: Span


@dataclass(frozen=True)
class EField:
    base: Expr
    field: str
    field_span: Span
    span: Span


@dataclass(frozen=True)
class EIndex:
    base: Expr
    index: Expr
    span: Span


@dataclass(frozen=True)
class ECall:
    fn: str
    args: tuple[Expr, ...]
    fn_span: Span
    span: Span


@dataclass(frozen=True)
class ESet:
    elems: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class ESeq:
    elems: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class FieldInit:
    name: str
    value: Expr
    span: Span  # of the field name


@dataclass(frozen=True)
class ERecord:
    type_name: str
    fields: tuple[FieldInit, ...]
    type_span: Span
    span: Span


@dataclass(frozen=True)
class EMap:
    var: str
    key: TypeExpr
    body: Expr
    var_span: Span
    span: Span


@dataclass(frozen=True)
class EQuant:
    kind: str  # "forall" | "exists" | "count"
    var: str
    domain: TypeExpr
    body: Expr
    var_span: Span
    span: Span


Expr = Union[
    EInt,
    EBool,
    EName,
    ESelf,
    EUnary,
    EBinary,
    EIte,
    EField,
    EIndex,
    ECall,
    ESet,
    ESeq,
    ERecord,
    EMap,
    EQuant,
]

# ---------------------------------------------------------------------------- types


@dataclass(frozen=True)
class TBool:
    span: Span


@dataclass(frozen=True)
class TRange:
    lo: Expr
    hi: Expr
    span: Span


@dataclass(frozen=True)
class TName:
    name: str
    span: Span


@dataclass(frozen=True)
class TSet:
    elem: TypeExpr
    span: Span


@dataclass(frozen=True)
class TMap:
    key: TypeExpr
    value: TypeExpr
    span: Span


@dataclass(frozen=True)
class TSeq:
    elem: TypeExpr
    max_len: Expr
    span: Span


@dataclass(frozen=True)
class Ident:
    """A declared name with its position."""

    name: str
    span: Span


@dataclass(frozen=True)
class Param:
    """``name: type`` (message fields, record fields, edge parameters)."""

    name: str
    ty: TypeExpr
    span: Span  # of the name


@dataclass(frozen=True)
class TEnum:
    members: tuple[Ident, ...]
    span: Span


@dataclass(frozen=True)
class TRecord:
    fields: tuple[Param, ...]
    span: Span


TypeExpr = Union[TBool, TRange, TName, TSet, TMap, TSeq]
TypeDef = Union[TypeExpr, TEnum, TRecord]

# ----------------------------------------------------------------------- statements


@dataclass(frozen=True)
class LField:
    field: str
    span: Span


@dataclass(frozen=True)
class LIndex:
    index: Expr
    span: Span


@dataclass(frozen=True)
class SAssign:
    var: Ident
    path: tuple[LField | LIndex, ...]
    value: Expr
    span: Span


@dataclass(frozen=True)
class SLet:
    name: Ident
    value: Expr
    span: Span


@dataclass(frozen=True)
class SIf:
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True)
class SSend:
    msg: Ident
    args: tuple[Expr, ...]
    dest: Expr
    span: Span


@dataclass(frozen=True)
class SBroadcast:
    msg: Ident
    args: tuple[Expr, ...]
    role: Ident
    except_self: bool
    span: Span


@dataclass(frozen=True)
class SSkip:
    span: Span


Stmt = Union[SAssign, SLet, SIf, SSend, SBroadcast, SSkip]

# --------------------------------------------------------------------- role items


@dataclass(frozen=True)
class VarItem:
    name: Ident
    ty: TypeExpr
    init: Expr | None
    span: Span


@dataclass(frozen=True)
class RoundItem:
    exprs: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class ObserveItem:
    exprs: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class CandidateSyntax:
    text: str  # the source text of the candidate
    exprs: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class CandidatesItem:
    candidates: tuple[CandidateSyntax, ...]
    span: Span


@dataclass(frozen=True)
class ActionItem:
    name: Ident
    params: tuple[Param, ...]
    guard: Expr | None
    body: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True)
class OnItem:
    msg: Ident
    bindings: tuple[Ident, ...]
    sender: Ident
    sender_role: Ident | None
    name: Ident | None
    params: tuple[Param, ...]
    guard: Expr | None
    body: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True)
class InvariantItem:
    """``invariant E`` (``msg`` None) or ``invariant on MSG(b1, ...) from q[: ROLE] => E``."""

    text: str  # the source text after the keyword
    expr: Expr
    msg: Ident | None
    bindings: tuple[Ident, ...]
    sender: Ident | None
    sender_role: Ident | None
    span: Span


Item = Union[VarItem, RoundItem, ObserveItem, CandidatesItem, ActionItem, OnItem, InvariantItem]

# --------------------------------------------------------------------- declarations


@dataclass(frozen=True)
class ConstDecl:
    name: Ident
    value: Expr
    span: Span


@dataclass(frozen=True)
class TypeDecl:
    name: Ident
    definition: TypeDef
    span: Span


@dataclass(frozen=True)
class MessageDecl:
    name: Ident
    fields: tuple[Param, ...]
    round: tuple[Expr, ...] | None
    round_span: Span | None
    span: Span


@dataclass(frozen=True)
class RoleDecl:
    name: Ident
    count: Expr
    items: tuple[Item, ...]
    span: Span


Decl = Union[ConstDecl, TypeDecl, MessageDecl, RoleDecl]


@dataclass(frozen=True)
class Module:
    decls: tuple[Decl, ...]
    span: Span
