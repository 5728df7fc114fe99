"""Print IR expressions and types back in the DSL's syntax (for reports and messages).

The output parses back to the same expression (up to constants, which the IR has already
replaced by their values): parentheses are added exactly where precedence needs them.
"""

from __future__ import annotations

from dsl import ir
from dsl.ir import BinOp, QuantKind, UnOp

# Binding strength, loosest first (the table in docs/dsl.md "Expressions").
_QUANT, _IMPLIES, _OR, _AND, _NOT, _CMP, _SET, _ADD, _MUL, _NEG, _POSTFIX, _ATOM = range(12)

_BIN_PREC = {
    BinOp.IMPLIES: _IMPLIES,
    BinOp.OR: _OR,
    BinOp.AND: _AND,
    BinOp.EQ: _CMP,
    BinOp.NE: _CMP,
    BinOp.LT: _CMP,
    BinOp.LE: _CMP,
    BinOp.GT: _CMP,
    BinOp.GE: _CMP,
    BinOp.IN: _CMP,
    BinOp.UNION: _SET,
    BinOp.INTER: _SET,
    BinOp.DIFF: _SET,
    BinOp.ADD: _ADD,
    BinOp.SUB: _ADD,
    BinOp.MUL: _MUL,
    BinOp.DIV: _MUL,
    BinOp.MOD: _MUL,
}


def type_str(ty: object) -> str:
    """A type in DSL syntax: ``bool``, ``0..3``, ``Phase``, ``set[P]``, ``seq[Entry, 4]``."""
    if isinstance(ty, ir.BoolType):
        return "bool"
    if isinstance(ty, ir.IntType):
        return f"{ty.lo}..{ty.hi}"
    if isinstance(ty, ir.EnumType):
        return ty.name
    if isinstance(ty, ir.ProcType):
        return ty.role
    if isinstance(ty, ir.RecordType):
        return ty.name
    if isinstance(ty, ir.SetType):
        return f"set[{type_str(ty.elem)}]"
    if isinstance(ty, ir.MapType):
        return f"map[{type_str(ty.key)}, {type_str(ty.value)}]"
    if isinstance(ty, ir.SeqType):
        return f"seq[{type_str(ty.elem)}, {ty.max_len}]"
    return str(ty)


def expr_str(e: ir.Expr) -> str:
    """An IR expression in DSL syntax, e.g. ``len(log) + 1``."""
    return _fmt(e, _QUANT)


def round_str(exprs: tuple[ir.Expr, ...]) -> str:
    """A round (or observation, candidate): ``r`` for one component, ``(b, p)`` for more."""
    if len(exprs) == 1:
        return expr_str(exprs[0])
    return "(" + ", ".join(expr_str(e) for e in exprs) + ")"


def _fmt(e: ir.Expr, min_prec: int) -> str:
    text, prec = _render(e)
    return f"({text})" if prec < min_prec else text


def _args(exprs: tuple[ir.Expr, ...]) -> str:
    return ", ".join(_fmt(a, _QUANT) for a in exprs)


def _render(e: ir.Expr) -> tuple[str, int]:
    if isinstance(e, ir.IntLit):
        return str(e.value), (_NEG if e.value < 0 else _ATOM)
    if isinstance(e, ir.BoolLit):
        return ("true" if e.value else "false"), _ATOM
    if isinstance(e, ir.EnumLit):
        return e.member, _ATOM
    if isinstance(e, ir.Name):
        return e.name, _ATOM
    if isinstance(e, ir.SelfRef):
        return "self", _ATOM
    if isinstance(e, ir.Unary):
        if e.op == UnOp.NOT:
            return f"not {_fmt(e.arg, _NOT)}", _NOT
        arg = _fmt(e.arg, _NEG)
        return (f"-({arg})" if arg.startswith("-") else f"-{arg}"), _NEG
    if isinstance(e, ir.Binary):
        p = _BIN_PREC[e.op]
        if p == _IMPLIES:  # right associative; a quantifier or `if` may follow directly
            left, right = _fmt(e.left, p + 1), _fmt(e.right, _QUANT)
        elif p == _CMP:  # non-associative
            left, right = _fmt(e.left, p + 1), _fmt(e.right, p + 1)
        else:  # left associative
            left, right = _fmt(e.left, p), _fmt(e.right, p + 1)
        return f"{left} {e.op.value} {right}", p
    if isinstance(e, ir.Ite):
        return (
            f"if {_fmt(e.cond, _QUANT)} then {_fmt(e.then, _QUANT)} else {_fmt(e.else_, _QUANT)}"
        ), _QUANT
    if isinstance(e, ir.FieldGet):
        return f"{_fmt(e.record, _POSTFIX)}.{e.field}", _POSTFIX
    if isinstance(e, ir.Index):
        return f"{_fmt(e.base, _POSTFIX)}[{_fmt(e.index, _QUANT)}]", _POSTFIX
    if isinstance(e, ir.Call):
        return f"{e.fn.value}({_args(e.args)})", _ATOM
    if isinstance(e, ir.SetLit):
        return "{" + _args(e.elems) + "}", _ATOM
    if isinstance(e, ir.SeqLit):
        return "<<" + _args(e.elems) + ">>", _ATOM
    if isinstance(e, ir.RecordLit):
        fields = ", ".join(f"{n}: {_fmt(v, _QUANT)}" for n, v in e.fields)
        name = e.ty.name if isinstance(e.ty, ir.RecordType) else "?"
        return f"{name} {{ {fields} }}", _ATOM
    if isinstance(e, ir.MapLit):
        key = e.ty.key if isinstance(e.ty, ir.MapType) else e.ty
        return f"[{e.var}: {type_str(key)} |-> {_fmt(e.body, _QUANT)}]", _ATOM
    if isinstance(e, ir.Quant):
        word = {QuantKind.FORALL: "forall", QuantKind.EXISTS: "exists", QuantKind.COUNT: "count"}[
            e.kind
        ]
        return f"{word} {e.var}: {type_str(e.domain)} . {_fmt(e.body, _QUANT)}", _QUANT
    raise TypeError(f"not an IR expression: {e!r}")
