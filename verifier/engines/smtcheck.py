"""The bounded communication-closure check with the SMT engine (docs/algorithm.md).

1. *One-step proof.*  If no event from any type-correct state breaks a local condition
   (in-flight messages carrying their declared rounds), the reordering lemma gives
   closure for every bound: ``closed (all bounds)``.
2. *Suspicious traces, shortest first.*  For d = 1..K, ask for a trace of exactly d
   events in which some event breaks a local condition.  By the lemma, a trace without
   such an event has a grouped equivalent of the same length, so only these can be
   counterexamples (this needs K' >= K, which CheckOptions enforces).
3. *Confirmation.*  For a suspicious trace t (decoded, then replayed by the interpreter),
   ask for a round-grouped trace of at most K' events with t's projections.  If there is
   one, every trace with these projections is answered: block the projections and ask
   again.  If there is none, t is a counterexample.

Both queries are incremental: the trace encoding is asserted once per solver; lengths are
selected by assumption literals, confirmations are pushed and popped.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pysmt.environment import Environment

from dsl.errors import InternalError
from dsl.ir import Model
from verifier.core.budget import Budget, BudgetExhausted
from verifier.core.control import set_phase
from verifier.core.result import CheckOptions, CheckResult, Engine, Stats, Verdict
from verifier.semantics.conditions import projections, trace_violations
from verifier.semantics.interp import Interpreter, ReplayError
from verifier.smt.encbase import EncodingTimeout
from verifier.smt.encode import TraceEncoding
from verifier.smt.query import CallCounter, Query


def _allowed(method: str) -> str:
    """What the states and messages of a one-step proof range over, besides types."""
    if method in ("one-step with invariants", "one-step with inferred invariants"):
        return "and message allowed by the invariants and inferred message rounds "
    if method == "one-step with inferred message rounds":
        return "with messages tagged as inferred "
    return ""


def one_step_proof(
    model: Model, opts: CheckOptions, *, interp: Interpreter | None = None
) -> CheckResult | None:
    """The unbounded proofs alone (``--engine auto`` tries them first;
    verifier.engines.unbounded): the ``closed (all bounds)`` result naming its proof, or
    None when they fail or the solver cannot tell."""
    from verifier.engines.unbounded import prove_unbounded

    start = time.monotonic()
    budget = Budget(opts.timeout, start=start)
    counter = CallCounter()
    if interp is None:
        interp = Interpreter(model, opts.rounds)
        interp.initial()
    env = Environment()
    queries: list[Query] = []

    def query(label: str) -> Query:
        q = Query(env, opts.solver, label, budget=budget, dump_dir=opts.smt2_dir, counter=counter)
        queries.append(q)
        return q

    try:
        attempt = prove_unbounded(model, opts, env, query, budget, None, interp)
    except (EncodingTimeout, BudgetExhausted):
        return None
    finally:
        for q in queries:
            q.close()
    if attempt.proof is None:
        return None
    stats = Stats(seconds=time.monotonic() - start, solver_calls=counter.calls)
    return CheckResult(
        Verdict.CLOSED_ALL,
        opts.bound,
        opts.kprime,
        Engine.SMT,
        opts.solver,
        stats=stats,
        interp=interp,
        reason=f"no event from any state {_allowed(attempt.proof.method)}breaks "
        f"a local condition ({attempt.proof.method} proof, reordering lemma)",
        proof=attempt.proof,
        notes=tuple(attempt.notes),
        cti=attempt.invariant_cti,
    )


def smt_check(
    model: Model,
    opts: CheckOptions,
    progress: Callable[[str], None] | None = None,
    *,
    interp: Interpreter | None = None,
) -> CheckResult:
    """Decide closure up to ``opts.bound`` with the SMT engine (see module docstring).
    ``interp`` is the model compiled with ``opts.rounds`` when the caller has one."""
    start = time.monotonic()
    budget = Budget(opts.timeout, start=start)
    counter = CallCounter()
    stats = Stats()
    if interp is None:
        interp = Interpreter(model, opts.rounds)
        interp.initial()  # a model error in the initial state is reported by every engine
    env = Environment()
    queries: list[Query] = []

    def query(label: str) -> Query:
        q = Query(env, opts.solver, label, budget=budget, dump_dir=opts.smt2_dir, counter=counter)
        queries.append(q)
        return q

    extra: dict = {}

    def done(verdict: Verdict, **kw) -> CheckResult:
        stats.seconds = time.monotonic() - start
        stats.solver_calls = counter.calls
        return CheckResult(
            verdict,
            opts.bound,
            opts.kprime,
            Engine.SMT,
            opts.solver,
            stats=stats,
            interp=interp,
            **{**extra, **kw},
        )

    depth = 0
    try:
        attempt = None
        if opts.one_step:
            from verifier.engines.unbounded import prove_unbounded

            attempt = prove_unbounded(model, opts, env, query, budget, progress, interp)
            if attempt.proof is not None:
                return done(
                    Verdict.CLOSED_ALL,
                    reason=f"no event from any state {_allowed(attempt.proof.method)}breaks "
                    f"a local condition ({attempt.proof.method} proof, reordering lemma)",
                    proof=attempt.proof,
                    notes=tuple(attempt.notes),
                    cti=attempt.invariant_cti,
                )
            extra["cti"] = attempt.invariant_cti or attempt.cti
            extra["notes"] = tuple(attempt.notes)
            if progress:
                progress(
                    f"unbounded proofs fail ({time.monotonic() - start:.1f} s); "
                    f"checking bounded traces"
                )
        set_phase("building the SMT encoding")  # NOTE(run-control): the backstop's words
        main = TraceEncoding(model, env, opts.bound, rounds=opts.rounds, prefix="t", budget=budget)
        wit = TraceEncoding(
            model, env, opts.kprime, rounds=opts.rounds, grouped=True, prefix="g", budget=budget
        )
        search = query("suspicious")
        search.add(main.constraints())
        search.add(main.suspicious())
        # Pruning (docs/algorithm.md): a trace with a deletable event has the projections
        # of a shorter trace, all of which were answered at a smaller depth.
        search.add(env.formula_manager.Not(main.useless()))
        search.add(main.normal_form())
        confirm = query("grouped")
        confirm.add(wit.constraints())
        mgr = env.formula_manager
        set_phase("searching bounded traces")
        tick = getattr(progress, "tick", None)  # live progress during a bound, if shown
        for depth in range(1, opts.bound + 1):
            if tick:
                tick(depth=depth, solver_calls=counter.calls)
            selector = mgr.Symbol(f"len={depth}")
            search.add(mgr.Implies(selector, main.length_eq(depth)))
            refuted_here = 0
            while search.solve([selector], where=f"at depth {depth}"):
                candidate = main.decode(search.model())
                try:
                    trace = interp.replay(candidate.steps)
                except ReplayError as err:
                    raise InternalError(
                        f"the SMT engine produced a trace the interpreter cannot replay: {err}"
                    ) from err
                projs = projections(interp, trace)
                confirm.push()
                confirm.add(wit.proj_equals(projs))
                grouped = confirm.solve(where=f"for a depth-{depth} trace")
                confirm.pop()
                if not grouped:
                    # The last bound, stopped at its counterexample (docs/output.md).
                    stats.per_bound.append(
                        {
                            "bound": depth,
                            "refuted": refuted_here,
                            "solver_calls": counter.calls,
                            "seconds": round(time.monotonic() - start, 3),
                            "complete": False,
                        }
                    )
                    return done(
                        Verdict.NOT_CLOSED,
                        trace=trace,
                        depth=depth,
                        violations=trace_violations(interp, trace),
                    )
                search.add(mgr.Not(main.proj_equals(projs)))
                refuted_here += 1
                stats.refuted += 1
                if tick:
                    tick(solver_calls=counter.calls)
            stats.per_bound.append(
                {
                    "bound": depth,
                    "refuted": refuted_here,
                    "solver_calls": counter.calls,
                    "seconds": round(time.monotonic() - start, 3),
                }
            )
            if progress:
                progress(
                    f"bound {depth}: no counterexample ({refuted_here} suspicious "
                    f"traces have grouped equivalents; {counter.calls} solver "
                    f"calls, {time.monotonic() - start:.1f} s)"
                )
        return done(
            Verdict.CLOSED_BOUNDED,
            depth=opts.bound,
            reason=f"no trace of at most {opts.bound} events lacks a round-grouped "
            f"equivalent of at most {opts.kprime} events (SMT, unsat)",
        )
    except EncodingTimeout:  # a BudgetExhausted raised while building, before any query
        return done(
            Verdict.UNKNOWN,
            reason="time limit reached while building the SMT encoding (before any bounded query)",
        )
    except BudgetExhausted as stop:
        reached = max(depth - 1, 0)
        partial = f"; no trace of at most {reached} events is a counterexample" if reached else ""
        return done(Verdict.UNKNOWN, reason=stop.reason + partial, depth=reached)
    finally:
        for q in queries:
            q.close()
