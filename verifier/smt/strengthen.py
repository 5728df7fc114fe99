"""The one-step encoding strengthened by an induction hypothesis (docs/algorithm.md,
"Unbounded proofs").

:class:`StrengthenedOneStep` wraps a :class:`~verifier.smt.onestep.OneStepEncoding` and
adds, for the acting process ``p`` of the arbitrary event:

* *assumptions* — ``p``'s pre-state satisfies the local invariants of its role; a consumed
  message satisfies the message invariants of ``p``'s role over ``p``'s pre-state, and its
  tag satisfies the inferred round of its type (each atom behind an activation literal, so
  one solver serves the whole Houdini fixpoint);
* *obligations* — formulas saying that the event breaks the hypothesis: an atom of an
  inferred round fails on a sent message (:attr:`tag_bad`), the post-state breaks a local
  invariant, a sent message breaks a message invariant of its receiver (over the
  receiver's state: ``p``'s post-state when ``p`` sends to itself, else an arbitrary state
  of the receiver's role satisfying its local invariants), or a message invariant of
  another in-flight message to ``p`` stops holding (:attr:`obligations`).

The formulas only read symbols of the encoding and of this object; the caller asserts
:meth:`base` once and asks its queries under :meth:`activation` assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pysmt.environment import Environment
from pysmt.fnode import FNode

from dsl import ir
from verifier.core.budget import Budget
from verifier.core.runtime import Message, Proc
from verifier.smt.encbase import Rounds
from verifier.smt.onestep import OneStepEncoding, OneStepEntry
from verifier.smt.symexec import Ctx
from verifier.smt.symval import SVal, model_getter
from verifier.smt.tagrel import (
    InferredRound,
    TagAtom,
    atom_formula,
    candidate_atoms,
    component_labels,
    component_spans,
)

Pair = tuple[str, str]  # (message type, sender role)


@dataclass
class Obligation:
    """One way an event can break the invariants: ``bad`` is satisfiable iff it can."""

    kind: str  # "local" | "send" | "keep"
    role: str  # the role the invariant belongs to
    inv: ir.Invariant
    bad: FNode
    entry: int  # index into the one-step encoding's entries
    key: tuple[str, int]  # (role, index of the invariant in the role)
    # "send": (receiver, its state) used; "keep": the other in-flight message's symbols
    receiver: tuple[str, int] | None = None
    state: dict[str, SVal] | None = None
    message: tuple | None = None  # (fields, src symbol, sender role)


@dataclass
class _Other:
    """An arbitrary in-flight message for a message invariant (the "keep" obligation)."""

    fields: tuple
    src: FNode
    wf: list[FNode] = field(default_factory=list)


class StrengthenedOneStep:
    """See the module docstring."""

    def __init__(
        self,
        model: ir.Model,
        env: Environment,
        *,
        rounds: Rounds | None = None,
        invariants: bool = True,
        infer: bool = True,
        prefix: str = "s",
        budget: Budget | None = None,
    ):
        self.model = model
        self.one = one = OneStepEncoding(model, env, rounds=rounds, prefix=prefix, budget=budget)
        self.ops = one.ops
        self.invs: dict[str, tuple[ir.Invariant, ...]] = {
            r.name: (r.invariants if invariants else ()) for r in model.roles
        }
        self.extra: list[FNode] = []  # assumptions and domain constraints
        self._local_cache: dict[tuple[Proc, int], FNode] = {}
        # ---------------------------------------------------- inferred rounds
        senders: dict[Pair, list[tuple[int, object]]] = {}
        for j, en in enumerate(one.entries):
            for alts in en.run.result.positions:
                for a in alts:
                    senders.setdefault((a.msg, en.proc.role), []).append((j, a))
        receivers: dict[Pair, list[int]] = {}
        for j, en in enumerate(one.entries):
            e: ir.Edge = en.edge
            if en.tag is not None and model.message(e.msg).round is None:  # type: ignore[arg-type]
                receivers.setdefault((e.msg, en.sender_role), []).append(j)  # type: ignore[arg-type]
        self.pairs: list[Pair] = []
        self.atoms: dict[Pair, list[TagAtom]] = {}
        self.labels: dict[Pair, tuple] = {}
        self.act: dict[tuple[Pair, TagAtom], FNode] = {}
        self.tag_bad: dict[tuple[Pair, TagAtom], FNode] = {}
        self.never_sent: set[Pair] = set()
        self.never_act: list[FNode] = []
        if infer:
            self._tags(senders, receivers)
        # ---------------------------------------------------- invariants
        self.obligations: list[Obligation] = []
        self.inv_act: dict[tuple[str, int], FNode] = {
            (r, k): one.bool_sym("inv", r, k)
            for r, invs in self.invs.items()
            for k in range(len(invs))
        }
        self._others: dict[tuple[str, int], _Other] = {}
        self._receiver_states: dict[str, tuple[dict[str, SVal], list[FNode]]] = {}
        for j, en in enumerate(one.entries):
            one.tick()
            self._invariants(j, en)

    # ------------------------------------------------------------------ evaluation
    def eval_inv(
        self,
        inv: ir.Invariant,
        role: str,
        idx: int,
        state: dict[str, SVal],
        fields: tuple | None = None,
        sender: FNode | None = None,
    ) -> FNode:
        """``inv`` for process ``idx`` of ``role`` in ``state`` (message form: for a message
        with canonical ``fields`` from the sender with local index ``sender``)."""
        one = self.one
        ctx = Ctx(dict(state), idx, types=one.var_types(Proc(role, 0)))
        if inv.msg is not None:
            assert fields is not None
            ctx.fields = {b: v for b, v in zip(inv.bindings, fields) if b != "_"}
            ctx.sender = sender
        v = one.sx.expr(inv.expr, ctx)
        assert isinstance(v, FNode)
        return v

    def local_ok(self, p: Proc, state: dict[str, SVal], key: int | None = None) -> FNode:
        """The (enabled) local invariants of ``p``'s role in ``state`` (cached under
        ``key``)."""
        if key is not None and (p, key) in self._local_cache:
            return self._local_cache[p, key]
        ops = self.ops
        out = ops.and_(
            *(
                ops.implies(self.inv_act[p.role, k], self.eval_inv(i, p.role, p.idx, state))
                for k, i in enumerate(self.invs[p.role])
                if i.msg is None
            )
        )
        if key is not None:
            self._local_cache[p, key] = out
        return out

    def _msg_invs(self, role: str, msg: str, sender_role: str) -> list[tuple[int, ir.Invariant]]:
        return [
            (k, i)
            for k, i in enumerate(self.invs[role])
            if i.msg == msg and i.sender_role == sender_role
        ]

    # ------------------------------------------------------------------ tags
    def _tags(self, senders: dict, receivers: dict) -> None:
        one, ops = self.one, self.ops
        pairs = sorted(
            set(receivers) | {p for p in senders if self.model.message(p[0]).round is None}
        )
        for pair in pairs:
            msg, srole = pair
            decl = self.model.message(msg)
            role = self.model.role(srole)
            exprs = one.rounds[srole]
            self.pairs.append(pair)
            self.labels[pair] = component_labels(exprs)
            if pair not in senders:
                self.never_sent.add(pair)
                self.atoms[pair] = []
                act = one.bool_sym("act", msg, srole, "never")
                self.never_act.append(act)
                for j in receivers.get(pair, []):  # no such message is ever in flight
                    self.extra.append(ops.implies(act, ops.not_(one.entries[j].fire)))
                continue
            atoms = candidate_atoms(decl, component_spans(one.sx, role, exprs))
            self.atoms[pair] = atoms
            for atom in atoms:
                act = one.bool_sym("act", msg, srole, atom.comp, atom.op, atom.field, atom.value)
                self.act[pair, atom] = act
                for j in receivers.get(pair, []):
                    en = one.entries[j]
                    self.extra.append(
                        ops.implies(
                            ops.and_(act, en.fire),
                            atom_formula(ops, decl, atom, en.tag, en.fields),
                        )
                    )
                bad = []
                for j, a in senders[pair]:
                    en = one.entries[j]
                    ok = atom_formula(ops, decl, atom, en.rpost, a.fields)
                    bad.append(ops.and_(en.fire, a.guard, ops.not_(ok)))
                self.tag_bad[pair, atom] = ops.or_(*bad)

    def activation(self, kept: dict[Pair, list[TagAtom]] | None) -> list[FNode]:
        """Assumption literals enabling exactly the atoms ``kept`` and the fact that types
        no edge sends are never in flight; with None, no inferred round at all (the plain
        one-step proof: tags of undeclared types unconstrained)."""
        ops = self.ops
        on = {(p, a) for p, atoms in (kept or {}).items() for a in atoms}
        out = [lit if key in on else ops.not_(lit) for key, lit in self.act.items()]
        return out + [ops.not_(a) if kept is None else a for a in self.never_act]

    def tags_broken(self, kept: dict[Pair, list[TagAtom]]) -> FNode:
        """Some send breaks a kept atom."""
        ops = self.ops
        return ops.or_(*(self.tag_bad[p, a] for p, atoms in kept.items() for a in atoms))

    def inferred(self, kept: dict[Pair, list[TagAtom]]) -> tuple[InferredRound, ...]:
        out = []
        for pair in self.pairs:
            msg, srole = pair
            out.append(
                InferredRound(
                    msg,
                    srole,
                    len(self.one.rounds[srole]),
                    tuple(kept.get(pair, ())),
                    self.labels[pair],
                    sent=pair not in self.never_sent,
                )
            )
        return tuple(out)

    # ------------------------------------------------------------------ invariants
    def _receiver_state(self, role: str) -> tuple[dict[str, SVal], list[FNode]]:
        if role not in self._receiver_states:
            self._receiver_states[role] = self.one.fresh_local(Proc(role, 0), "recv", role)
            self.extra += self._receiver_states[role][1]
        return self._receiver_states[role]

    def _other(self, role: str, k: int, inv: ir.Invariant) -> _Other:
        if (role, k) not in self._others:
            one, ops = self.one, self.ops
            decl = self.model.message(inv.msg)  # type: ignore[arg-type]
            fields, wf = [], []
            for fname, fty in decl.fields:
                v, c = one.fresh(fty, "inflight", role, k, fname)
                fields.append(v)
                wf += c
            src = one.int_sym("inflight", role, k, "src")
            srole = self.model.role(inv.sender_role)  # type: ignore[arg-type]
            wf.append(ops.in_range(src, 0, srole.count - 1))
            self._others[role, k] = _Other(tuple(fields), src, wf)
            self.extra += wf
        return self._others[role, k]

    def _invariants(self, j: int, en: OneStepEntry) -> None:
        one, ops = self.one, self.ops
        p: Proc = en.proc
        e: ir.Edge = en.edge
        fire = en.fire
        pre, post = one.pre[p.role], en.post
        if any(i.msg is None for i in self.invs[p.role]):
            self.extra.append(ops.implies(fire, self.local_ok(p, pre, key=-1)))
        if en.fields is not None:
            srole = en.sender_role
            assert srole is not None and en.src is not None
            sender = ops.minus(en.src, ops.int_(one.offset[srole]))
            for k, inv in self._msg_invs(p.role, e.msg, srole):  # type: ignore[arg-type]
                ok = self.eval_inv(inv, p.role, p.idx, pre, en.fields, sender)
                self.extra.append(ops.implies(ops.and_(self.inv_act[p.role, k], fire), ok))
        for k, inv in enumerate(self.invs[p.role]):
            if inv.msg is None:
                ok = self.eval_inv(inv, p.role, p.idx, post)
                self.obligations.append(
                    Obligation("local", p.role, inv, ops.and_(fire, ops.not_(ok)), j, (p.role, k))
                )
        for k, inv in enumerate(self.invs[p.role]):
            if inv.msg is None:
                continue
            x = self._other(p.role, k, inv)
            before = self.eval_inv(inv, p.role, p.idx, pre, x.fields, x.src)
            after = self.eval_inv(inv, p.role, p.idx, post, x.fields, x.src)
            self.obligations.append(
                Obligation(
                    "keep",
                    p.role,
                    inv,
                    ops.and_(fire, before, ops.not_(after)),
                    j,
                    (p.role, k),
                    message=(x.fields, x.src, inv.sender_role),
                )
            )
        for alts in en.run.result.positions:
            for a in alts:
                for k, inv in self._msg_invs(a.role, a.msg, p.role):
                    for q in range(self.model.role(a.role).count):
                        if a.role == p.role and q == p.idx:
                            state, assume = post, ops.TRUE
                        else:
                            state, _ = self._receiver_state(a.role)
                            assume = self.local_ok(Proc(a.role, q), state, key=-2)
                        ok = self.eval_inv(inv, a.role, q, state, a.fields, ops.int_(p.idx))
                        bad = ops.and_(
                            fire, a.guard, ops.ieq(a.dst, ops.int_(q)), assume, ops.not_(ok)
                        )
                        self.obligations.append(
                            Obligation(
                                "send",
                                a.role,
                                inv,
                                bad,
                                j,
                                (a.role, k),
                                receiver=(a.role, q),
                                state=state,
                            )
                        )

    def invariants_broken(self) -> FNode:
        """Some event breaks an enabled invariant."""
        ops = self.ops
        return ops.or_(*(ops.and_(self.inv_act[o.key], o.bad) for o in self.obligations))

    def inv_activation(self, kept: set[tuple[str, int]] | None) -> list[FNode]:
        """Assumption literals enabling the invariants ``kept`` (None: all of them)."""
        ops = self.ops
        return [
            lit if kept is None or key in kept else ops.not_(lit)
            for key, lit in self.inv_act.items()
        ]

    @property
    def has_invariants(self) -> bool:
        return any(self.invs.values())

    # ------------------------------------------------------------------ queries
    def base(self) -> FNode:
        """The encoding and every assumption (assert once)."""
        one = self.one
        return self.ops.and_(*one.cons, *self.extra, *one.all_defs())

    def conditions_broken(self) -> FNode:
        """Some enabled non-inert event breaks a local condition."""
        ops = self.ops
        return ops.or_(*(ops.and_(en.fire, en.bad["any"]) for en in self.one.entries))

    def decode_other(self, ob: Obligation, model) -> tuple[str, object]:
        """What an obligation's counterexample needs besides the event: the receiver and
        its state ("send"), or the other in-flight message ("keep")."""
        get = model_getter(model)
        one = self.one
        if ob.kind == "send":
            assert ob.receiver is not None and ob.state is not None
            role, q = ob.receiver
            proc = Proc(role, q)
            return str(proc), one.decode_local(proc, ob.state, get)
        if ob.kind == "keep":
            assert ob.message is not None
            fields, src, srole = ob.message
            en = one.entries[ob.entry]
            decl = self.model.message(ob.inv.msg)  # type: ignore[arg-type]
            vals = tuple(one.ops.decode(v, get) for v in fields)
            m = Message(decl.name, vals, Proc(srole, int(get(src))), en.proc, ())
            return "message", m
        return "", None
