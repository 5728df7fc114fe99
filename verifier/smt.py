"""The one place that creates SMT solvers (NOTE(solver-access)).

Every check makes its own :class:`pysmt.environment.Environment` (see :func:`new_env`) and
asks :func:`make_solver` for solvers in it.  Solvers are incremental (push/pop and solving
under assumptions), produce models, and run with a fixed random seed so runs repeat.
Nothing else in ccverify imports z3 or cvc5.
"""

from __future__ import annotations

from pysmt.environment import Environment
from pysmt.exceptions import NoSolverAvailableError
from pysmt.logics import QF_LIA, QF_UFLIRA, Logic
from pysmt.solvers.solver import Solver

from dsl.errors import UsageError

SOLVERS = ("z3", "cvc5")
SEED = 0


def new_env() -> Environment:
    """A fresh pysmt environment (formula manager, type checker, solver factory)."""
    return Environment()


def make_solver(env: Environment, name: str = "z3", logic: Logic | str | None = None) -> Solver:
    """An incremental, model-producing solver ``name`` (``z3`` or ``cvc5``) in ``env``.

    ``logic`` defaults to QF_LIA, which covers every formula the encoder builds.  For z3
    the default is passed as QF_UFLIRA so that pysmt makes z3's general incremental solver
    (``z3.Solver()``) rather than ``SolverFor("QF_LIA")``, which is several times slower on
    these queries when solving under assumptions."""
    if name not in SOLVERS:
        raise UsageError(f"unknown solver {name!r}; choose one of {', '.join(SOLVERS)}")
    if logic is None:
        logic = QF_UFLIRA if name == "z3" else QF_LIA
    try:
        return env.factory.Solver(name=name, logic=logic, incremental=True,
                                  generate_models=True, random_seed=SEED)
    except NoSolverAvailableError as exc:  # pragma: no cover - depends on installation
        raise UsageError(f"solver {name!r} is not available: {exc}") from exc
