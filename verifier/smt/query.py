"""The one solver lifecycle (NOTE(solver-query)): every client of a solver uses a Query.

A :class:`Query` owns one incremental solver (made by :func:`verifier.smt.solver.make_solver`)
and records its assertions frame by frame, so that each ``solve`` can be dumped as a
standalone SMT-LIB2 file (``--smt2 DIR``).  It applies the run's :class:`Budget` as the
solver's time limit, turns Ctrl-C during a solve into ``KeyboardInterrupt``, and turns a
time-out or an *unknown* answer into :class:`BudgetExhausted` / :class:`SolverUnknown`
with the query's label and place: unknown is an outcome, never a crash.  Use it as a
context manager (``with Query(...) as q:``) or call :meth:`Query.close`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from pysmt.environment import Environment
from pysmt.exceptions import SolverReturnedUnknownResultError
from pysmt.fnode import FNode

from verifier.core.budget import Budget, BudgetExhausted
from verifier.smt.solver import interrupted, make_solver, set_time_limit, write_smt2

GRACE = 0.05  # seconds: an unknown this close to the deadline is the time limit's


class SolverUnknown(BudgetExhausted):
    """The solver answered *unknown* for another reason than the time limit."""


class CallCounter:
    """Numbers the solve calls of a run (shared by its queries, for dump file names)."""

    def __init__(self) -> None:
        self.calls = 0


class Query:
    """A solver with its assertions recorded (module docstring)."""

    def __init__(
        self,
        env: Environment,
        solver: str = "z3",
        label: str = "query",
        *,
        budget: Budget | None = None,
        dump_dir: str | None = None,
        counter: CallCounter | None = None,
    ):
        self.env = env
        self.solver = make_solver(env, solver)
        self.label = label
        self.budget = budget if budget is not None else Budget()
        self.dump_dir = dump_dir
        self.counter = counter if counter is not None else CallCounter()
        self.frames: list[list[FNode]] = [[]]

    def __enter__(self) -> Query:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, formula: FNode) -> None:
        self.frames[-1].append(formula)
        self.solver.add_assertion(formula)

    def push(self) -> None:
        self.frames.append([])
        self.solver.push()

    def pop(self) -> None:
        self.frames.pop()
        self.solver.pop()

    def solve(self, assumptions: Iterable[FNode] = (), where: str = "") -> bool:
        """Satisfiable under ``assumptions``?  Raises :class:`BudgetExhausted` when the time
        limit passes (before or during the call), :class:`SolverUnknown` on another
        *unknown*, ``KeyboardInterrupt`` when the user interrupted the solver."""
        assumptions = list(assumptions)
        place = f"the {self.label} query" + (f" {where}" if where else "")
        if self.budget.expired():
            raise BudgetExhausted(f"time limit reached before {place}")
        self.counter.calls += 1
        set_time_limit(self.solver, self.budget.remaining())
        if self.dump_dir:
            self._dump(assumptions)
        try:
            return bool(self.solver.solve(assumptions))
        except SolverReturnedUnknownResultError:
            timed_out = self._timed_out()
            if interrupted(self.solver) and not timed_out:
                raise KeyboardInterrupt from None
            if timed_out:
                raise BudgetExhausted(f"time limit reached during {place}") from None
            raise SolverUnknown(f"the solver answered unknown on {place}") from None

    def solve_with(self, formula: FNode, where: str = "") -> bool:
        """Solve with ``formula`` added under a fresh selector (kept, but only active in
        this call): the way to ask many independent questions of one solver."""
        mgr = self.env.formula_manager
        sel = mgr.FreshSymbol()
        self.add(mgr.Implies(sel, formula))
        return self.solve([sel], where)

    def _timed_out(self) -> bool:
        remaining = self.budget.remaining()
        return remaining is not None and remaining <= GRACE

    def model(self) -> Any:
        return self.solver.get_model()

    def _dump(self, assumptions: list[FNode]) -> None:
        """Write the current query (every asserted frame and the assumptions) as a
        standalone SMT-LIB2 script."""
        assert self.dump_dir is not None
        os.makedirs(self.dump_dir, exist_ok=True)
        n = self.counter.calls
        path = os.path.join(self.dump_dir, f"query{n:04d}-{self.label}.smt2")
        write_smt2(
            self.env,
            [f for frame in self.frames for f in frame] + assumptions,
            path,
            comment=f"ccverify query {n} ({self.label})",
        )

    def close(self) -> None:
        self.solver.exit()
