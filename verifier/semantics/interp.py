"""The explicit-state interpreter: the executable semantics of the IR.

This is the reference engine: every other engine is tested against it, and every
counterexample is replayed by it before it is printed.  It follows the normative
semantics of :mod:`dsl.ir` (values, total reads, range violations, inert events, tags) and
docs/semantics.md §3 (network as a multiset, events, traces).  Expression and statement
evaluation lives in :mod:`verifier.semantics.evalcore`; this module turns it into events.

NOTE(successor-order): :meth:`Interpreter.successors` lists events in a fixed order —
processes in global order (roles as declared, then index), edges in declaration order,
for receive edges the distinct in-flight messages addressed to the process sorted by
(sender, fields, tag), then parameter valuations in product order of their domains.
Engines comparing themselves to this one may rely on that order.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from dsl.errors import Diagnostic, InternalError, ModelError
from dsl.ir import Edge, EdgeKind, Expr, Model, Role, domain
from verifier.core.runtime import GState, Local, Message, Proc, Round, Step, Trace
from verifier.core.values import check_value, format_value, sort_key
from verifier.semantics.evalcore import SELF, Compiler, ExprFn, OutOfRange, StmtFn

__all__ = ["Interpreter", "ReplayError"]


class ReplayError(InternalError):
    """A step of a trace is not what the interpreter computes (an engine bug)."""

    def __init__(self, index: int, reason: str):
        self.index = index
        self.reason = reason
        super().__init__(f"replay failed at step {index}: {reason}")


# Why an event did not happen (see Interpreter._fire).
_DISABLED = "the guard is false"
_VIOLATION = "a range violation disables the event"
_INERT = "the event is inert (no state change, nothing sent)"


@dataclass(frozen=True)
class _CEdge:
    """A compiled edge."""

    edge: Edge
    receive: bool
    param_names: tuple[str, ...]
    valuations: tuple[tuple, ...]  # every parameter valuation, in product order
    field_binds: tuple[tuple[int, str], ...]  # (field position, bound name), "_" dropped
    sender: str | None
    guard: ExprFn
    body: StmtFn


@dataclass(frozen=True)
class _CRole:
    """A compiled role."""

    role: Role
    edges: tuple[_CEdge, ...]
    edge_by_name: dict[str, _CEdge]
    round: Callable[[object, dict], tuple]
    observe: Callable[[object, dict], tuple] | None
    var_names: tuple[str, ...]


def _as_round(vals: tuple) -> Round:
    return tuple(int(v) for v in vals)


class Interpreter:
    """Explicit-state semantics of one model instance."""

    def __init__(
        self,
        model: Model,
        rounds: dict[str, tuple[Expr, ...]] | None = None,
        observe: dict[str, tuple[Expr, ...]] | None = None,
    ):
        """`rounds` overrides the round expressions per role name (used by round-attribute
        synthesis); message tags are computed with the effective rounds.  `observe`
        overrides the observe clauses per role name (``--observe``)."""
        if observe:
            from dsl.options import with_observe

            model = with_observe(model, observe)
        self.model = model
        rounds = dict(rounds or {})
        # The round expressions in use, per role (the declared ones unless overridden).
        self.round_exprs: dict[str, tuple[Expr, ...]] = {
            r.name: rounds.get(r.name, r.round) for r in model.roles
        }
        unknown = set(rounds) - {r.name for r in model.roles}
        if unknown:
            raise InternalError(f"round override for unknown role(s) {sorted(unknown)}")
        self._roles: dict[str, _CRole] = {
            r.name: self._compile_role(r, rounds.get(r.name, r.round)) for r in model.roles
        }
        self.procs: tuple[Proc, ...] = tuple(
            Proc(r.name, i) for r in model.roles for i in range(r.count)
        )
        # NOTE(process-order): the one global order of processes (roles as declared, then
        # index), the order of GState.locals and of every projection tuple.
        self.index: Mapping[Proc, int] = MappingProxyType({p: i for i, p in enumerate(self.procs)})
        self._proc_roles: tuple[_CRole, ...] = tuple(self._roles[p.role] for p in self.procs)
        self._msg_rounds: dict[str, tuple[tuple[str, ...], Callable] | None] = {}
        mcomp = Compiler(model, None)
        for m in model.messages:
            if m.round is None:
                self._msg_rounds[m.name] = None
            else:
                self._msg_rounds[m.name] = (tuple(f for f, _ in m.fields), mcomp.exprs(m.round))
        self._sort_keys: dict[Message, object] = {}
        self._expr_cache: dict[tuple[str, int], tuple[tuple[Expr, ...], Callable]] = {}
        self._initial: GState | None = None
        self._step_memo: tuple[dict, ...] = tuple({} for _ in self.procs)  # NOTE(step-memo)

    # ------------------------------------------------------------------ compilation

    def _compile_role(self, role: Role, round_exprs: tuple[Expr, ...]) -> _CRole:
        comp = Compiler(self.model, role)
        edges = tuple(self._compile_edge(comp, e) for e in role.edges)
        return _CRole(
            role=role,
            edges=edges,
            edge_by_name={ce.edge.name: ce for ce in edges},
            round=comp.exprs(round_exprs),
            observe=comp.exprs(role.observe) if role.observe is not None else None,
            var_names=tuple(v.name for v in role.vars),
        )

    def _compile_edge(self, comp: Compiler, e: Edge) -> _CEdge:
        receive = e.kind is EdgeKind.RECEIVE
        if receive and e.msg is None:
            raise InternalError(f"interpreter: receive edge {e.name!r} without a message")
        binds: tuple[tuple[int, str], ...] = ()
        if receive:
            binds = tuple((i, n) for i, n in enumerate(e.bindings) if n != "_")
        return _CEdge(
            edge=e,
            receive=receive,
            param_names=tuple(n for n, _ in e.params),
            valuations=tuple(itertools.product(*(tuple(domain(t)) for _, t in e.params))),
            field_binds=binds,
            sender=e.sender if receive and e.sender not in (None, "_") else None,
            guard=comp.expr(e.guard),
            body=comp.block(e.body, scoped=False),
        )

    # ------------------------------------------------------------------ queries

    def proc_role(self, p: Proc) -> Role:
        """The role of a process."""
        return self._roles[p.role].role

    def proc_index(self, p: Proc) -> int:
        """The position of a process in :attr:`procs` (and in ``GState.locals``)."""
        return self.index[p]

    def round_of(self, p: Proc, local: tuple) -> tuple[int, ...]:
        """The effective round of process ``p`` in local state ``local``."""
        return _as_round(self._roles[p.role].round(local, {SELF: p.idx}))

    def observe(self, p: Proc, local: tuple) -> tuple:
        """What the projection sees: the observe clause's values, or the whole local state."""
        obs = self._roles[p.role].observe
        return local if obs is None else obs(local, {SELF: p.idx})

    def eval_exprs(self, p: Proc, local: tuple, exprs: tuple[Expr, ...]) -> tuple[int, ...]:
        """Evaluate state expressions of ``p``'s role as a round value (bools as 0/1)."""
        key = (p.role, id(exprs))
        hit = self._expr_cache.get(key)
        if hit is None or hit[0] is not exprs:
            hit = (exprs, Compiler(self.model, self._roles[p.role].role).exprs(exprs))
            self._expr_cache[key] = hit
        return _as_round(hit[1](local, {SELF: p.idx}))

    def declared_round(self, msg: Message) -> tuple[int, ...] | None:
        """The message type's declared round evaluated over the message's fields."""
        entry = self._msg_rounds.get(msg.type)
        if entry is None:
            if msg.type not in self._msg_rounds:
                raise InternalError(f"interpreter: unknown message type {msg.type!r}")
            return None
        names, fn = entry
        return _as_round(fn((), dict(zip(names, msg.fields))))

    def local_dict(self, p: Proc, local: tuple) -> dict[str, object]:
        """Variable name -> value for a local state of ``p``."""
        return dict(zip(self._roles[p.role].var_names, local))

    # ------------------------------------------------------------------ states

    def initial(self) -> GState:
        """The initial state: every variable at its initial value, the network empty."""
        if self._initial is None:
            locs = []
            for p in self.procs:
                role = self._roles[p.role].role
                comp = Compiler(self.model, role)
                vals = []
                for v in role.vars:
                    val = comp.expr(v.init)((), {SELF: p.idx})
                    if not check_value(v.ty, val):
                        raise ModelError(
                            [
                                Diagnostic(
                                    v.init.span or v.span,
                                    f"the initial value of {v.name!r} is "
                                    f"{format_value(v.ty, val)}, "
                                    f"which is not in its type {v.ty}",
                                )
                            ]
                        )
                    vals.append(val)
                locs.append(tuple(vals))
            self._initial = GState(tuple(locs), frozenset())
        return self._initial

    def _fire(
        self, pi: int, ce: _CEdge, pre: Local, params: tuple, msg: Message | None
    ) -> tuple[Local, tuple[Message, ...]] | str:
        """Run edge ``ce`` at process number ``pi``: the post-state and the messages sent,
        or the reason (a string) why this is not an event."""
        p = self.procs[pi]
        env: dict = {SELF: p.idx}
        for n, v in zip(ce.param_names, params):
            env[n] = v
        if msg is not None:
            fields = msg.fields
            for i, n in ce.field_binds:
                env[n] = fields[i]
            if ce.sender is not None:
                env[ce.sender] = msg.src.idx
        if not ce.guard(pre, env):
            return _DISABLED
        loc = list(pre)
        out: list = []
        try:
            ce.body(loc, env, out)
        except OutOfRange:
            return _VIOLATION
        post = tuple(loc)
        if not out:
            if post == pre:
                return _INERT
            return post, ()
        tag = _as_round(self._proc_roles[pi].round(post, {SELF: p.idx}))
        return post, tuple(Message(m, f, p, d, tag) for m, f, d in out)

    @staticmethod
    def _next(
        s: GState,
        pi: int,
        post: Local,
        consumed: Message | None,
        sent: tuple[Message, ...],
        counts: dict[Message, int] | None = None,
    ) -> GState:
        """The global state after an event.  ``counts`` (the in-flight counts of ``s``, if
        the caller has them) saves rehashing the whole network: copying a set reuses the
        stored hashes, so only the changed ``(message, count)`` pairs are hashed."""
        locs = s.locals[:pi] + (post,) + s.locals[pi + 1 :]
        if consumed is None and not sent:
            return GState(locs, s.network)
        if counts is None:
            counts = dict(s.network)
        delta: dict[Message, int] = {}
        if consumed is not None:
            delta[consumed] = -1
        for m in sent:
            delta[m] = delta.get(m, 0) + 1
        net = set(s.network)
        for m, d in delta.items():
            if d == 0:
                continue
            c = counts.get(m, 0)
            if c:
                net.remove((m, c))
            if c + d > 0:
                net.add((m, c + d))
        return GState(locs, frozenset(net))

    def _msg_key(self, m: Message) -> object:
        k = self._sort_keys.get(m)
        if k is None:
            k = (self.index[m.src], sort_key(m.fields), m.tag)
            self._sort_keys[m] = k
        return k

    def _inbox(self, s: GState) -> tuple[dict[tuple[Proc, str], list[Message]], dict[Message, int]]:
        """In-flight messages grouped by (destination, type), each group sorted; and the
        in-flight count of each message."""
        box: dict[tuple[Proc, str], list[Message]] = {}
        counts: dict[Message, int] = {}
        for m, c in s.network:
            counts[m] = c
            box.setdefault((m.dst, m.type), []).append(m)
        for group in box.values():
            if len(group) > 1:
                group.sort(key=self._msg_key)  # type: ignore[arg-type]
        return box, counts

    def _edge_steps(self, pi: int, ce: _CEdge, pre: Local, msg: Message | None) -> tuple[Step, ...]:
        """The events of edge ``ce`` at process number ``pi`` from local state ``pre``
        (consuming ``msg`` for a receive edge), one per parameter valuation that fires."""
        p = self.procs[pi]
        out = []
        for params in ce.valuations:
            r = self._fire(pi, ce, pre, params, msg)
            if isinstance(r, str):
                continue
            post, sent = r
            out.append(Step(p, ce.edge.name, params, msg, sent, pre, post))
        return tuple(out)

    def successors(self, s: GState) -> list[tuple[Step, GState]]:
        """Every enabled non-inert event from ``s`` with its successor state, in the order
        of NOTE(successor-order).

        NOTE(step-memo): an event depends only on its process, edge, local pre-state and
        consumed message, so the events of each (process, local state, edge, message) are
        computed once and kept (the same Step objects are returned again)."""
        result: list[tuple[Step, GState]] = []
        box, counts = self._inbox(s)
        nxt, memos, edge_steps = self._next, self._step_memo, self._edge_steps
        for pi, p in enumerate(self.procs):
            pre = s.locals[pi]
            memo = memos[pi].get(pre)
            if memo is None:
                memo = memos[pi][pre] = {}
            for ei, ce in enumerate(self._proc_roles[pi].edges):
                if not ce.receive:
                    steps = memo.get(ei)
                    if steps is None:
                        steps = memo[ei] = edge_steps(pi, ce, pre, None)
                    for step in steps:
                        result.append((step, nxt(s, pi, step.post, None, step.sent, counts)))
                    continue
                e = ce.edge
                for m in box.get((p, e.msg), ()):  # type: ignore[arg-type]
                    if e.sender_role is not None and m.src.role != e.sender_role:
                        continue
                    key = (ei, m)
                    steps = memo.get(key)
                    if steps is None:
                        steps = memo[key] = edge_steps(pi, ce, pre, m)
                    for step in steps:
                        result.append((step, nxt(s, pi, step.post, m, step.sent, counts)))
        return result

    # ------------------------------------------------------------------ replay

    def random_walk(self, rng: random.Random, length: int) -> tuple[Step, ...]:
        """Up to ``length`` events chosen uniformly among the enabled ones at each state
        (fewer when no event is enabled)."""
        state = self.initial()
        steps: list[Step] = []
        for _ in range(length):
            succ = self.successors(state)
            if not succ:
                break
            step, state = succ[rng.randrange(len(succ))]
            steps.append(step)
        return tuple(steps)

    def replay(self, steps: Sequence[Step]) -> Trace:
        """Re-execute ``steps`` from the initial state, checking that each is an enabled
        non-inert event producing exactly that step; raise :class:`ReplayError` if not."""
        s = self.initial()
        states = [s]
        for i, st in enumerate(steps):
            s = self._replay_step(i, s, st)
            states.append(s)
        return Trace(tuple(steps), tuple(states))

    def _diff(self, st: Step, actual: tuple, recorded: tuple | None = None) -> str:
        """The variables whose recorded and actual values differ, in the model's syntax."""
        recorded = st.pre if recorded is None else recorded
        decls = self.model.role(st.proc.role).vars
        if len(recorded) != len(actual) or len(actual) != len(decls):
            return f"recorded {len(recorded)} variables, actual {len(actual)}"
        return "; ".join(
            f"{d.name}: recorded {format_value(d.ty, a)}, actual {format_value(d.ty, b)}"
            for d, a, b in zip(decls, recorded, actual)
            if a != b
        )

    def _msgs(self, msgs) -> str:
        """Messages in the model's syntax: ``Type(field=value, ...) to Dst``."""
        out = []
        for m in msgs:
            decl = self.model.message(m.type)
            args = ", ".join(
                f"{n}={format_value(t, v)}" for (n, t), v in zip(decl.fields, m.fields)
            )
            out.append(f"{m.type}({args}) to {m.dst}")
        return "[" + ", ".join(out) + "]"

    def _replay_step(self, i: int, s: GState, st: Step) -> GState:
        def fail(reason: str) -> ReplayError:
            return ReplayError(i, f"{st.proc} {st.edge}: {reason}")

        pi = self.index.get(st.proc)
        if pi is None:
            raise fail("no such process")
        crole = self._proc_roles[pi]
        ce = crole.edge_by_name.get(st.edge)
        if ce is None:
            raise fail(f"role {st.proc.role} has no edge {st.edge!r}")
        pre = s.locals[pi]
        if st.pre != pre:
            raise fail(f"recorded pre-state differs from the actual one ({self._diff(st, pre)})")
        params = tuple(st.params)
        if len(params) != len(ce.param_names):
            raise fail(f"{len(params)} parameter values for {len(ce.param_names)} parameters")
        for (n, ty), v in zip(ce.edge.params, params):
            if not check_value(ty, v):
                raise fail(f"parameter {n} = {v!r} is not a {ty}")
        m = st.consumed
        if ce.receive:
            if m is None:
                raise fail("a receive edge without a consumed message")
            e = ce.edge
            if m.type != e.msg or m.dst != st.proc:
                raise fail(f"consumed message {self._msgs([m])} is not a {e.msg} for {st.proc}")
            if e.sender_role is not None and m.src.role != e.sender_role:
                raise fail(f"consumed message is not from role {e.sender_role}")
            if s.in_flight()[m] <= 0:
                raise fail(f"consumed message {self._msgs([m])} is not in flight")
        elif m is not None:
            raise fail("an internal edge cannot consume a message")
        r = self._fire(pi, ce, pre, params, m)
        if isinstance(r, str):
            raise fail(r)
        post, sent = r
        if post != st.post:
            raise fail(f"post-state differs ({self._diff(st, post, st.post)})")
        if tuple(st.sent) != sent:
            raise fail(
                f"messages sent differ: recorded {self._msgs(st.sent)}, actual {self._msgs(sent)}"
            )
        return self._next(s, pi, post, m, sent)
