"""The one-step encoding: one enabled, non-inert event from an *arbitrary* local state.

If no such event breaks a local condition (docs/semantics.md §6), the reordering lemma proves
communication closure for every bound.  The pre-state of the acting process is any value
within the variables' types (canonical, NOTE(symval-shape)); a receive edge consumes an
arbitrary message addressed to the process: fields within their types, any sender of the
edge's sender role, and as tag the message's declared round (when the type declares one
and ``assume_declared_tags``) or else any round value within the spans of the sender
role's round expressions.
"""

from __future__ import annotations

from dataclasses import dataclass

from pysmt.environment import Environment
from pysmt.fnode import FNode

from dsl import ir
from verifier.core.budget import Budget
from verifier.core.runtime import Message, Proc
from verifier.smt.encbase import EdgeRun, EncoderBase, Rounds
from verifier.smt.symexec import Ctx
from verifier.smt.symval import SVal, model_getter

CONDITIONS = ("monotone", "send", "receive", "any")


@dataclass(frozen=True)
class OneStepEntry:
    """The symbolic event of one (process, edge): ``fire`` selects it; ``post`` is the
    post-state, ``rpre``/``rpost`` the rounds, ``fields``/``src``/``tag`` the consumed
    message's (receive edges; None otherwise); ``bad[c]`` says it breaks condition c of
    :data:`CONDITIONS`."""

    proc: Proc
    edge: ir.Edge
    fire: FNode
    run: EdgeRun
    post: dict[str, SVal]
    rpre: tuple[FNode, ...]
    rpost: tuple[FNode, ...]
    fields: tuple[SVal, ...] | None
    src: FNode | None
    tag: tuple[FNode, ...] | None
    bad: dict[str, FNode]
    sender_role: str | None


@dataclass(frozen=True)
class OneStepWitness:
    """A decoded one-step violation: the event, its rounds and the conditions it breaks."""

    proc: Proc
    edge: str
    params: tuple
    pre: tuple
    post: tuple
    consumed: Message | None
    sent: tuple[Message, ...]
    round_pre: tuple
    round_post: tuple
    broken: tuple[str, ...]


class OneStepEncoding(EncoderBase):
    """One event of one process from an arbitrary state (see module docstring)."""

    def __init__(
        self,
        model: ir.Model,
        env: Environment,
        *,
        rounds: Rounds | None = None,
        assume_declared_tags: bool = True,
        prefix: str = "o",
        budget: Budget | None = None,
    ):
        super().__init__(model, env, prefix, rounds)
        self.budget = budget
        ops = self.ops
        self.cons: list[FNode] = []
        self.pre: dict[str, dict] = {}
        for r in model.roles:
            st, wf = self.fresh_local(Proc(r.name, 0), "pre", r.name)
            self.pre[r.name] = st
            self.cons += wf
        self.entries: list[OneStepEntry] = []
        sel = self.int_sym("sel")
        fires = []
        for p in self.procs:
            for e in self.role_of(p).edges:
                self.tick()
                j = len(self.entries)
                f = self.bool_sym("fire", str(p), e.name)
                fires.append(f)
                self.cons.append(ops.implies(f, ops.ieq(sel, ops.int_(j))))
                self.entries.append(self._entry(p, e, f, assume_declared_tags))
        self.cons.append(ops.or_(*fires))

    def _entry(self, p: Proc, e: ir.Edge, fire: FNode, assume: bool) -> OneStepEntry:
        ops = self.ops
        pre = self.pre[p.role]
        params = []
        for pn, pty in e.params:
            v, wf = self.fresh(pty, "param", str(p), e.name, pn)
            self.cons += [ops.implies(fire, c) for c in wf]
            params.append(v)
        fields = src = tag = None
        sender_role = None
        if e.kind is ir.EdgeKind.RECEIVE:
            assert e.msg is not None
            decl = self.model.message(e.msg)
            made = []
            for fname, fty in decl.fields:
                v, wf = self.fresh(fty, "msg", str(p), e.name, fname)
                self.cons += [ops.implies(fire, c) for c in wf]
                made.append(v)
            fields = tuple(made)
            sender_role = e.sender_role or p.role
            role = self.model.role(sender_role)
            src = self.int_sym("msg", str(p), e.name, "src")
            lo = self.offset[sender_role]
            self.cons.append(ops.implies(fire, ops.in_range(src, lo, lo + role.count - 1)))
            declared = self.declared_round(e.msg, fields)
            if declared is not None and assume:
                tag = declared
            else:
                tag = self._free_tag(p, e, fire, sender_role)
        self.def_guard = fire
        run = self.run_edge(p, e, pre, tuple(params), fields, src)
        assert run is not None
        post = {n: self.define(v) for n, v in run.result.state.items()}
        rpre, rpost = self.round_terms(p, pre), self.round_terms(p, post)
        self.def_guard = None
        res = run.result
        inert = ops.and_(*(ops.comp_eq(post[n], pre[n]) for n in pre))
        enabled = ops.and_(
            run.guard, ops.not_(res.bad), ops.or_(res.sends_any(ops), ops.not_(inert))
        )
        self.cons.append(ops.implies(fire, enabled))
        send_bad = []
        for alts in res.positions:
            for a in alts:
                declared = self.declared_round(a.msg, a.fields)
                if declared is not None:
                    send_bad.append(ops.and_(a.guard, ops.not_(self.tuple_eq(declared, rpost))))
        recv_bad = ops.FALSE
        if tag is not None:
            recv_bad = ops.not_(ops.and_(self.lex_le(rpre, tag), self.lex_le(tag, rpost)))
        bad = {
            "monotone": self.lex_lt(rpost, rpre),
            "send": ops.or_(*send_bad),
            "receive": recv_bad,
        }
        bad["any"] = ops.or_(*bad.values())
        return OneStepEntry(p, e, fire, run, post, rpre, rpost, fields, src, tag, bad, sender_role)

    def _free_tag(self, p: Proc, e: ir.Edge, fire: FNode, sender_role: str) -> tuple:
        ops = self.ops
        role = self.model.role(sender_role)
        ctx = Ctx({}, 0, types={v.name: v.ty for v in role.vars})
        out = []
        for c, expr in enumerate(self.rounds[sender_role]):
            lo, hi = self.sx.span(expr, ctx)
            t = self.int_sym("msg", str(p), e.name, "tag", c)
            self.cons.append(ops.implies(fire, ops.in_range(t, lo, hi)))
            out.append(t)
        return tuple(out)

    def violation(self, condition: str) -> FNode:
        """Some enabled non-inert event breaks ``condition`` (monotone, send, receive, any)."""
        if condition not in CONDITIONS:
            raise ValueError(f"unknown condition {condition!r}; one of {CONDITIONS}")
        ops = self.ops
        some = ops.or_(*(ops.and_(en.fire, en.bad[condition]) for en in self.entries))
        return ops.and_(*self.cons, *self.all_defs(), some)

    def decode(self, model) -> OneStepWitness:
        """The witness event of a model of :meth:`violation` (sends in statement order)."""
        get = model_getter(model)
        en = next(en for en in self.entries if get(en.fire))
        p, e, run = en.proc, en.edge, en.run
        dec = self.ops.decode
        rpost = tuple(get(x) for x in en.rpost)
        consumed = None
        if en.fields is not None:
            assert e.msg is not None and en.src is not None and en.tag is not None
            consumed = Message(
                e.msg,
                tuple(dec(v, get) for v in en.fields),
                self.procs[get(en.src)],
                p,
                tuple(get(x) for x in en.tag),
            )
        sent = []
        for alts in run.result.positions:
            for a in alts:
                if get(a.guard):
                    sent.append(
                        Message(
                            a.msg,
                            tuple(dec(v, get) for v in a.fields),
                            p,
                            Proc(a.role, get(a.dst)),
                            rpost,
                        )
                    )
        return OneStepWitness(
            proc=p,
            edge=e.name,
            params=tuple(dec(v, get) for v in run.params),
            pre=self.decode_local(p, self.pre[p.role], get),
            post=self.decode_local(p, en.post, get),
            consumed=consumed,
            sent=tuple(sent),
            round_pre=tuple(get(x) for x in en.rpre),
            round_post=rpost,
            broken=tuple(c for c in CONDITIONS[:3] if get(en.bad[c])),
        )
