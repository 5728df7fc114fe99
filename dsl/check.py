"""Check a parsed model and lower it to the IR of :mod:`dsl.ir`.

Order of work: register every global name (duplicates are errors), apply command-line
overrides, evaluate constants (any order, cycles are errors), resolve role sizes and named
types, then check messages and roles (variables, round, observe, candidates, edges and
their statements; expressions are handled by :mod:`dsl.exprs`).  Every problem found is
collected; if there is any, one :class:`~dsl.errors.ModelError` carries them all.
"""

from __future__ import annotations

from pathlib import Path

from dsl import ast, ir
from dsl.errors import Diagnostic, ModelError, UsageError
from dsl.exprs import Binding, Env, ExprChecker, Globals, eval_const
from dsl.ir import BoolType, EnumType, IntType, NameKind, ProcType, RecordType, Span, Type
from dsl.roles import RoleChecker
from dsl.typerules import (
    ERR,
    MAX_PROCESSES,
    Diags,
    domain_size,
    is_error,
    overrides_used,
    size_error,
    suggest,
)


def check_module(
    module: ast.Module, filename: str, source: str | None, overrides: dict[str, int] | None = None
) -> ir.Model:
    """Resolve, type-check and instantiate a parsed model."""
    return _ModelChecker(module, filename, source, dict(overrides or {})).run()


class _ModelChecker:
    def __init__(
        self, module: ast.Module, filename: str, source: str | None, overrides: dict[str, int]
    ):
        self.module = module
        self.filename = filename
        self.source = source
        self.overrides = overrides
        self.diags = Diags()
        self.declared: dict[str, tuple[str, Span]] = {}
        self.const_decls: dict[str, ast.ConstDecl] = {}
        self.type_decls: dict[str, ast.TypeDecl] = {}
        self.message_decls: dict[str, ast.MessageDecl] = {}
        self.role_decls: dict[str, ast.RoleDecl] = {}
        self.consts: dict[str, int] = {}
        self._const_busy: set[str] = set()
        self._const_done: set[str] = set()
        self.types: dict[str, Type] = {}
        self._type_busy: set[str] = set()
        self.enum_members: dict[str, tuple[EnumType, int]] = {}
        self.roles: dict[str, ProcType] = {}

    # ------------------------------------------------------------------ driver

    def run(self) -> ir.Model:
        self._register()
        self._apply_overrides()
        for name in self.const_decls:
            self._const(name)
        total = 0
        for name, decl in self.role_decls.items():
            count = self._eval(decl.count)
            note = overrides_used(decl.count, self.overrides)
            if count is not None and count < 1:
                self.diags.error(
                    decl.count.span,
                    f"role '{name}' needs at least 1 process, got {count}{note}",
                )
            total += max(count or 0, 0)
            if count is not None and total > MAX_PROCESSES:
                self.diags.error(
                    decl.count.span,
                    f"role '{name}' makes {total:,} processes in all, more than the limit "
                    f"of {MAX_PROCESSES:,}{note}",
                )
                count = 1
            self.roles[name] = ProcType(name, count if count is not None and count >= 1 else 1)
        for name in self.type_decls:
            self._named_type(name)
        g = Globals(
            self.diags,
            self.consts,
            self.enum_members,
            self.types,
            self.roles,
            self.declared,
            self.resolve_type,
            self.overrides,
        )
        exprs = ExprChecker(g)
        self.diags.phase = 1  # uses of the declarations (NOTE: causes listed first)
        messages = {name: self._message(d, exprs) for name, d in self.message_decls.items()}
        roles = []
        for name, decl in self.role_decls.items():
            roles.append(RoleChecker(exprs, self.roles[name], messages).check(decl))
        self._check_round_lengths(messages, roles)
        if not self.role_decls:
            self.diags.error(
                ir.Span(self.filename, 1, 1, 1, 1),
                "the model declares no role: there is nothing to check "
                "(a model needs at least one `role Name[N] { ... }`)",
            )
        if self.diags.items:
            raise ModelError(self._name_overrides(self.diags.sorted()), self.source)
        return ir.Model(
            name=Path(self.filename).stem or self.filename,
            file=self.filename,
            constants=tuple((n, self.consts[n]) for n in self.const_decls),
            types=tuple((n, self.types[n]) for n in self.type_decls),
            messages=tuple(messages.values()),
            roles=tuple(r for r, _ in roles),
            span=self.module.span,
        )

    def _name_overrides(self, diags: list[Diagnostic]) -> list[Diagnostic]:
        """Say which ``--set`` is involved in an error whose source mentions an overridden
        constant (the model's line alone would blame the model)."""
        if not self.overrides or self.source is None:
            return diags
        import re

        lines = self.source.splitlines()
        out = []
        for d in diags:
            if d.span is not None and "--set" not in d.message and 1 <= d.span.line <= len(lines):
                text = lines[d.span.line - 1]
                if d.span.end_line == d.span.line and d.span.end_col > d.span.col:
                    text = text[d.span.col - 1 : d.span.end_col - 1]
                used = [n for n in self.overrides if re.search(rf"\b{re.escape(n)}\b", text)]
                if used:
                    shown = ", ".join(f"--set {n}={self.overrides[n]}" for n in sorted(used))
                    d = Diagnostic(d.span, f"{d.message} (with {shown})")
            out.append(d)
        return out

    def _register(self) -> None:
        tables = {
            ast.ConstDecl: ("a constant", self.const_decls),
            ast.TypeDecl: ("a type", self.type_decls),
            ast.MessageDecl: ("a message", self.message_decls),
            ast.RoleDecl: ("a role", self.role_decls),
        }
        for d in self.module.decls:
            what, table = tables[type(d)]
            if self._declare_global(d.name.name, what, d.name.span):
                table[d.name.name] = d  # type: ignore[index]
            if isinstance(d, ast.TypeDecl) and isinstance(d.definition, ast.TEnum):
                for m in d.definition.members:
                    self._declare_global(m.name, "an enum member", m.span)

    def _declare_global(self, name: str, what: str, span: Span) -> bool:
        if name in self.declared:
            prev_what, prev = self.declared[name]
            self.diags.error(
                span,
                f"duplicate declaration of '{name}' (already declared as "
                f"{prev_what} at {prev.line}:{prev.col})",
            )
            return False
        self.declared[name] = (what, span)
        return True

    def _apply_overrides(self) -> None:
        for name, value in self.overrides.items():
            if name not in self.const_decls:
                known = ", ".join(self.const_decls) or "no constants"
                raise UsageError(f"unknown constant '{name}' (the model declares: {known})")
            if isinstance(value, bool) or not isinstance(value, int):
                raise UsageError(
                    f"the value of constant '{name}' must be an integer, not {value!r}"
                )

    # --------------------------------------------------------------- constants

    def _const(self, name: str) -> int | None:
        if name in self._const_done:
            return self.consts.get(name)
        if name in self.overrides:
            self.consts[name] = self.overrides[name]
            self._const_done.add(name)
            return self.consts[name]
        decl = self.const_decls[name]
        if name in self._const_busy:
            self.diags.error(decl.name.span, f"constant '{name}' is defined in terms of itself")
            return None
        self._const_busy.add(name)
        value = self._eval(decl.value)
        self._const_busy.discard(name)
        self._const_done.add(name)
        if value is not None:
            self.consts[name] = value
        return value

    def _eval(self, e: ast.Expr) -> int | None:
        return eval_const(e, self._const_ref, self.diags)

    def _const_ref(self, e: ast.EName) -> int | None:
        if e.name in self.const_decls:
            return self._const(e.name)
        if e.name in self.declared:
            what = self.declared[e.name][0]
            self.diags.error(e.span, f"'{e.name}' is {what}, not a constant")
        else:
            self.diags.error(
                e.span, f"unknown constant '{e.name}'{suggest(e.name, self.const_decls)}"
            )
        return None

    # ------------------------------------------------------------------- types

    def _named_type(self, name: str) -> Type:
        if name in self.types:
            return self.types[name]
        decl = self.type_decls[name]
        if name in self._type_busy:
            self.diags.error(decl.name.span, f"type '{name}' is defined in terms of itself")
            return ERR  # type: ignore[return-value]
        self._type_busy.add(name)
        d = decl.definition
        ty: Type
        if isinstance(d, ast.TEnum):
            ty = EnumType(name, tuple(m.name for m in d.members))
            for i, m in enumerate(d.members):
                if self.declared.get(m.name) == ("an enum member", m.span):
                    self.enum_members[m.name] = (ty, i)
        elif isinstance(d, ast.TRecord):
            fields: dict[str, Type] = {}
            for p in d.fields:
                if p.name in fields:
                    self.diags.error(p.span, f"duplicate field '{p.name}' in record '{name}'")
                    continue
                fields[p.name] = self.resolve_type(p.ty)
            ty = RecordType(name, tuple(fields.items()))
        else:
            ty = self.resolve_type(d)
        self._type_busy.discard(name)
        self.types[name] = ty
        return ty

    def resolve_type(self, t: ast.TypeExpr) -> Type:
        """The IR type of a type expression (ERR after reporting a problem)."""
        if isinstance(t, ast.TBool):
            return BoolType()
        if isinstance(t, ast.TRange):
            lo, hi = self._eval(t.lo), self._eval(t.hi)
            if lo is None or hi is None:
                return ERR  # type: ignore[return-value]
            if lo > hi:
                self.diags.error(
                    t.span,
                    f"empty range {lo}..{hi} (the low bound exceeds the high bound)"
                    + overrides_used(t, self.overrides),
                )
                return ERR  # type: ignore[return-value]
            return IntType(lo, hi)
        if isinstance(t, ast.TName):
            if t.name in self.type_decls:
                return self._named_type(t.name)
            if t.name in self.roles:
                return self.roles[t.name]
            if t.name in self.declared:
                what = self.declared[t.name][0]
                if what != "a type":  # a duplicate type declaration was reported already
                    self.diags.error(t.span, f"'{t.name}' is {what}, not a type")
            else:
                pool = list(self.type_decls) + list(self.roles) + ["bool"]
                self.diags.error(t.span, f"unknown type '{t.name}'{suggest(t.name, pool)}")
            return ERR  # type: ignore[return-value]
        if isinstance(t, ast.TSet):
            elem = self.resolve_type(t.elem)
            if not _scalar(elem):
                self.diags.error(
                    t.span,
                    f"unsupported: set elements must be scalar (bool, "
                    f"range, enum or role), not '{elem}'",
                )
                return ERR  # type: ignore[return-value]
            self._size(t.elem, f"the element type {elem} of a set", domain_size(elem))
            return ir.SetType(elem)
        if isinstance(t, ast.TMap):
            key, value = self.resolve_type(t.key), self.resolve_type(t.value)
            if not _scalar(key):
                self.diags.error(
                    t.key.span,
                    f"unsupported: map keys must be scalar (bool, "
                    f"range, enum or role), not '{key}'",
                )
                return ERR  # type: ignore[return-value]
            self._size(t.key, f"the key type {key} of a map", domain_size(key))
            return ir.MapType(key, value)
        if isinstance(t, ast.TSeq):
            elem = self.resolve_type(t.elem)
            max_len = self._eval(t.max_len)
            if max_len is not None and max_len < 1:
                self.diags.error(
                    t.max_len.span, f"a sequence's maximum length must be at least 1, got {max_len}"
                )
            if max_len is None or max_len < 1:
                return ERR  # type: ignore[return-value]
            if self._size(t.max_len, "the maximum length of a sequence", max_len):
                return ERR  # type: ignore[return-value]
            return ir.SeqType(elem, max_len)
        raise TypeError(t)  # unreachable: the grammar has no other type syntax

    def _size(self, t: ast.TypeExpr | ast.Expr, what: str, size: int) -> bool:
        """Report (NOTE(size-limits)) a type or length past the enumeration limit."""
        problem = size_error(what, size)
        if problem:
            self.diags.error(t.span, problem + overrides_used(t, self.overrides))
        return problem is not None

    # ---------------------------------------------------------------- messages

    def _message(self, d: ast.MessageDecl, exprs: ExprChecker) -> ir.MessageDecl:
        env = Env(where=f"the round of message '{d.name.name}'")
        scope: dict[str, Binding] = {}
        fields = []
        for p in d.fields:
            if p.name in scope:
                self.diags.error(p.span, f"duplicate field '{p.name}' in message '{d.name.name}'")
                continue
            ty = self.resolve_type(p.ty)
            exprs.declare(env, scope, p.name, p.span, NameKind.FIELD, ty)
            fields.append((p.name, ty))
        rnd = None
        if d.round is not None:
            env.scopes.append(scope)
            rnd = tuple(exprs.round_component(e, env, "a round") for e in d.round)
        return ir.MessageDecl(d.name.name, tuple(fields), rnd, span=d.span)

    def _check_round_lengths(self, messages: dict[str, ir.MessageDecl], roles: list) -> None:
        # Tags (senders' rounds) are compared with receivers' rounds and kappa is one
        # sequence for all processes: every role's round has the same number of components.
        first = next((role for role, _ in roles if role.round), None)
        for role, _ in roles:
            if first is not None and role.round and len(role.round) != len(first.round):
                self.diags.error(
                    role.round[0].span,
                    f"role '{role.name}' has a round of "
                    f"{_components(len(role.round))}, but role '{first.name}' "
                    f"has {_components(len(first.round))}: all roles' rounds "
                    f"must have the same length",
                )
        for role, uses in roles:
            for msg_name, verbs in sorted(uses.items()):
                how = " and ".join(sorted(verbs, reverse=True))  # "sends and receives"
                msg = messages.get(msg_name)
                if msg is None or msg.round is None or not role.round:  # no round: reported
                    continue
                if len(msg.round) == len(role.round):
                    continue
                decl = self.message_decls[msg_name]
                self.diags.error(
                    decl.round_span,
                    f"message '{msg_name}' declares a round of "
                    f"{_components(len(msg.round))}, but role '{role.name}', "
                    f"which {how} it, has a round of {_components(len(role.round))}",
                )


def _components(n: int) -> str:
    return f"{n} component{'s' if n != 1 else ''}"


def _scalar(ty: Type) -> bool:
    return is_error(ty) or ir.is_scalar(ty)
