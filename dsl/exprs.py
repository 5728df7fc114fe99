"""Name resolution and typing of expressions: :mod:`dsl.ast` expressions -> typed IR.

:class:`ExprChecker` lowers one expression in an :class:`Env` (what is in scope, and
where we are, for messages).  Errors are collected in the shared :class:`Diags`; an
erroneous subexpression gets :data:`~dsl.typerules.ERR` as its type so that checking goes
on without cascades.  Constants are replaced by their values (the IR is instantiated).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dsl import ast, ir
from dsl.ir import (
    BinOp,
    BoolType,
    Builtin,
    EnumType,
    IntType,
    MapType,
    NameKind,
    ProcType,
    QuantKind,
    RecordType,
    SeqType,
    SetType,
    Span,
    Type,
    UnOp,
)
from dsl.typerules import (
    ERR,
    Diags,
    compatible,
    domain_size,
    is_bool,
    is_error,
    is_int,
    is_round_type,
    is_scalar_or_error,
    join,
    suggest,
)

_BINOPS = {op.value: op for op in BinOp}
_ARITH = {BinOp.ADD, BinOp.SUB, BinOp.MUL}
_ORDER = {BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE}
_LOGIC = {BinOp.AND, BinOp.OR, BinOp.IMPLIES}
_SETOPS = {BinOp.UNION, BinOp.INTER, BinOp.DIFF}
_ARITY = {
    Builtin.LEN: 1,
    Builtin.SIZE: 1,
    Builtin.APPEND: 2,
    Builtin.PREFIX: 2,
    Builtin.MIN: 2,
    Builtin.MAX: 2,
}
_BUILTINS = {b.value: b for b in Builtin}
_CONST_OPS = ("+", "-", "*", "/", "%")
_ONE = ir.IntLit(1, IntType(1, 1))  # the divisor put in place of an erroneous one


@dataclass(frozen=True)
class Binding:
    """A local name: what it is, its type, where it was declared."""

    kind: NameKind
    ty: Type
    span: Span | None


@dataclass
class Globals:
    """Everything declared at top level, after constants and types are resolved."""

    diags: Diags
    consts: dict[str, int]
    enum_members: dict[str, tuple[EnumType, int]]
    types: dict[str, Type]  # named types
    roles: dict[str, ProcType]
    declared: dict[str, tuple[str, Span]]  # global name -> ("a role", where)...
    resolve_type: Callable[[ast.TypeExpr], Type]


@dataclass
class Env:
    """The scope of one expression.  ``state`` holds the role's variables; when
    ``state_ok`` is false they are visible only to say that they may not be used."""

    where: str
    role: ProcType | None = None
    self_ok: bool = False
    state: dict[str, Binding] = field(default_factory=dict)
    state_ok: bool = False
    scopes: list[dict[str, Binding]] = field(default_factory=list)

    def lookup_local(self, name: str) -> Binding | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def visible_names(self) -> set[str]:
        names = {n for s in self.scopes for n in s}
        return names | set(self.state) if self.state_ok else names


def is_const_expr(e: ast.Expr, consts: dict[str, int]) -> bool:
    """True for integer literals, constants and + - * / % over them."""
    if isinstance(e, ast.EInt):
        return True
    if isinstance(e, ast.EName):
        return e.name in consts
    if isinstance(e, ast.EUnary):
        return e.op == "-" and is_const_expr(e.arg, consts)
    if isinstance(e, ast.EBinary):
        return (
            e.op in _CONST_OPS and is_const_expr(e.left, consts) and is_const_expr(e.right, consts)
        )
    return False


def eval_const(e: ast.Expr, lookup: Callable[[ast.EName], int | None], diags: Diags) -> int | None:
    """Evaluate a constant expression; None after reporting an error."""
    if isinstance(e, ast.EInt):
        return e.value
    if isinstance(e, ast.EName):
        return lookup(e)
    if isinstance(e, ast.EUnary) and e.op == "-":
        v = eval_const(e.arg, lookup, diags)
        return None if v is None else -v
    if isinstance(e, ast.EBinary) and e.op in _CONST_OPS:
        a = eval_const(e.left, lookup, diags)
        b = eval_const(e.right, lookup, diags)
        if a is None or b is None:
            return None
        if e.op in ("/", "%") and b == 0:
            diags.error(e.right.span, "division by zero in a constant expression")
            return None
        if e.op == "+":
            return a + b
        if e.op == "-":
            return a - b
        if e.op == "*":
            return a * b
        return a // b if e.op == "/" else a % b
    diags.error(e.span, "not a constant expression")
    return None


def _empty_literal(e: ast.Expr) -> bool:
    """An expression whose type can only come from its context (``{}``, ``<<>>``)."""
    if isinstance(e, (ast.ESet, ast.ESeq)):
        return not e.elems
    if isinstance(e, ast.EIte):
        return _empty_literal(e.then) and _empty_literal(e.else_)
    return False


class ExprChecker:
    """Lowers AST expressions to typed IR expressions."""

    def __init__(self, g: Globals):
        self.g = g
        self.diags = g.diags

    def error(self, span: Span | None, message: str) -> None:
        self.diags.error(span, message)

    # ------------------------------------------------------------ local names

    def declare(
        self,
        env: Env,
        scope: dict[str, Binding],
        name: str,
        span: Span | None,
        kind: NameKind,
        ty: Type,
    ) -> None:
        """Bind a new local name in ``scope``; names may not shadow anything."""
        if name == "_":
            return
        prev = scope.get(name) or env.lookup_local(name)
        if prev is not None:
            where = f" (first declared at {prev.span.line}:{prev.span.col})" if prev.span else ""
            self.error(span, f"duplicate name '{name}'{where}")
        elif name in env.state:
            self.error(span, f"'{name}' is already a state variable of the role")
        elif name in self.g.declared:
            what, at = self.g.declared[name]
            self.error(span, f"'{name}' is already declared as {what} at {at.line}:{at.col}")
        scope[name] = Binding(kind, ty, span)

    # ----------------------------------------------------------------- entry

    def check(self, e: ast.Expr, env: Env, expected: Type | None = None) -> ir.Expr:
        method = getattr(self, "_" + type(e).__name__)
        return method(e, env, expected)

    def check_bool(self, e: ast.Expr, env: Env, what: str) -> ir.Expr:
        x = self.check(e, env, BoolType())
        if not is_bool(x.ty) and not is_error(x.ty):
            self.error(e.span, f"{what} must be a bool, not '{x.ty}'")
        return x

    def check_int(self, e: ast.Expr, env: Env, what: str) -> ir.Expr:
        x = self.check(e, env)
        if not is_int(x.ty) and not is_error(x.ty):
            self.error(e.span, f"{what} must be an integer, not '{x.ty}'")
        return x

    def round_component(self, e: ast.Expr, env: Env, what: str) -> ir.Expr:
        """One component of a round, observation or candidate: an int, enum or bool."""
        x = self.check(e, env)
        if not is_round_type(x.ty):
            self.error(
                e.span,
                f"the components of {what} must be integers, enums or booleans, not '{x.ty}'",
            )
        return x

    def check_pair(self, a: ast.Expr, b: ast.Expr, env: Env) -> tuple[ir.Expr, ir.Expr]:
        """Check two operands that give each other context (empty literals)."""
        if _empty_literal(a) and not _empty_literal(b):
            y = self.check(b, env)
            return self.check(a, env, y.ty), y
        x = self.check(a, env)
        return x, self.check(b, env, x.ty)

    # ----------------------------------------------------------------- atoms

    def _EInt(self, e: ast.EInt, env: Env, expected: Type | None) -> ir.Expr:
        return ir.IntLit(e.value, IntType(e.value, e.value), span=e.span)

    def _EBool(self, e: ast.EBool, env: Env, expected: Type | None) -> ir.Expr:
        return ir.BoolLit(e.value, span=e.span)

    def _ESelf(self, e: ast.ESelf, env: Env, expected: Type | None) -> ir.Expr:
        if env.role is None or not env.self_ok:
            self.error(e.span, f"'self' cannot be used in {env.where}")
            return ir.SelfRef(ERR, span=e.span)  # type: ignore[arg-type]
        return ir.SelfRef(env.role, span=e.span)

    def _EName(self, e: ast.EName, env: Env, expected: Type | None) -> ir.Expr:
        name = e.name
        local = env.lookup_local(name)
        if local is not None:
            return ir.Name(name, local.kind, local.ty, span=e.span)
        if name in env.state:
            var = env.state[name]
            if not env.state_ok:
                self.error(e.span, f"{env.where} cannot refer to state variable '{name}'")
            return ir.Name(name, NameKind.STATE, var.ty, span=e.span)
        if name in self.g.consts:
            v = self.g.consts[name]
            return ir.IntLit(v, IntType(v, v), span=e.span)
        if name in self.g.enum_members:
            ety, idx = self.g.enum_members[name]
            return ir.EnumLit(name, idx, ety, span=e.span)
        if name in self.g.declared:
            what = self.g.declared[name][0]
            if what != "a constant":  # a constant without a value: its error is reported
                self.error(e.span, f"'{name}' is {what}, not a value")
        else:
            pool = env.visible_names() | set(self.g.consts) | set(self.g.enum_members)
            self.error(e.span, f"unknown name '{name}'{suggest(name, pool)}")
        return ir.Name(name, NameKind.STATE, ERR, span=e.span)  # type: ignore[arg-type]

    # ------------------------------------------------------------- operators

    def _EUnary(self, e: ast.EUnary, env: Env, expected: Type | None) -> ir.Expr:
        if e.op == "not":
            arg = self.check_bool(e.arg, env, "the operand of 'not'")
            return ir.Unary(UnOp.NOT, arg, BoolType(), span=e.span)
        arg = self.check_int(e.arg, env, "the operand of '-'")
        ty = IntType(-arg.ty.hi, -arg.ty.lo) if isinstance(arg.ty, IntType) else ERR
        return ir.Unary(UnOp.NEG, arg, ty, span=e.span)  # type: ignore[arg-type]

    def _EBinary(self, e: ast.EBinary, env: Env, expected: Type | None) -> ir.Expr:
        op = _BINOPS[e.op]
        if op in _LOGIC:
            left = self.check_bool(e.left, env, f"the left operand of '{e.op}'")
            right = self.check_bool(e.right, env, f"the right operand of '{e.op}'")
            return ir.Binary(op, left, right, BoolType(), span=e.span)
        if op in (BinOp.DIV, BinOp.MOD):
            return self._division(e, op, env)
        if op in _ARITH:
            left = self.check_int(e.left, env, f"the left operand of '{e.op}'")
            right = self.check_int(e.right, env, f"the right operand of '{e.op}'")
            ty: Type = ERR  # type: ignore[assignment]
            if is_int(left.ty) and is_int(right.ty):
                ty = _arith_type(op, left.ty, right.ty)
            return ir.Binary(op, left, right, ty, span=e.span)
        if op == BinOp.IN:
            return self._membership(e, env)
        left, right = self.check_pair(e.left, e.right, env)
        lt, rt = left.ty, right.ty
        if op in _SETOPS:
            ok = isinstance(lt, SetType) and isinstance(rt, SetType) and compatible(lt, rt)
            if not ok and not (is_error(lt) or is_error(rt)):
                self.error(
                    e.span, f"'{e.op}' needs two sets of the same kind, got '{lt}' and '{rt}'"
                )
            ty = ERR if not ok else (lt if op == BinOp.DIFF else join(lt, rt))  # type: ignore
            return ir.Binary(op, left, right, ty, span=e.span)
        if op in _ORDER:
            ok = (is_int(lt) and is_int(rt)) or (isinstance(lt, EnumType) and lt == rt)
            if not ok and not (is_error(lt) or is_error(rt)):
                self.error(
                    e.span,
                    f"'{e.op}' compares integers or members of one enum, not '{lt}' and '{rt}'",
                )
        elif not compatible(lt, rt):
            self.error(e.span, f"cannot compare '{lt}' with '{rt}'")
        return ir.Binary(op, left, right, BoolType(), span=e.span)

    def _division(self, e: ast.EBinary, op: BinOp, env: Env) -> ir.Expr:
        left = self.check_int(e.left, env, f"the left operand of '{e.op}'")
        if not is_const_expr(e.right, self.g.consts):
            self.check(e.right, env)
            self.error(
                e.right.span,
                "unsupported construct: division by a non-constant "
                f"(the right side of '{e.op}' must be a positive constant)",
            )
            return ir.Binary(op, left, _ONE, ERR, span=e.span)  # type: ignore[arg-type]
        k = eval_const(e.right, lambda n: self.g.consts[n.name], self.diags)
        if k is None or k <= 0:
            if k is not None:
                self.error(
                    e.right.span, f"the right side of '{e.op}' must be a positive constant, not {k}"
                )
            return ir.Binary(op, left, _ONE, ERR, span=e.span)  # type: ignore[arg-type]
        right = ir.IntLit(k, IntType(k, k), span=e.right.span)
        ty: Type = ERR  # type: ignore[assignment]
        if is_int(left.ty):
            lo, hi = left.ty.lo, left.ty.hi
            if op == BinOp.DIV:
                ty = IntType(lo // k, hi // k)
            elif lo >= 0 and hi < k:
                ty = IntType(lo, hi)
            else:
                ty = IntType(0, k - 1)
        return ir.Binary(op, left, right, ty, span=e.span)

    def _membership(self, e: ast.EBinary, env: Env) -> ir.Expr:
        left = self.check(e.left, env)
        right = self.check(e.right, env, SetType(left.ty) if is_scalar_or_error(left.ty) else None)
        rt = right.ty
        if isinstance(rt, SetType):
            if not compatible(left.ty, rt.elem):
                self.error(e.span, f"cannot test whether a '{left.ty}' is in a '{rt}'")
        elif not is_error(rt):
            self.error(e.right.span, f"the right side of 'in' must be a set, not '{rt}'")
        return ir.Binary(BinOp.IN, left, right, BoolType(), span=e.span)

    def _EIte(self, e: ast.EIte, env: Env, expected: Type | None) -> ir.Expr:
        cond = self.check_bool(e.cond, env, "the condition of 'if'")
        if _empty_literal(e.then) and not _empty_literal(e.else_) and expected is None:
            else_ = self.check(e.else_, env)
            then = self.check(e.then, env, else_.ty)
        else:
            then = self.check(e.then, env, expected)
            else_ = self.check(e.else_, env, expected if expected is not None else then.ty)
        if not compatible(then.ty, else_.ty):
            self.error(
                e.span, f"the branches of 'if' have different types: '{then.ty}' and '{else_.ty}'"
            )
            return ir.Ite(cond, then, else_, ERR, span=e.span)  # type: ignore[arg-type]
        return ir.Ite(cond, then, else_, join(then.ty, else_.ty), span=e.span)

    # ------------------------------------------------------------- accessors

    def _EField(self, e: ast.EField, env: Env, expected: Type | None) -> ir.Expr:
        base = self.check(e.base, env)
        ty: Type = ERR  # type: ignore[assignment]
        if isinstance(base.ty, RecordType):
            names = [f for f, _ in base.ty.fields]
            if e.field in names:
                ty = base.ty.field_type(e.field)
            else:
                self.error(
                    e.field_span,
                    f"record '{base.ty.name}' has no field '{e.field}'{suggest(e.field, names)}",
                )
        elif not is_error(base.ty):
            self.error(
                e.field_span,
                f"field access '.{e.field}' on a value of type '{base.ty}', which is not a record",
            )
        return ir.FieldGet(base, e.field, ty, span=e.span)

    def _EIndex(self, e: ast.EIndex, env: Env, expected: Type | None) -> ir.Expr:
        base = self.check(e.base, env)
        index, ty = self.index_into(base.ty, e.index, env, e.base.span)
        return ir.Index(base, index, ty, span=e.span)

    def index_into(
        self, base_ty: Type, idx: ast.Expr, env: Env, base_span: Span | None
    ) -> tuple[ir.Expr, Type]:
        """Check ``base[idx]`` (also for assignment paths): the index and the element type."""
        if isinstance(base_ty, MapType):
            index = self.check(idx, env, base_ty.key)
            if not compatible(index.ty, base_ty.key):
                self.error(
                    idx.span, f"a key of '{base_ty}' must be a '{base_ty.key}', not '{index.ty}'"
                )
            return index, base_ty.value
        if isinstance(base_ty, SeqType):
            return self.check_int(idx, env, "a sequence index"), base_ty.elem
        index = self.check(idx, env)
        if not is_error(base_ty):
            self.error(
                base_span, f"cannot index a value of type '{base_ty}' (only maps and sequences)"
            )
        return index, ERR  # type: ignore[return-value]

    def _ECall(self, e: ast.ECall, env: Env, expected: Type | None) -> ir.Expr:
        fn = _BUILTINS.get(e.fn)
        if fn is None:
            self.error(
                e.fn_span,
                f"unknown function '{e.fn}'{suggest(e.fn, _BUILTINS)} "
                f"(built-ins: {', '.join(_BUILTINS)})",
            )
            args = tuple(self.check(a, env) for a in e.args)
            return ir.Call(Builtin.LEN, args, ERR, span=e.span)  # type: ignore[arg-type]
        if len(e.args) != _ARITY[fn]:
            n = _ARITY[fn]
            self.error(
                e.span, f"{e.fn} takes {n} argument{'s' if n > 1 else ''}, {len(e.args)} given"
            )
            args = tuple(self.check(a, env) for a in e.args)
            return ir.Call(fn, args, ERR, span=e.span)  # type: ignore[arg-type]
        return getattr(self, "_call_" + fn.value)(e, fn, env, expected)

    def _call_len(self, e: ast.ECall, fn: Builtin, env: Env, expected: Type | None) -> ir.Expr:
        s = self.check(e.args[0], env)
        ty: Type = IntType(0, s.ty.max_len) if isinstance(s.ty, SeqType) else ERR  # type: ignore
        if not isinstance(s.ty, SeqType) and not is_error(s.ty):
            self.error(e.args[0].span, f"len needs a sequence, not '{s.ty}'")
        return ir.Call(fn, (s,), ty, span=e.span)

    def _call_size(self, e: ast.ECall, fn: Builtin, env: Env, expected: Type | None) -> ir.Expr:
        s = self.check(e.args[0], env)
        ty: Type = ERR  # type: ignore[assignment]
        if isinstance(s.ty, SetType):
            ty = IntType(0, domain_size(s.ty.elem))
        elif not is_error(s.ty):
            self.error(e.args[0].span, f"size needs a set, not '{s.ty}'")
        return ir.Call(fn, (s,), ty, span=e.span)

    def _call_append(self, e: ast.ECall, fn: Builtin, env: Env, expected: Type | None) -> ir.Expr:
        s = self.check(e.args[0], env, expected if isinstance(expected, SeqType) else None)
        if not isinstance(s.ty, SeqType):
            if not is_error(s.ty):
                self.error(e.args[0].span, f"append needs a sequence, not '{s.ty}'")
            x = self.check(e.args[1], env)
            return ir.Call(fn, (s, x), ERR, span=e.span)  # type: ignore[arg-type]
        x = self.check(e.args[1], env, s.ty.elem)
        if not compatible(x.ty, s.ty.elem):
            self.error(e.args[1].span, f"cannot append a '{x.ty}' to a '{s.ty}'")
            return ir.Call(fn, (s, x), ERR, span=e.span)  # type: ignore[arg-type]
        ty = SeqType(join(s.ty.elem, x.ty), s.ty.max_len + 1)
        return ir.Call(fn, (s, x), ty, span=e.span)

    def _call_prefix(self, e: ast.ECall, fn: Builtin, env: Env, expected: Type | None) -> ir.Expr:
        s = self.check(e.args[0], env, expected if isinstance(expected, SeqType) else None)
        n = self.check_int(e.args[1], env, "the length given to prefix")
        if not isinstance(s.ty, SeqType) and not is_error(s.ty):
            self.error(e.args[0].span, f"prefix needs a sequence, not '{s.ty}'")
            return ir.Call(fn, (s, n), ERR, span=e.span)  # type: ignore[arg-type]
        return ir.Call(fn, (s, n), s.ty, span=e.span)

    def _call_min(self, e: ast.ECall, fn: Builtin, env: Env, expected: Type | None) -> ir.Expr:
        a = self.check_int(e.args[0], env, f"an argument of {fn.value}")
        b = self.check_int(e.args[1], env, f"an argument of {fn.value}")
        ty: Type = ERR  # type: ignore[assignment]
        if is_int(a.ty) and is_int(b.ty):
            pick = min if fn == Builtin.MIN else max
            ty = IntType(pick(a.ty.lo, b.ty.lo), pick(a.ty.hi, b.ty.hi))
        return ir.Call(fn, (a, b), ty, span=e.span)

    _call_max = _call_min

    # ---------------------------------------------------------------- literals

    def _ESet(self, e: ast.ESet, env: Env, expected: Type | None) -> ir.Expr:
        elem: Type | None = expected.elem if isinstance(expected, SetType) else None
        elems = []
        for a in e.elems:
            x = self.check(a, env, elem)
            if not is_scalar_or_error(x.ty):
                self.error(a.span, f"unsupported: sets of non-scalar values ('{x.ty}')")
            elif elem is not None and not compatible(elem, x.ty):
                self.error(a.span, f"a set of '{elem}' cannot contain a '{x.ty}'")
            else:
                elem = x.ty if elem is None else join(elem, x.ty)
            elems.append(x)
        if elem is None:
            self.error(
                e.span,
                f"cannot tell the element type of '{{}}' in {env.where}; "
                "use it where a set is expected (e.g. 'x := {}')",
            )
            return ir.SetLit((), ERR, span=e.span)  # type: ignore[arg-type]
        return ir.SetLit(tuple(elems), SetType(elem), span=e.span)

    def _ESeq(self, e: ast.ESeq, env: Env, expected: Type | None) -> ir.Expr:
        elem: Type | None = expected.elem if isinstance(expected, SeqType) else None
        max_len = max(len(e.elems), expected.max_len if isinstance(expected, SeqType) else 1)
        elems = []
        for a in e.elems:
            x = self.check(a, env, elem)
            if elem is not None and not compatible(elem, x.ty):
                self.error(a.span, f"a sequence of '{elem}' cannot contain a '{x.ty}'")
            else:
                elem = x.ty if elem is None else join(elem, x.ty)
            elems.append(x)
        if elem is None:
            self.error(
                e.span,
                f"cannot tell the element type of '<<>>' in {env.where}; "
                "use it where a sequence is expected (e.g. 'log := <<>>')",
            )
            return ir.SeqLit((), ERR, span=e.span)  # type: ignore[arg-type]
        return ir.SeqLit(tuple(elems), SeqType(elem, max_len), span=e.span)

    def _ERecord(self, e: ast.ERecord, env: Env, expected: Type | None) -> ir.Expr:
        rty = self.g.types.get(e.type_name)
        if not isinstance(rty, RecordType):
            if rty is None and e.type_name not in self.g.declared:
                names = [n for n, t in self.g.types.items() if isinstance(t, RecordType)]
                self.error(
                    e.type_span, f"unknown record type '{e.type_name}'{suggest(e.type_name, names)}"
                )
            elif not is_error(rty):
                self.error(e.type_span, f"'{e.type_name}' is not a record type")
            for f in e.fields:
                self.check(f.value, env)
            return ir.RecordLit((), ERR, span=e.span)  # type: ignore[arg-type]
        given: dict[str, ir.Expr] = {}
        names = [n for n, _ in rty.fields]
        for f in e.fields:
            if f.name in given:
                self.error(f.span, f"field '{f.name}' given twice")
                continue
            if f.name not in names:
                self.error(
                    f.span, f"record '{rty.name}' has no field '{f.name}'{suggest(f.name, names)}"
                )
                self.check(f.value, env)
                continue
            fty = rty.field_type(f.name)
            x = self.check(f.value, env, fty)
            if not compatible(fty, x.ty):
                self.error(
                    f.value.span, f"field '{f.name}' of '{rty.name}' is a '{fty}', not a '{x.ty}'"
                )
            given[f.name] = x
        missing = [n for n in names if n not in given]
        if missing:
            listed = ", ".join(f"'{n}'" for n in missing)
            self.error(
                e.span,
                f"record literal of '{rty.name}' is missing field"
                f"{'s' if len(missing) > 1 else ''} {listed}",
            )
        fields = tuple((n, given[n]) for n in names if n in given)
        return ir.RecordLit(fields, rty, span=e.span)

    def _EMap(self, e: ast.EMap, env: Env, expected: Type | None) -> ir.Expr:
        key = self.g.resolve_type(e.key)
        if not is_scalar_or_error(key):
            self.error(e.key.span, f"unsupported: map keys must be scalar, not '{key}'")
            key = ERR  # type: ignore[assignment]
        scope: dict[str, Binding] = {}
        self.declare(env, scope, e.var, e.var_span, NameKind.BOUND, key)
        env.scopes.append(scope)
        try:
            value_ty = expected.value if isinstance(expected, MapType) else None
            body = self.check(e.body, env, value_ty)
        finally:
            env.scopes.pop()
        if value_ty is not None and compatible(value_ty, body.ty):
            value_ty = join(value_ty, body.ty)
        else:
            value_ty = body.ty
        return ir.MapLit(e.var, body, MapType(key, value_ty), span=e.span)

    def _EQuant(self, e: ast.EQuant, env: Env, expected: Type | None) -> ir.Expr:
        dom = self.g.resolve_type(e.domain)
        if not is_scalar_or_error(dom):
            self.error(e.domain.span, f"a quantifier ranges over a scalar type, not '{dom}'")
            dom = ERR  # type: ignore[assignment]
        scope: dict[str, Binding] = {}
        self.declare(env, scope, e.var, e.var_span, NameKind.BOUND, dom)
        env.scopes.append(scope)
        try:
            body = self.check_bool(e.body, env, f"the body of '{e.kind}'")
        finally:
            env.scopes.pop()
        kind = QuantKind(e.kind)
        ty: Type = IntType(0, domain_size(dom)) if kind == QuantKind.COUNT else BoolType()
        return ir.Quant(kind, e.var, dom, body, ty, span=e.span)


def _arith_type(op: BinOp, a: IntType, b: IntType) -> IntType:
    if op == BinOp.ADD:
        return IntType(a.lo + b.lo, a.hi + b.hi)
    if op == BinOp.SUB:
        return IntType(a.lo - b.hi, a.hi - b.lo)
    products = (a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi)
    return IntType(min(products), max(products))
