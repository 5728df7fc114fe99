"""The one place that creates SMT solvers (NOTE(solver-access)).

Every check makes its own :class:`pysmt.environment.Environment` (see :func:`new_env`) and
asks :func:`make_solver` for solvers in it.  Solvers are incremental (push/pop and solving
under assumptions), produce models, and run with a fixed random seed so runs repeat.
Nothing else in ccverify imports z3 or cvc5.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable

from pysmt.environment import Environment
from pysmt.exceptions import NoSolverAvailableError
from pysmt.fnode import FNode
from pysmt.logics import QF_LIA, QF_UFLIRA, Logic
from pysmt.solvers.solver import Solver

from dsl.errors import UsageError
from verifier.core.files import atomic_write

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
        return env.factory.Solver(
            name=name, logic=logic, incremental=True, generate_models=True, random_seed=SEED
        )
    except NoSolverAvailableError as exc:  # pragma: no cover - depends on installation
        import sys

        # The extra only adds the solver's package: name it for this very interpreter,
        # which works however ccverify was installed (a venv, a source tree, pipx).
        raise UsageError(
            f"the {name} solver is not installed here; install it with "
            f"`{sys.executable} -m pip install {name}`"
        ) from exc


def write_smt2(
    env: Environment, formulas: Iterable[FNode], path: str, comment: str | None = None
) -> None:
    """Write the conjunction of ``formulas`` (assertions, then assumptions) as a standalone
    SMT-LIB2 script: an optional comment line, set-logic (the closest SMT-LIB logic),
    declarations, one assert per formula, check-sat.  Works in any environment, not only
    pysmt's global one."""
    from pysmt.exceptions import NoLogicAvailableError
    from pysmt.logics import get_closer_smtlib_logic
    from pysmt.oracles import get_logic
    from pysmt.smtlib import commands as smtcmd
    from pysmt.smtlib.script import SmtLibScript

    formulas = list(formulas)
    conj = env.formula_manager.And(formulas)
    try:
        logic = get_closer_smtlib_logic(get_logic(conj, env))
    except NoLogicAvailableError:  # pragma: no cover - the encoder stays in QF_LIA
        logic = get_logic(conj, env)
    script = SmtLibScript()
    script.add(smtcmd.SET_LOGIC, [logic])
    for symbol in sorted(conj.get_free_variables(), key=lambda s: s.symbol_name()):
        script.add(smtcmd.DECLARE_FUN, [symbol])
    for f in formulas:
        script.add(smtcmd.ASSERT, [f])
    script.add(smtcmd.CHECK_SAT, [])
    out = io.StringIO()
    if comment:
        out.write(f"; {comment}\n")
    script.serialize(out, daggify=True)
    atomic_write(path, out.getvalue())  # NOTE(output-files): never a truncated query file


def set_time_limit(solver: Solver, seconds: float | None) -> None:
    """Limit the next ``solve`` calls of ``solver`` to ``seconds`` (None: no limit).  A call
    that runs out answers *unknown* (pysmt raises SolverReturnedUnknownResultError)."""
    ms = 0 if seconds is None else max(1, int(seconds * 1000))
    native = getattr(solver, "z3", None)
    if native is not None:
        native.set("timeout", ms if ms else 4294967295)
        return
    native = getattr(solver, "cvc5", None)
    if native is not None:
        with contextlib.suppress(Exception):
            native.setOption("tlimit-per", str(ms))


def interrupted(solver: Solver) -> bool:
    """Whether the last *unknown* answer of ``solver`` came from Ctrl-C: z3 catches SIGINT
    during a check and answers unknown ("canceled") instead of letting Python see it."""
    native = getattr(solver, "z3", None)
    if native is None:
        return False
    try:
        reason = native.reason_unknown()
    except Exception:
        return False
    return "cancel" in reason or "interrupt" in reason


def tool_versions() -> dict[str, str]:
    """Versions of ccverify, z3, pysmt and Python, for reports."""
    import platform

    import pysmt
    import z3

    from verifier.core.versions import ccverify_version

    return {
        "python": platform.python_version(),
        "ccverify": ccverify_version(),
        "z3": z3.get_version_string(),
        "pysmt": pysmt.__version__,
    }
