"""``# expect:`` lines of model headers, and running a model against them (``ccverify test``).

A model's header explains its expected verdict in prose, reasoned before the tool ran; its
``# expect:`` lines restate that verdict in a form machines read (docs/dsl.md):

    # expect: closed-all at bound 6                  one-step proof (closed, all bounds)
    # expect: closed at bound 6                      closed up to bound 6 (or all bounds)
    # expect: not-closed at bound 6 length 5         shortest counterexample has 5 events
    # expect: ... set NA=1                           with constants overridden
    # expect: ... slow                               a long check (skipped unless asked)

The project's corpus test (tests/test_corpus.py) and ``ccverify test`` read them with this
one parser.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from dsl.errors import CCError, UsageError

PREFIX = "# expect:"
EXPECT = re.compile(
    r"^# expect: (?P<verdict>closed-all|closed|not-closed) at bound (?P<bound>\d+)"
    r"(?: length (?P<length>\d+))?(?P<sets>(?: set \w+=\d+)*)(?P<slow> slow)?\s*$"
)


@dataclass(frozen=True)
class Expectation:
    """One ``# expect:`` line of ``model`` (at 1-based ``line``)."""

    model: Path
    verdict: str  # closed-all | closed | not-closed
    bound: int
    length: int | None
    overrides: tuple[tuple[str, int], ...]
    slow: bool
    line: int = 0
    text: str = ""

    @property
    def id(self) -> str:
        sets = "".join(f"-{k}={v}" for k, v in self.overrides)
        return f"{self.model.stem}-{self.verdict}-k{self.bound}{sets}"


class ExpectationError(UsageError):
    """A malformed ``# expect:`` line."""


def parse_expectations(path: Path | str) -> list[Expectation]:
    """The ``# expect:`` lines of the model file ``path``; raises :class:`ExpectationError`
    (``file:line: ...``) on a malformed one."""
    path = Path(path)
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith(PREFIX):
            continue
        m = EXPECT.match(line)
        if not m:
            raise ExpectationError(f"{path}:{number}: malformed expectation line {line!r}")
        sets = tuple((k, int(v)) for k, v in re.findall(r"set (\w+)=(\d+)", m["sets"]))
        out.append(
            Expectation(
                path,
                m["verdict"],
                int(m["bound"]),
                int(m["length"]) if m["length"] else None,
                sets,
                bool(m["slow"]),
                number,
                line[len(PREFIX) :].strip(),
            )
        )
    return out


def model_files(paths: Iterable[str]) -> list[Path]:
    """Every ``.cc`` file named or under a directory named (sorted per directory)."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out += sorted(path.glob("*.cc"))
        elif path.exists():
            out.append(path)
        else:
            raise UsageError(f"{p}: no such file or directory")
    return out


def meets(exp: Expectation, verdict, length: int | None) -> str:
    """Empty when a result (its :class:`Verdict` and counterexample length) meets ``exp``,
    else one sentence saying how it does not."""
    from verifier.core.result import Verdict

    if exp.verdict == "closed-all":
        if verdict is not Verdict.CLOSED_ALL:
            return f"expected closed (all bounds), got {verdict.value}"
    elif exp.verdict == "closed":
        if not verdict.closed:
            return f"expected closed up to bound {exp.bound}, got {verdict.value}"
    elif verdict is not Verdict.NOT_CLOSED:
        return f"expected not closed, got {verdict.value}"
    elif exp.length is not None and length != exp.length:
        return f"expected a shortest counterexample of {exp.length} events, got {length}"
    if verdict is Verdict.UNKNOWN:  # pragma: no cover - covered by the branches above
        return "unknown"
    return ""


@dataclass
class CaseResult:
    """The outcome of one expectation: ``passed``, or why not (``message``)."""

    expectation: Expectation
    passed: bool
    skipped: bool = False
    verdict: str | None = None
    length: int | None = None
    message: str = ""
    seconds: float = 0.0


def run_expectation(exp: Expectation, opts_for: Callable[[Expectation], object]) -> CaseResult:
    """Check ``exp.model`` at ``exp.bound`` (options from ``opts_for``) and compare."""
    from dsl.loader import load_model
    from verifier.core.result import Verdict
    from verifier.engines.dispatch import run_check

    start = time.monotonic()
    try:
        model = load_model(str(exp.model), dict(exp.overrides))
        result = run_check(model, opts_for(exp), None)  # type: ignore[arg-type]
    except CCError as err:
        return CaseResult(
            exp, False, message=str(err).splitlines()[0], seconds=time.monotonic() - start
        )
    length = len(result.trace) if result.trace is not None else None
    why = meets(exp, result.verdict, length)
    got = result.verdict.value
    if result.verdict is Verdict.CLOSED_BOUNDED:
        got = f"closed up to bound {result.bound}"
    elif length is not None:
        got = f"not closed, counterexample of {length} events"
    elif result.verdict is Verdict.UNKNOWN:
        got = f"unknown: {result.reason}"
    return CaseResult(
        exp,
        not why,
        verdict=result.verdict.value,
        length=length,
        message=why or got,
        seconds=time.monotonic() - start,
    )
