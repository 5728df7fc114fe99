"""Check one role: variables, round, observe, candidates, edges and their statements."""

from __future__ import annotations

from dsl import ast, ir
from dsl.exprs import Binding, Env, ExprChecker
from dsl.ir import (
    BoolType,
    EdgeKind,
    EnumType,
    IntType,
    MapType,
    NameKind,
    ProcType,
    RecordType,
    SeqType,
    SetType,
    Span,
    Type,
)
from dsl.typerules import (
    ERR,
    compatible,
    domain_size,
    is_error,
    overrides_used,
    size_error,
    suggest,
)


def default_expr(ty: Type, span: Span | None) -> ir.Expr:
    """An IR expression for the default value of a type (see the ir docstring).

    A process id has no literal syntax; its default (process 0) is ``IntLit(0, ProcType)``.
    """
    if isinstance(ty, BoolType):
        return ir.BoolLit(False, span=span)
    if isinstance(ty, IntType):
        return ir.IntLit(ty.lo, IntType(ty.lo, ty.lo), span=span)
    if isinstance(ty, EnumType):
        return ir.EnumLit(ty.members[0], 0, ty, span=span)
    if isinstance(ty, ProcType):
        return ir.IntLit(0, ty, span=span)
    if isinstance(ty, RecordType):
        fields = tuple((n, default_expr(t, span)) for n, t in ty.fields)
        return ir.RecordLit(fields, ty, span=span)
    if isinstance(ty, SetType):
        return ir.SetLit((), ty, span=span)
    if isinstance(ty, MapType):
        return ir.MapLit("_", default_expr(ty.value, span), ty, span=span)
    if isinstance(ty, SeqType):
        return ir.SeqLit((), ty, span=span)
    return ir.BoolLit(False, span=span)  # ErrorType: the error is already reported


class RoleChecker:
    """Checks one role declaration; ``uses`` records the messages it receives and sends."""

    def __init__(self, exprs: ExprChecker, proc: ProcType, messages: dict[str, ir.MessageDecl]):
        self.x = exprs
        self.g = exprs.g
        self.proc = proc
        self.messages = messages
        self.state: dict[str, Binding] = {}
        self.uses: dict[str, set[str]] = {}

    def error(self, span: Span | None, message: str) -> None:
        self.x.error(span, message)

    def check(self, decl: ast.RoleDecl) -> tuple[ir.Role, dict[str, set[str]]]:
        name = decl.name.name
        var_items = [i for i in decl.items if isinstance(i, ast.VarItem)]
        var_types = [self._declare_var(v) for v in var_items]
        vars_ = tuple(self._var(v, ty) for v, ty in zip(var_items, var_types))
        local = Env(
            where=f"the round of role '{name}'",
            role=self.proc,
            self_ok=True,
            state=self.state,
            state_ok=True,
        )
        rounds = [i for i in decl.items if isinstance(i, ast.RoundItem)]
        observes = [i for i in decl.items if isinstance(i, ast.ObserveItem)]
        if not rounds:
            self.error(
                decl.name.span, f"role '{name}' has no round (add 'round E' or 'round (E1, E2)')"
            )
        for extra in rounds[1:]:
            self.error(
                extra.span,
                f"role '{name}' has more than one round (first at {_at(rounds[0].span)})",
            )
        for again in observes[1:]:
            self.error(again.span, f"role '{name}' has more than one observe clause")
        rnd = self._attrs(rounds[0].exprs, local, "a round") if rounds else ()
        obs = self._attrs(observes[0].exprs, local, "an observation") if observes else None
        cands = tuple(
            ir.Candidate(c.text, self._attrs(c.exprs, local, "a candidate"), span=c.span)
            for item in decl.items
            if isinstance(item, ast.CandidatesItem)
            for c in item.candidates
        )
        edges = self._edges(decl)
        invs = tuple(
            self._invariant(item) for item in decl.items if isinstance(item, ast.InvariantItem)
        )
        role = ir.Role(
            name, self.proc.count, vars_, rnd, obs, cands, edges, span=decl.span, invariants=invs
        )
        return role, self.uses

    def _attrs(self, exprs: tuple[ast.Expr, ...], env: Env, what: str) -> tuple[ir.Expr, ...]:
        return tuple(self.x.round_component(e, env, what) for e in exprs)

    # --------------------------------------------------------------- variables

    def _declare_var(self, v: ast.VarItem) -> Type:
        ty = self.g.resolve_type(v.ty)
        name = v.name.name
        if name in self.state:
            prev = v.name.span if self.state[name].span is None else self.state[name].span
            self.error(
                v.name.span,
                f"duplicate variable '{name}' in role '{self.proc.role}' (first at {_at(prev)})",
            )
            return ty
        if name in self.g.declared:
            what, at = self.g.declared[name]
            self.error(v.name.span, f"'{name}' is already declared as {what} at {at.line}:{at.col}")
        self.state[name] = Binding(NameKind.STATE, ty, v.name.span)
        return ty

    def _var(self, v: ast.VarItem, ty: Type) -> ir.VarDecl:
        name = v.name.name
        if v.init is None:
            return ir.VarDecl(name, ty, default_expr(ty, v.span), span=v.span)
        env = Env(
            where=f"the initial value of '{name}'",
            role=self.proc,
            self_ok=False,
            state=self.state,
            state_ok=False,
        )
        init = self.x.check(v.init, env, ty)
        if not compatible(ty, init.ty):
            self.error(
                v.init.span,
                f"cannot initialize '{name}' of type '{ty}' with a value of type '{init.ty}'",
            )
        return ir.VarDecl(name, ty, init, span=v.span)

    # -------------------------------------------------------------- invariants

    def _invariant(self, item: ast.InvariantItem) -> ir.Invariant:
        """``invariant E`` over the state and ``self``; the message form also sees the
        message's fields (bound positionally) and its sender, like a receive edge."""
        env = Env(
            where=f"an invariant of role '{self.proc.role}'",
            role=self.proc,
            self_ok=True,
            state=self.state,
            state_ok=True,
            scopes=[{}],
        )
        if item.msg is None:
            expr = self.x.check_bool(item.expr, env, "an invariant")
            return ir.Invariant(item.text, expr, span=item.span)
        assert item.sender is not None
        msg = self.messages.get(item.msg.name)
        fields: tuple[tuple[str, Type], ...] = ()
        if msg is None:
            self.error(
                item.msg.span,
                f"unknown message '{item.msg.name}'{suggest(item.msg.name, self.messages)}",
            )
        else:
            fields = msg.fields
            if len(fields) != len(item.bindings):
                self.error(
                    item.msg.span,
                    f"message '{msg.name}' has {_fields(len(fields))}, {len(item.bindings)} bound",
                )
        scope = env.scopes[0]
        for i, b in enumerate(item.bindings):
            ty = fields[i][1] if i < len(fields) else ERR
            self.x.declare(env, scope, b.name, b.span, NameKind.FIELD, ty)  # type: ignore
        sender_role = self._sender_role(item)
        sender_ty = self.g.roles.get(sender_role, ERR) if sender_role else ERR
        self.x.declare(env, scope, item.sender.name, item.sender.span, NameKind.SENDER, sender_ty)  # type: ignore[arg-type]
        expr = self.x.check_bool(item.expr, env, "a message invariant")
        return ir.Invariant(
            item.text,
            expr,
            msg=item.msg.name,
            bindings=tuple(b.name for b in item.bindings),
            sender=None if item.sender.name == "_" else item.sender.name,
            sender_role=sender_role,
            span=item.span,
        )

    # ------------------------------------------------------------------- edges

    def _edges(self, decl: ast.RoleDecl) -> tuple[ir.Edge, ...]:
        edges: list[ir.Edge] = []
        seen: dict[str, Span] = {}
        per_msg: dict[str, int] = {}
        for item in decl.items:
            if isinstance(item, ast.ActionItem):
                edge = self._action(item)
                span = item.name.span
            elif isinstance(item, ast.OnItem):
                n = per_msg[item.msg.name] = per_msg.get(item.msg.name, 0) + 1
                default = item.msg.name if n == 1 else f"{item.msg.name}_{n}"
                edge = self._receive(item, default if item.name is None else item.name.name)
                span = item.msg.span if item.name is None else item.name.span
            else:
                continue
            if edge.name in seen:
                prev = seen[edge.name]
                hint = (
                    ""
                    if not isinstance(item, ast.OnItem) or item.name
                    else " (name the receive edge with 'as NAME')"
                )
                self.error(
                    span,
                    f"duplicate edge name '{edge.name}' in role "
                    f"'{self.proc.role}' (first at {prev.line}:{prev.col}){hint}",
                )
            else:
                seen[edge.name] = span
            edges.append(edge)
        return tuple(edges)

    def _edge_env(self, name: str) -> Env:
        return Env(
            where=f"edge '{name}'",
            role=self.proc,
            self_ok=True,
            state=self.state,
            state_ok=True,
            scopes=[{}],
        )

    def _params(self, params: tuple[ast.Param, ...], env: Env) -> tuple[tuple[str, Type], ...]:
        out = []
        size = 1
        for p in params:
            ty = self.g.resolve_type(p.ty)
            self.x.declare(env, env.scopes[0], p.name, p.span, NameKind.PARAM, ty)
            out.append((p.name, ty))
            size *= max(domain_size(ty), 1)
            problem = size_error(
                f"parameter '{p.name}: {ty}'" if len(out) == 1 else "the parameter tuple", size
            )
            if problem:  # NOTE(size-limits): every event tries each valuation
                self.g.diags.error(p.ty.span, problem + overrides_used(p.ty, self.g.overrides))
                break
        return tuple(out)

    def _guard(self, guard: ast.Expr | None, env: Env, span: Span) -> ir.Expr:
        if guard is None:  # no `when`: always enabled; the span is the whole edge
            return ir.BoolLit(True, span=span)
        return self.x.check_bool(guard, env, "a guard")

    def _action(self, item: ast.ActionItem) -> ir.Edge:
        env = self._edge_env(item.name.name)
        params = self._params(item.params, env)
        guard = self._guard(item.guard, env, item.span)
        body = self._block(item.body, env)
        return ir.Edge(item.name.name, EdgeKind.INTERNAL, params, guard, body, span=item.span)

    def _receive(self, item: ast.OnItem, name: str) -> ir.Edge:
        env = self._edge_env(name)
        scope = env.scopes[0]
        msg = self.messages.get(item.msg.name)
        if msg is None:
            self.error(
                item.msg.span,
                f"unknown message '{item.msg.name}'{suggest(item.msg.name, self.messages)}",
            )
            fields: tuple[tuple[str, Type], ...] = ()
        else:
            self.uses.setdefault(msg.name, set()).add("receives")
            fields = msg.fields
            if len(fields) != len(item.bindings):
                self.error(
                    item.msg.span,
                    f"message '{msg.name}' has {_fields(len(fields))}, {len(item.bindings)} bound",
                )
        for i, b in enumerate(item.bindings):
            ty = fields[i][1] if i < len(fields) else ERR
            self.x.declare(env, scope, b.name, b.span, NameKind.FIELD, ty)  # type: ignore
        sender_role = self._sender_role(item)
        sender_ty = self.g.roles.get(sender_role, ERR) if sender_role else ERR
        self.x.declare(env, scope, item.sender.name, item.sender.span, NameKind.SENDER, sender_ty)  # type: ignore[arg-type]
        params = self._params(item.params, env)
        guard = self._guard(item.guard, env, item.span)
        body = self._block(item.body, env)
        return ir.Edge(
            name,
            EdgeKind.RECEIVE,
            params,
            guard,
            body,
            msg=item.msg.name,
            bindings=tuple(b.name for b in item.bindings),
            sender=None if item.sender.name == "_" else item.sender.name,
            sender_role=sender_role,
            span=item.span,
        )

    def _sender_role(self, item: ast.OnItem | ast.InvariantItem) -> str | None:
        if item.sender_role is not None:
            role = item.sender_role.name
            if role not in self.g.roles:
                self.error(
                    item.sender_role.span, f"unknown role '{role}'{suggest(role, self.g.roles)}"
                )
                return None
            return role
        if len(self.g.roles) == 1:
            return next(iter(self.g.roles))
        assert item.sender is not None  # a message invariant binds its sender like `on`
        self.error(
            item.sender.span,
            f"the sender's role is required because the model has "
            f"{len(self.g.roles)} roles: write 'from "
            f"{item.sender.name}: ROLE'",
        )
        return None

    # -------------------------------------------------------------- statements

    def _block(self, stmts: tuple[ast.Stmt, ...], env: Env) -> tuple[ir.Stmt, ...]:
        env.scopes.append({})
        try:
            out: list[ir.Stmt] = []
            for s in stmts:
                lowered = self._stmt(s, env)
                if lowered is not None:
                    out.append(lowered)
            return tuple(out)
        finally:
            env.scopes.pop()

    def _stmt(self, s: ast.Stmt, env: Env) -> ir.Stmt | None:
        if isinstance(s, ast.SAssign):
            return self._assign(s, env)
        if isinstance(s, ast.SLet):
            value = self.x.check(s.value, env)
            self.x.declare(env, env.scopes[-1], s.name.name, s.name.span, NameKind.LET, value.ty)
            return ir.Let(s.name.name, value, span=s.span)
        if isinstance(s, ast.SIf):
            cond = self.x.check_bool(s.cond, env, "the condition of 'if'")
            return ir.If(cond, self._block(s.then, env), self._block(s.else_, env), span=s.span)
        if isinstance(s, ast.SSend):
            return self._send(s, env)
        if isinstance(s, ast.SBroadcast):
            return self._broadcast(s, env)
        return None  # skip

    def _assign(self, s: ast.SAssign, env: Env) -> ir.Assign:
        name = s.var.name
        local = env.lookup_local(name)
        ty: Type = ERR  # type: ignore[assignment]
        what = None
        if local is not None:
            what = _KIND_WORDS[local.kind]
        elif name in self.state:
            ty = self.state[name].ty
        elif name in self.g.declared:
            what = self.g.declared[name][0].split(" ", 1)[1]  # "a constant" -> "constant"
        else:
            self.error(s.var.span, f"unknown variable '{name}'{suggest(name, self.state)}")
        if what is not None:
            self.error(
                s.var.span,
                f"cannot assign to {what} '{name}'; only state variables can be assigned",
            )
        path: list[ir.FieldStep | ir.IndexStep] = []
        for step in s.path:
            if isinstance(step, ast.LField):
                path.append(ir.FieldStep(step.field))
                if isinstance(ty, RecordType):
                    names = [f for f, _ in ty.fields]
                    if step.field in names:
                        ty = ty.field_type(step.field)
                        continue
                    self.error(
                        step.span,
                        f"record '{ty.name}' has no field '{step.field}'"
                        f"{suggest(step.field, names)}",
                    )
                elif not is_error(ty):
                    self.error(
                        step.span,
                        f"field access '.{step.field}' on a value of type "
                        f"'{ty}', which is not a record",
                    )
                ty = ERR  # type: ignore[assignment]
            else:
                index, ty = self.x.index_into(ty, step.index, env, s.var.span)
                path.append(ir.IndexStep(index))
        value = self.x.check(s.value, env, None if is_error(ty) else ty)
        if not compatible(ty, value.ty):
            self.error(
                s.value.span,
                f"cannot assign a value of type '{value.ty}' to '{name}' of type '{ty}'"
                if not path
                else f"cannot assign a value of type '{value.ty}' to an element of type '{ty}'",
            )
        return ir.Assign(name, tuple(path), value, span=s.span)

    def _args(
        self, msg: ast.Ident, args: tuple[ast.Expr, ...], span: Span, env: Env
    ) -> tuple[ir.Expr, ...]:
        decl = self.messages.get(msg.name)
        if decl is None:
            self.error(msg.span, f"unknown message '{msg.name}'{suggest(msg.name, self.messages)}")
            return tuple(self.x.check(a, env) for a in args)
        self.uses.setdefault(msg.name, set()).add("sends")
        if len(args) != len(decl.fields):
            self.error(
                span, f"message '{msg.name}' has {_fields(len(decl.fields))}, {len(args)} given"
            )
        out = []
        for i, a in enumerate(args):
            fty = decl.fields[i][1] if i < len(decl.fields) else None
            x = self.x.check(a, env, fty)
            if fty is not None and not compatible(fty, x.ty):
                self.error(
                    a.span,
                    f"field '{decl.fields[i][0]}' of message '{msg.name}' is a "
                    f"'{fty}', not a '{x.ty}'",
                )
            out.append(x)
        return tuple(out)

    def _send(self, s: ast.SSend, env: Env) -> ir.Send:
        args = self._args(s.msg, s.args, s.span, env)
        dest = self.x.check(s.dest, env)
        role = ""
        if isinstance(dest.ty, ProcType):
            role = dest.ty.role
        elif not is_error(dest.ty):
            self.error(
                s.dest.span, f"the destination of 'send' must be a process id, not '{dest.ty}'"
            )
        return ir.Send(s.msg.name, args, role, dest, span=s.span)

    def _broadcast(self, s: ast.SBroadcast, env: Env) -> ir.Broadcast:
        args = self._args(s.msg, s.args, s.span, env)
        role = s.role.name
        if role not in self.g.roles:
            self.error(s.role.span, f"unknown role '{role}'{suggest(role, self.g.roles)}")
        elif s.except_self and role != self.proc.role:
            self.error(
                s.span,
                f"'except self' is only allowed when broadcasting to the "
                f"executing role '{self.proc.role}', not '{role}'",
            )
        return ir.Broadcast(s.msg.name, args, role, s.except_self, span=s.span)


_KIND_WORDS = {
    NameKind.STATE: "state variable",
    NameKind.PARAM: "parameter",
    NameKind.FIELD: "message field",
    NameKind.SENDER: "sender",
    NameKind.BOUND: "bound variable",
    NameKind.LET: "let name",
}


def _fields(n: int) -> str:
    return f"{n} field{'s' if n != 1 else ''}"


def _at(span: Span | None) -> str:
    """``line:col`` of a span, for "first at" notes."""
    return f"{span.line}:{span.col}" if span is not None else "?"
