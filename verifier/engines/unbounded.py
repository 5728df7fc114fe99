"""Unbounded closure proofs: the one-step proof, with inferred message rounds and with
invariants (docs/algorithm.md, "Unbounded proofs").

:func:`prove_unbounded` tries, cheapest first, until one succeeds:

1. **one-step** — no event from any type-correct state breaks a local condition, in-flight
   messages carrying their declared rounds (tags of other types are unconstrained);
2. **one-step with inferred message rounds** — for the message types without a declared
   round, the Houdini fixpoint of :mod:`verifier.smt.tagrel` atoms that every send keeps,
   then the one-step proof with the consumed message's tag constrained by them;
3. **one-step with invariants** — the model's ``invariant`` declarations, checked
   inductive together with the inferred rounds (initial states satisfy them; every event
   from a state satisfying them keeps them), then the one-step proof from the states and
   messages they allow.

Every failure leaves a counterexample to induction (the event, from a state satisfying
the hypothesis, that breaks a local condition or an invariant); the result carries the
last one, and the proof that succeeded is named.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from pysmt.environment import Environment

from dsl import ir
from verifier.core.budget import Budget, BudgetExhausted
from verifier.core.result import CheckOptions, InductionCex, Proof
from verifier.core.runtime import Step
from verifier.semantics.interp import Interpreter
from verifier.semantics.invariants import InvariantEvaluator, reachable_violation, surviving
from verifier.smt.invcands import local_candidates, message_candidates
from verifier.smt.onestep import OneStepWitness
from verifier.smt.strengthen import Pair, StrengthenedOneStep
from verifier.smt.symval import model_getter
from verifier.smt.tagrel import InferredRound, TagAtom


@dataclass
class ProofAttempt:
    """The outcome of :func:`prove_unbounded`: a proof, or the last counterexample to
    induction; ``notes`` say what the attempts found on the way."""

    proof: Proof | None = None
    cti: InductionCex | None = None  # of the last attempt that failed
    invariant_cti: InductionCex | None = None  # the model's invariants are not inductive
    notes: list[str] = field(default_factory=list)


def _step(dec: OneStepWitness) -> Step:
    return Step(
        dec.proc,
        dec.edge,
        dec.params,
        dec.consumed,
        dec.sent,
        dec.pre,
        dec.post,
    )


def invariant_texts(model: ir.Model) -> list[str]:
    return [f"{r.name}: {i.text}" for r in model.roles for i in r.invariants]


def initial_failure(interp: Interpreter) -> InductionCex | None:
    """A local invariant false in the initial state (message invariants hold there: the
    network is empty)."""
    for p, inv, _ in InvariantEvaluator(interp).broken(interp.initial()):
        return InductionCex(
            f"the invariant `{inv.text}` of {p.role} does not hold in the initial state of {p}",
            None,
            (f"{p.role}: {inv.text}",),
        )
    return None


def falsified(interp: Interpreter, bound: int) -> str | None:
    """A note when a trace of at most ``bound`` events reaches a state breaking an
    invariant (the invariant is false, not merely not inductive)."""
    hit = reachable_violation(interp, bound, max_states=50_000)
    if hit is None:
        return None
    steps, p, inv, m = hit
    events = ", ".join(f"{s.proc} {s.edge}" for s in steps) or "none"
    where = f"for a {m.type} from {m.src} in flight to {p}" if m is not None else f"at {p}"
    return (
        f"the invariant `{inv.text}` of {p.role} is false: after {len(steps)} events "
        f"({events}) it fails {where}"
    )


QUERY_LABELS = {"o": "one-step", "i": "one-step-invariants", "a": "one-step-strengthened"}
AUTO_SECONDS = 60.0  # automatic strengthening stops here (or at --timeout, if sooner)


class _Attempt:
    """One strengthened encoding on one query (solver)."""

    def __init__(
        self, model, opts: CheckOptions, env: Environment, query, prefix, budget=None, **kw
    ):
        self.st = StrengthenedOneStep(
            model, env, rounds=opts.rounds, prefix=prefix, budget=budget, **kw
        )
        self.q = query(QUERY_LABELS[prefix])
        self.q.add(self.st.base())
        self.mgr = env.formula_manager
        self.prefix = prefix
        self._asked: set = set()
        self.kept: dict[Pair, list[TagAtom]] = {
            p: list(self.st.atoms[p]) for p in self.st.pairs if p not in self.st.never_sent
        }
        self.kept_invs: set[tuple[str, int]] | None = None  # None: every invariant

    def activation(self, plain: bool = False) -> list:
        st = self.st
        return st.activation(None if plain else self.kept) + st.inv_activation(self.kept_invs)

    def invariant_texts(self) -> list[str]:
        return [
            f"{r}: {inv.text}"
            for r, invs in self.st.invs.items()
            for k, inv in enumerate(invs)
            if self.kept_invs is None or (r, k) in self.kept_invs
        ]

    def _ask(self, name: str, formula, where: str, plain: bool = False) -> bool:
        sel = self.mgr.Symbol(f"{self.prefix}:ask:{name}")
        if sel not in self._asked:
            self._asked.add(sel)
            self.q.add(self.mgr.Implies(sel, formula))
        return self.q.solve([sel, *self.activation(plain)], where=where)

    def houdini(self, with_invariants: bool = False, budget: Budget | None = None) -> int:
        """Drop atoms (and, ``with_invariants``, invariants) until every event keeps every
        one kept; the number of solver calls made."""
        st, n, mgr = self.st, 0, self.mgr
        ors = [
            mgr.And(st.act[p, a], st.tag_bad[p, a]) for p, atoms in self.kept.items() for a in atoms
        ]
        if with_invariants:
            if self.kept_invs is None:
                self.kept_invs = set(st.inv_act)
            ors += [mgr.And(st.inv_act[o.key], o.bad) for o in st.obligations]
        if not ors:
            return 0
        name = "houdini-invariants" if with_invariants else "houdini"
        sel = mgr.Symbol(f"{self.prefix}:ask:{name}")
        self.q.add(mgr.Implies(sel, mgr.Or(ors)))
        what = "invariants and message rounds" if with_invariants else "message rounds"
        while True:
            n += 1
            if budget is not None:
                budget.check(f"inferring {what}")
            if not self.q.solve([sel, *self.activation()], where=f"(inferring {what}, round {n})"):
                return n
            get = model_getter(self.q.model())
            dropped = 0
            for p, atoms in self.kept.items():
                keep = [a for a in atoms if not get(st.tag_bad[p, a])]
                dropped += len(atoms) - len(keep)
                self.kept[p] = keep
            if with_invariants:
                assert self.kept_invs is not None
                broken = {o.key for o in st.obligations if o.key in self.kept_invs and get(o.bad)}
                dropped += len(broken)
                self.kept_invs -= broken
            if not dropped:  # pragma: no cover - a model always breaks a kept atom
                raise AssertionError("Houdini: the model breaks nothing kept")

    def inferred(self) -> tuple[InferredRound, ...]:
        return self.st.inferred(self.kept)

    def assumed(self, with_invariants: bool) -> tuple[str, ...]:
        out = [r.text for r in self.inferred()]
        if with_invariants:
            out = self.invariant_texts() + out
        return tuple(out)

    def invariants_hold(self, interp: Interpreter) -> InductionCex | None:
        """None when no event breaks an invariant, else the counterexample."""
        st = self.st
        if not self._ask("invariants", st.invariants_broken(), "(invariants inductive?)"):
            return None
        model = self.q.model()
        get = model_getter(model)
        ob = next(o for o in st.obligations if get(o.bad) and get(st.inv_act[o.key]))
        step = _step(st.one.decode(model))
        text = f"{ob.role}: {ob.inv.text}"
        if ob.kind == "local":
            what = (
                f"the invariant `{ob.inv.text}` of {ob.role} is not inductive: "
                f"{step.proc}'s state after the event breaks it"
            )
            return InductionCex(what, step, (text,), self.assumed(True))
        who, val = st.decode_other(ob, model)
        if ob.kind == "send":
            what = (
                f"the message invariant `{ob.inv.text}` of {ob.role} is not inductive: "
                f"a message the event sends to {who} breaks it in {who}'s state"
            )
            rcv = (who, val) if who != str(step.proc) else None
            return InductionCex(what, step, (text,), self.assumed(True), receiver=rcv)  # type: ignore[arg-type]
        what = (
            f"the message invariant `{ob.inv.text}` of {ob.role} is not inductive: the event "
            f"changes {step.proc}'s state so that it no longer holds for a message in flight to it"
        )
        return InductionCex(what, step, (text,), self.assumed(True), other=val)  # type: ignore[arg-type]

    def conditions_hold(
        self, label: str, with_invariants: bool, plain: bool = False
    ) -> InductionCex | None:
        """None when no event breaks a local condition under the hypothesis (``plain``:
        without inferred rounds), else the counterexample to induction."""
        st = self.st
        if not self._ask("conditions", st.conditions_broken(), f"({label})", plain):
            return None
        if plain:
            dec = st.one.decode(self.q.model())
            what = f"{label} fails: from some state, {dec.proc}'s '{dec.edge}' breaks " + ", ".join(
                dec.broken
            )
            return InductionCex(what, _step(dec), tuple(dec.broken))
        dec = st.one.decode(self.q.model())
        what = (
            f"{label} fails: from a state satisfying the hypothesis, {dec.proc}'s "
            f"'{dec.edge}' breaks " + ", ".join(dec.broken)
        )
        return InductionCex(what, _step(dec), tuple(dec.broken), self.assumed(with_invariants))


def prove_unbounded(
    model: ir.Model,
    opts: CheckOptions,
    env: Environment,
    query: Callable,
    budget: Budget,
    progress: Callable[[str], None] | None = None,
    interp: Interpreter | None = None,
) -> ProofAttempt:
    """Try the unbounded proofs of the module docstring; ``query(label)`` gives a solver
    wrapper (verifier.engines.smtcheck.Query) in ``env``."""
    out = ProofAttempt()
    if interp is None:
        interp = Interpreter(model, opts.rounds)
    invs = invariant_texts(model)
    # 0. the model's invariants are claims: always checked, used only when inductive
    full = inv_cex = None
    if invs:
        inv_cex = initial_failure(interp)
        if inv_cex is None:
            full = _Attempt(model, opts, env, query, "i", budget, invariants=True, infer=True)
            full.houdini()
            inv_cex = full.invariants_hold(interp)
        if inv_cex is not None:
            full = None
            out.invariant_cti = inv_cex
            note = falsified(interp, opts.bound) if inv_cex.step is not None else None
            out.notes.append(note or "the invariants are not inductive: not used")
    # 1. the plain one-step proof (the encoding of 2 with every inferred atom disabled)
    tags = _Attempt(model, opts, env, query, "o", budget, invariants=False, infer=True)
    cex = tags.conditions_hold("the one-step proof", False, plain=True)
    if cex is None:
        out.proof = Proof("one-step")
        return out
    out.cti = cex
    # 2. with inferred message rounds
    if tags.st.pairs:
        budget.check("inferring message rounds")
        n = tags.houdini()
        rounds = tags.inferred()
        if progress:
            progress(
                f"one-step proof fails; inferred message rounds ({n} solver calls): "
                + "; ".join(r.text for r in rounds)
            )
        cex = tags.conditions_hold("the one-step proof with inferred message rounds", False)
        if cex is None:
            out.proof = Proof(
                "one-step with inferred message rounds", tuple(r.text for r in rounds)
            )
            return out
        out.cti = cex
    if full is not None:
        # 3. with the model's invariants (inductive, step 0)
        budget.check("the one-step proof with invariants")
        cex = full.conditions_hold("the one-step proof with invariants", True)
        if cex is None:
            texts = tuple(r.text for r in full.inferred())
            out.proof = Proof("one-step with invariants", texts, tuple(invs))
            return out
        out.notes.append("the invariants are inductive: " + "; ".join(invs))
        out.cti = cex
    # 4. automatic strengthening: the Houdini fixpoint over candidate invariants
    if not opts.strengthen:
        return out
    sub = Budget(min(budget.remaining() or AUTO_SECONDS, AUTO_SECONDS))
    try:
        proof, cex = _auto(model, interp, opts, env, query, sub, progress)
    except BudgetExhausted as stop:
        out.notes.append(f"automatic strengthening stopped: {stop.reason}")
        return out
    if proof is not None:
        out.proof = proof
    elif cex is not None:
        out.cti = cex
    return out


def with_candidates(model: ir.Model, interp: Interpreter, depth: int = 8) -> ir.Model:
    """``model`` with, as its invariants, the candidate invariants of
    :mod:`verifier.smt.invcands` that no state reachable within ``depth`` events breaks
    (a filter only: what survives is still checked inductive); the model's own
    invariants are left out.  ``interp`` is the model's interpreter."""
    cands = {r.name: tuple(local_candidates(r) + message_candidates(model, r)) for r in model.roles}
    alive = surviving(interp, cands, depth)
    return dataclasses.replace(
        model,
        roles=tuple(
            dataclasses.replace(
                r,
                invariants=tuple(
                    inv for k, inv in enumerate(cands[r.name]) if (r.name, k) in alive
                ),
            )
            for r in model.roles
        ),
    )


def _auto(
    model: ir.Model,
    interp: Interpreter,
    opts: CheckOptions,
    env: Environment,
    query,
    budget: Budget,
    progress,
) -> tuple[Proof | None, InductionCex | None]:
    """Step 4: Houdini over candidate invariants and message-round atoms together, the
    one-step proof from what survives, then a greedy minimisation of the invariants the
    proof needs (each removal re-checked: the rest stays inductive and still proves)."""
    cand = with_candidates(model, interp)
    n = sum(len(r.invariants) for r in cand.roles)
    if not n:
        return None, None
    att = _Attempt(cand, opts, env, query, "a", budget, invariants=True, infer=True)
    calls = att.houdini(with_invariants=True, budget=budget)
    if progress:
        progress(
            f"automatic strengthening: {len(att.kept_invs or ())} of {n} candidate "
            f"invariants inductive ({calls} solver calls)"
        )
    label = "the one-step proof with inferred invariants"
    cex = att.conditions_hold(label, True)
    if cex is not None:
        return None, cex
    st, mgr = att.st, env.formula_manager
    both = mgr.Or(st.invariants_broken(), st.conditions_broken())
    assert att.kept_invs is not None
    changed = True
    while changed:  # passes until no invariant can go (one pass is not minimal)
        changed = False
        for key in sorted(att.kept_invs, reverse=True):  # message templates first
            budget.check("minimising the inferred invariants")
            att.kept_invs.discard(key)
            if att._ask("minimise", both, "(minimising the inferred invariants)"):
                att.kept_invs.add(key)
            else:
                changed = True
    rounds = tuple(r.text for r in att.inferred())
    return Proof("one-step with inferred invariants", rounds, tuple(att.invariant_texts())), None
