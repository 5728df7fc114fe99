"""SMT encoding of bounded traces of a model (docs/semantics.md §6), exactly the interpreter's
semantics (:mod:`verifier.semantics.interp`).

Layout of a :class:`TraceEncoding` with ``k`` event slots ``i = 0..k-1``:

- ``active@i`` (an active prefix: ``active@i+1 -> active@i``) and one Bool ``fire@i`` per
  (process, edge) pair, exactly one when active (an Int selector rules out two);
- every process's local state at steps ``0..k`` (step 0 the constant initial state; later
  steps fresh symbols with domain constraints); a process that does not act keeps its
  state;
- the acting pair's edge runs symbolically (:mod:`verifier.smt.symexec`) on the pre-state, its
  parameters and the consumed message; under ``fire`` the guard holds, no range violation
  happens, the post-state is the result, and the event is not inert;
- per slot, send positions (NOTE(send-positions)), each with a valid flag, message type,
  destination and fields per possible message type; the slot's actor and tag (the
  actor's round after the event) are shared by its messages;
- per slot, a *consumed* copy (type, source, destination, tag, fields) equal to one valid
  send position of an earlier slot, chosen by a Bool per (slot, earlier position); each
  position is consumed at most once.  The network starts empty.

Formulas returned after construction (length, suspicious, drops, projections, matches)
introduce no new symbols, so they may be negated.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pysmt.environment import Environment
from pysmt.fnode import FNode

from dsl import ir
from verifier.core.budget import Budget
from verifier.core.runtime import GState, Message, Proc, Step, Trace
from verifier.smt.encbase import EdgeRun, EncoderBase, Rounds
from verifier.smt.onestep import OneStepEncoding
from verifier.smt.symval import SVal, model_getter

__all__ = ["OneStepEncoding", "TraceEncoding"]


@dataclass
class _SendPos:
    valid: FNode
    mtype: FNode
    dst: FNode  # global process index
    fields: dict[str, tuple]  # message type -> canonical field values


@dataclass
class _Consumed:
    mtype: FNode
    src: FNode  # global
    dst: FNode  # global
    tag: tuple  # lmax Ints (padded with 0)
    fields: dict[str, tuple]


class TraceEncoding(EncoderBase):
    """Traces of at most ``k`` events from the initial state (see module docstring)."""

    def __init__(
        self,
        model: ir.Model,
        env: Environment,
        k: int,
        *,
        rounds: Rounds | None = None,
        grouped: bool = False,
        prefix: str = "t",
        budget: Budget | None = None,
    ):
        super().__init__(model, env, prefix, rounds)
        self.budget = budget
        ops = self.ops
        self.k = k
        self.grouped = grouped
        self.cons: list[FNode] = []
        self.pairs: list[tuple[int, ir.Edge]] = [
            (pi, e) for pi, p in enumerate(self.procs) for e in self.role_of(p).edges
        ]
        self.recv_types = sorted(
            {e.msg for _, e in self.pairs if e.kind is ir.EdgeKind.RECEIVE and e.msg is not None}
        )
        # message types possibly in flight before the current slot (pruning receive edges)
        self.avail: set[str] = set()
        # states, rounds, observations
        self.states: list[list[dict[str, SVal]]] = [[self.initial_local(p) for p in self.procs]]
        for s in range(1, k + 1):
            row = []
            for p in self.procs:
                st, wf = self.fresh_local(p, p, f"@{s}")
                self.cons += wf
                row.append(st)
            self.states.append(row)
        self.R = [
            [self.round_terms(p, self.states[s][pi]) for pi, p in enumerate(self.procs)]
            for s in range(k + 1)
        ]
        self.obs = [
            [self.observe_vals(p, self.states[s][pi]) for pi, p in enumerate(self.procs)]
            for s in range(k + 1)
        ]
        # slots
        self.active = [self.bool_sym(f"active@{i}") for i in range(k)]
        for i in range(k - 1):
            self.cons.append(ops.implies(self.active[i + 1], self.active[i]))
        self.fire: list[list[FNode]] = []
        self.acts: list[list[FNode]] = []
        self.runs: list[list[EdgeRun | None]] = []
        self.sends: list[list[_SendPos]] = []
        self.actor: list[FNode] = []
        self.tag: list[tuple] = []
        self.consumed: list[_Consumed | None] = []
        self.recv: list[list[tuple[int, int, FNode]]] = []  # (slot, position, Bool)
        self._susp: list[FNode] = []
        self._drops: list[FNode] = []
        self.kappa: list[tuple] = []
        for i in range(k):
            self._slot(i)
        if grouped:
            self._grouped()
        self.changed = [
            [
                self.define(
                    ops.and_(
                        self.acts[s][pi],
                        ops.not_(self._obs_eq(self.obs[s + 1][pi][0], self.obs[s][pi][0])),
                    )
                )
                for pi in range(len(self.procs))
            ]
            for s in range(k)
        ]
        self._frozen = len(self.all_defs())

    # ================================================================ one slot
    def _slot(self, i: int) -> None:
        ops, cons = self.ops, self.cons
        cmsg = self._consumed_copy(i)
        self.consumed.append(cmsg)
        fire: list[FNode] = []
        runs: list[EdgeRun | None] = []
        for pi, e in self.pairs:
            self.tick()
            p = self.procs[pi]
            f = self.bool_sym(f"fire@{i}", str(p), e.name)
            run = None
            receive = e.kind is ir.EdgeKind.RECEIVE
            if not receive or e.msg in self.avail:  # NOTE: else no such message in flight
                params = []
                for pn, pty in e.params:
                    v, wf = self.fresh(pty, f"param@{i}", str(p), e.name, pn)
                    cons.extend(wf)
                    params.append(v)
                fields = sender = None
                if receive:
                    assert cmsg is not None and e.msg is not None
                    fields, sender = cmsg.fields[e.msg], cmsg.src
                self.def_guard = f
                run = self.run_edge(
                    p, e, self.states[i][pi], tuple(params), fields, sender, skip_disabled=True
                )
                self.def_guard = None
            fire.append(f if run is not None else ops.FALSE)
            runs.append(run)
        self.fire.append(fire)
        sel = self.int_sym(f"sel@{i}")
        for j, f in enumerate(fire):
            cons.append(ops.implies(f, ops.ieq(sel, ops.int_(j))))
        cons.append(ops.iff(self.active[i], ops.or_(*fire)))
        acts = [
            ops.or_(*(f for f, (pj, _) in zip(fire, self.pairs) if pj == pi))
            for pi in range(len(self.procs))
        ]
        self.acts.append(acts)
        for pi in range(len(self.procs)):  # frame
            cons.append(
                ops.or_(acts[pi], self._state_eq(self.states[i + 1][pi], self.states[i][pi]))
            )
        actor, tag = (
            self.int_sym(f"actor@{i}"),
            tuple(self.int_sym(f"tag@{i}", c) for c in range(self.lmax)),
        )
        self.actor.append(actor)
        self.tag.append(tag)
        self.runs.append(runs)
        live = [r for r in runs if r is not None]
        npos = max((len(r.result.positions) for r in live), default=0)
        positions = [self._send_pos(i, s, live) for s in range(npos)]
        self.sends.append(positions)
        for pos in positions:
            cons.append(ops.implies(pos.valid, self.active[i]))
        for j, (f, run) in enumerate(zip(fire, runs)):
            if run is not None:
                cons.append(ops.implies(f, self._event(i, j, run, positions, cmsg, actor, tag)))
        self.avail |= {a.msg for r in live for alts in r.result.positions for a in alts}
        self._receive_choice(i)

    def _state_eq(self, a: dict[str, SVal], b: dict[str, SVal]) -> FNode:
        return self.ops.and_(*(self.ops.comp_eq(a[n], b[n]) for n in a))

    def _obs_eq(self, a: tuple, b: tuple) -> FNode:
        return self.ops.and_(*(self.ops.eq(x, y) for x, y in zip(a, b)))

    def _consumed_copy(self, i: int) -> _Consumed | None:
        types = [m for m in self.recv_types if m in self.avail]
        if not types:
            return None
        fields = {}
        for m in types:
            decl = self.model.message(m)
            fields[m] = tuple(self.fresh(t, f"cons@{i}", m, f)[0] for f, t in decl.fields)
        return _Consumed(
            self.int_sym(f"cons@{i}", "type"),
            self.int_sym(f"cons@{i}", "src"),
            self.int_sym(f"cons@{i}", "dst"),
            tuple(self.int_sym(f"cons@{i}", "tag", c) for c in range(self.lmax)),
            fields,
        )

    def _send_pos(self, i: int, s: int, runs: list[EdgeRun]) -> _SendPos:
        types = sorted(
            {a.msg for r in runs if s < len(r.result.positions) for a in r.result.positions[s]}
        )
        fields = {}
        for m in types:
            decl = self.model.message(m)
            fields[m] = tuple(self.fresh(t, f"send@{i}", s, m, f)[0] for f, t in decl.fields)
        return _SendPos(
            self.bool_sym(f"send@{i}", s, "valid"),
            self.int_sym(f"send@{i}", s, "type"),
            self.int_sym(f"send@{i}", s, "dst"),
            fields,
        )

    def _event(
        self,
        i: int,
        j: int,
        run: EdgeRun,
        positions: list[_SendPos],
        cmsg: _Consumed | None,
        actor: FNode,
        tag: tuple,
    ) -> FNode:
        """What ``fire@i`` of pair ``j`` (process pi, edge e) implies."""
        ops = self.ops
        pi, e = self.pairs[j]
        pre, post = self.states[i][pi], self.states[i + 1][pi]
        res = run.result
        parts = [run.guard, ops.not_(res.bad), ops.ieq(actor, ops.int_(pi))]
        parts += [ops.comp_eq(post[n], res.state[n]) for n in post]
        sends_any = res.sends_any(ops)
        parts.append(ops.or_(sends_any, ops.not_(self._state_eq(post, pre))))
        rpre, rpost = self.R[i][pi], self.R[i + 1][pi]
        parts += [
            ops.ieq(t, rpost[c] if c < len(rpost) else ops.int_(0)) for c, t in enumerate(tag)
        ]
        send_bad = []
        for s, pos in enumerate(positions):
            alts = res.positions[s] if s < len(res.positions) else []
            for a in alts:
                g = self.offset[a.role]
                parts.append(
                    ops.implies(
                        a.guard,
                        ops.and_(
                            pos.valid,
                            ops.ieq(pos.mtype, ops.int_(self.msg_index[a.msg])),
                            ops.ieq(pos.dst, ops.plus(a.dst, ops.int_(g))),
                            *(ops.comp_eq(x, y) for x, y in zip(pos.fields[a.msg], a.fields)),
                        ),
                    )
                )
                declared = self.declared_round(a.msg, a.fields)
                if declared is not None:
                    send_bad.append(ops.and_(a.guard, ops.not_(self.tuple_eq(declared, rpost))))
            parts.append(
                ops.implies(ops.not_(ops.or_(*(a.guard for a in alts))), ops.not_(pos.valid))
            )
        recv_bad = ops.FALSE
        if e.kind is ir.EdgeKind.RECEIVE:
            assert cmsg is not None and e.msg is not None
            parts += [
                ops.ieq(cmsg.mtype, ops.int_(self.msg_index[e.msg])),
                ops.ieq(cmsg.dst, ops.int_(pi)),
            ]
            if e.sender_role is not None:
                lo = self.offset[e.sender_role]
                parts.append(
                    ops.in_range(cmsg.src, lo, lo + self.model.role(e.sender_role).count - 1)
                )
                ctag = cmsg.tag[: len(self.rounds[e.sender_role])]
                recv_bad = ops.not_(ops.and_(self.lex_le(rpre, ctag), self.lex_le(ctag, rpost)))
            else:
                recv_bad = self._recv_bad_any_role(cmsg, rpre, rpost)
        f = self.fire[i][j]
        drop = self.lex_lt(rpost, rpre)
        self._drops.append(ops.and_(f, drop))
        self._susp.append(ops.and_(f, ops.or_(drop, recv_bad, *send_bad)))
        return ops.and_(*parts)

    def _recv_bad_any_role(self, cmsg: _Consumed, rpre: tuple, rpost: tuple) -> FNode:
        ops = self.ops
        out = []
        for r in self.model.roles:
            lo = self.offset[r.name]
            ctag = cmsg.tag[: len(self.rounds[r.name])]
            out.append(
                ops.and_(
                    ops.in_range(cmsg.src, lo, lo + r.count - 1),
                    ops.not_(ops.and_(self.lex_le(rpre, ctag), self.lex_le(ctag, rpost))),
                )
            )
        return ops.or_(*out)

    def _receive_choice(self, i: int) -> None:
        ops, cons = self.ops, self.cons
        cmsg = self.consumed[i]
        rcv = ops.or_(
            *(f for f, (_, e) in zip(self.fire[i], self.pairs) if e.kind is ir.EdgeKind.RECEIVE)
        )
        choices: list[tuple[int, int, FNode]] = []
        if cmsg is not None:
            rsel = self.int_sym(f"rsel@{i}")
            for j in range(i):
                for s, pos in enumerate(self.sends[j]):
                    types = [m for m in pos.fields if m in cmsg.fields]
                    if not types:
                        continue
                    b = self.bool_sym(f"recv@{i}", j, s)
                    cons.append(
                        ops.implies(
                            b,
                            ops.and_(
                                ops.ieq(rsel, ops.int_(len(choices))),
                                pos.valid,
                                ops.ieq(cmsg.mtype, pos.mtype),
                                ops.ieq(cmsg.src, self.actor[j]),
                                ops.ieq(cmsg.dst, pos.dst),
                                *(ops.ieq(x, y) for x, y in zip(cmsg.tag, self.tag[j])),
                                *(
                                    ops.implies(
                                        ops.ieq(pos.mtype, ops.int_(self.msg_index[m])),
                                        ops.and_(
                                            *(
                                                ops.comp_eq(x, y)
                                                for x, y in zip(cmsg.fields[m], pos.fields[m])
                                            )
                                        ),
                                    )
                                    for m in types
                                ),
                            ),
                        )
                    )
                    for j2, s2, b2 in (c for row in self.recv for c in row):
                        if (j2, s2) == (j, s):
                            cons.append(ops.not_(ops.and_(b, b2)))
                    choices.append((j, s, b))
        cons.append(ops.iff(rcv, ops.or_(*(b for _, _, b in choices))))
        self.recv.append(choices)

    def _grouped(self) -> None:
        ops, cons = self.ops, self.cons
        n = self.common_round_length()
        self.kappa = [tuple(self.int_sym(f"kappa@{i}", c) for c in range(n)) for i in range(self.k)]
        for i in range(self.k):
            if i + 1 < self.k:
                cons.append(
                    ops.implies(self.active[i + 1], self.lex_le(self.kappa[i], self.kappa[i + 1]))
                )
            cmsg = self.consumed[i]
            for f, (pi, e) in zip(self.fire[i], self.pairs):
                if f.is_false():
                    continue
                parts = [
                    self.lex_le(self.R[i][pi], self.kappa[i]),
                    self.lex_le(self.kappa[i], self.R[i + 1][pi]),
                ]
                if e.kind is ir.EdgeKind.RECEIVE:
                    assert cmsg is not None
                    parts.append(self.tuple_eq(self.kappa[i], cmsg.tag[:n]))
                cons.append(ops.implies(f, ops.and_(*parts)))

    # ================================================================ queries
    def _check_frozen(self) -> None:
        assert len(self.all_defs()) == self._frozen, "a query formula introduced definitions"

    def constraints(self) -> FNode:
        """All constraints of a trace of at most k events (an active prefix of slots)."""
        return self.ops.and_(*self.cons, *self.all_defs())

    def length_eq(self, d: int) -> FNode:
        """Exactly ``d`` active events."""
        if d < 0 or d > self.k:
            return self.ops.FALSE
        return self.ops.and_(self.active[d - 1] if d > 0 else self.ops.TRUE, self.length_le(d))

    def length_le(self, d: int) -> FNode:
        if d < 0:
            return self.ops.FALSE
        return self.ops.not_(self.active[d]) if d < self.k else self.ops.TRUE

    def suspicious(self) -> FNode:
        """Some active event breaks a local condition (monotone, send, receive)."""
        return self.ops.or_(*self._susp)

    def useless(self) -> FNode:
        """Some active event leaves its process's state unchanged and none of the messages
        it sends is received later in the trace.  Such an event can be deleted without
        changing any projection, giving a shorter trace (docs/algorithm.md, "Pruning")."""
        ops = self.ops
        out = []
        for i in range(self.k):
            same = ops.or_(
                *(
                    ops.and_(
                        self.acts[i][pi], self._state_eq(self.states[i + 1][pi], self.states[i][pi])
                    )
                    for pi in range(len(self.procs))
                )
            )
            received = ops.or_(*(b for row in self.recv[i + 1 :] for (j, _, b) in row if j == i))
            out.append(ops.and_(self.active[i], same, ops.not_(received)))
        return ops.or_(*out)

    def normal_form(self) -> FNode:
        """Adjacent events of different processes appear in increasing process order unless
        the second receives a message sent by the first.  Every trace can be brought to
        this form by swapping adjacent independent events, which keeps each event's pre-
        and post-state, its messages and every projection (docs/algorithm.md, "Pruning")."""
        ops = self.ops
        out = []
        for i in range(self.k - 1):
            from_prev = ops.or_(*(b for (j, _, b) in self.recv[i + 1] if j == i))
            out.append(
                ops.implies(
                    self.active[i + 1], ops.or_(ops.le(self.actor[i], self.actor[i + 1]), from_prev)
                )
            )
        return ops.and_(*out)

    def drops(self) -> FNode:
        """Some active event lowers its process's round."""
        return self.ops.or_(*self._drops)

    def proj_equals(self, projs: tuple[tuple[tuple, ...], ...]) -> FNode:
        """Every process's stutter-free sequence of observations is exactly ``projs[pi]``
        (processes in interpreter order; observations as ``Interpreter.observe``)."""
        ops = self.ops
        parts = []
        for pi, seq in enumerate(projs):
            if not seq:
                return ops.FALSE
            tys = self.obs[0][pi][1]
            consts = [tuple(ops.const(v, t) for v, t in zip(o, tys)) for o in seq]
            parts.append(self._obs_eq(self.obs[0][pi][0], consts[0]))
            c = ops.int_(0)
            for s in range(self.k):
                ch = self.changed[s][pi]
                c = ops.plus(c, ops.term_ite(ch, ops.int_(1), ops.int_(0)))
                parts.append(
                    ops.implies(
                        ch,
                        ops.or_(
                            *(
                                ops.and_(
                                    ops.ieq(c, ops.int_(m)), self._obs_eq(self.obs[s + 1][pi][0], o)
                                )
                                for m, o in enumerate(consts)
                                if m >= 1 and m <= s + 1
                            )
                        ),
                    )
                )
            parts.append(ops.ieq(c, ops.int_(len(seq) - 1)))
        self._check_frozen()
        return ops.and_(*parts)

    def matches(self, steps: tuple[Step, ...]) -> FNode:
        """The trace is exactly ``steps`` (same events, parameters and consumed messages;
        states and sends follow)."""
        ops = self.ops
        parts = [self.length_eq(len(steps))]
        for i, st in enumerate(steps):
            if i >= self.k:
                return ops.FALSE
            pi = self.gidx[st.proc]
            j = next(
                (j for j, (pj, e) in enumerate(self.pairs) if pj == pi and e.name == st.edge), None
            )
            if j is None:
                return ops.FALSE
            e = self.pairs[j][1]
            parts.append(self.fire[i][j])
            run = self.runs[i][j]
            if run is None:
                return ops.FALSE
            parts += [
                ops.eq(v, ops.const(x, t)) for v, x, (_, t) in zip(run.params, st.params, e.params)
            ]
            m, cmsg = st.consumed, self.consumed[i]
            if m is not None and cmsg is not None:
                decl = self.model.message(m.type)
                parts += [ops.ieq(cmsg.src, ops.int_(self.gidx[m.src]))]
                parts += [ops.ieq(x, ops.int_(v)) for x, v in zip(cmsg.tag, m.tag)]
                parts += [
                    ops.eq(x, ops.const(v, t))
                    for x, v, (_, t) in zip(cmsg.fields[m.type], m.fields, decl.fields)
                ]
        self._check_frozen()
        return ops.and_(*parts)

    # ================================================================ decoding
    def decode(self, model) -> Trace:
        """The trace of a model (a pysmt model or solver): active steps only."""
        get = model_getter(model)
        n = sum(1 for a in self.active if get(a))
        locs = [
            tuple(self.decode_local(p, self.states[0][pi], get) for pi, p in enumerate(self.procs))
        ]
        net: Counter = Counter()
        states = [GState(locs[0], frozenset())]
        steps, kappas = [], []
        for i in range(n):
            j = next(j for j, f in enumerate(self.fire[i]) if get(f))
            pi, e = self.pairs[j]
            p = self.procs[pi]
            run = self.runs[i][j]
            assert run is not None
            params = tuple(self.ops.decode(v, get) for v in run.params)
            consumed = None
            if e.kind is ir.EdgeKind.RECEIVE:
                cmsg = self.consumed[i]
                assert cmsg is not None and e.msg is not None
                src = self.procs[get(cmsg.src)]
                consumed = Message(
                    e.msg,
                    tuple(self.ops.decode(v, get) for v in cmsg.fields[e.msg]),
                    src,
                    p,
                    self._decode_round(cmsg.tag, src, get),
                )
                net[consumed] -= 1
            rpost = tuple(get(x) for x in self.R[i + 1][pi])
            sent = []
            for pos in self.sends[i]:
                if get(pos.valid):
                    mname = self.model.messages[get(pos.mtype)].name
                    sent.append(
                        Message(
                            mname,
                            tuple(self.ops.decode(v, get) for v in pos.fields[mname]),
                            p,
                            self.procs[int(get(pos.dst))],
                            rpost,
                        )
                    )
            for m in sent:
                net[m] += 1
            pre = self.decode_local(p, self.states[i][pi], get)
            post = self.decode_local(p, self.states[i + 1][pi], get)
            steps.append(Step(p, e.name, params, consumed, tuple(sent), pre, post))
            cur = list(states[-1].locals)
            cur[pi] = post
            states.append(GState.make(tuple(cur), net))
            if self.grouped:
                kappas.append(tuple(get(x) for x in self.kappa[i]))
        return Trace(tuple(steps), tuple(states), tuple(kappas))

    def _decode_round(self, tag: tuple, src: Proc, get) -> tuple:
        return tuple(get(x) for x in tag[: len(self.rounds[src.role])])
