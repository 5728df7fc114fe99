"""Hypothesis strategies generating small random protocols as DSL text.

Used by the differential tests (SMT engine vs explicit engine) and by the property test
of the reordering lemma.  The protocols have one role of 2-3 processes, a few small
integer variables, one or two message types, and edges with random guards, updates and
sends; rounds are one variable or a pair.  They are small enough for the explicit engine
to finish at the bounds the tests use.

``protocols(pids=True)`` also draws how process ids are used (the symmetry reduction's
cases): not at all, only symmetrically (a set of senders, ``q in seen`` guards, a map
keyed by process), or asymmetrically (a ``leader: P`` variable whose default, process 0,
names a process, and a guard ``self = leader``).
"""

from __future__ import annotations

from hypothesis import strategies as st

VARS = ("r", "x", "y")
HI = 2


@st.composite
def int_expr(draw, names: tuple[str, ...], depth: int = 0) -> str:
    atoms = [st.sampled_from(names), st.integers(0, HI).map(str)]
    if depth >= 1:
        return draw(st.one_of(*atoms))
    kind = draw(st.integers(0, 5))
    if kind <= 2:
        return draw(st.one_of(*atoms))
    a = draw(int_expr(names, depth + 1))
    b = draw(int_expr(names, depth + 1))
    if kind == 3:
        return f"({a} + {b})"
    if kind == 4:
        return f"max({a}, {b})"
    c = draw(bool_expr(names, depth + 1))
    return f"(if {c} then {a} else {b})"


@st.composite
def bool_expr(draw, names: tuple[str, ...], depth: int = 0) -> str:
    a = draw(int_expr(names, depth + 1))
    b = draw(int_expr(names, depth + 1))
    op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
    atom = f"{a} {op} {b}"
    if depth >= 1 or draw(st.booleans()):
        return atom
    other = draw(bool_expr(names, depth + 1))
    conn = draw(st.sampled_from(["and", "or"]))
    return f"({atom} {conn} {other})"


@st.composite
def body(draw, names: tuple[str, ...], msgs: tuple[str, ...], dest: str) -> list[str]:
    stmts = []
    for var in draw(st.lists(st.sampled_from(VARS), max_size=2, unique=True)):
        stmts.append(f"{var} := {draw(int_expr(names))}")
    if msgs and draw(st.integers(0, 2)) > 0:
        msg = draw(st.sampled_from(msgs))
        arg = draw(int_expr(names))
        if draw(st.booleans()):
            stmts.append(f"broadcast {msg}({arg}) to P except self")
        else:
            stmts.append(f"send {msg}({arg}) to {dest}")
    if draw(st.integers(0, 3)) == 0 and stmts:
        cond = draw(bool_expr(names))
        inner = "; ".join(stmts)
        stmts = [f"if {cond} {{ {inner} }}"]
    return stmts or ["skip"]


@st.composite
def protocols(draw, pids: bool = False) -> str:
    """A random protocol, as DSL text (``pids``: module docstring)."""
    nprocs = draw(st.integers(2, 3))
    flavour = draw(st.sampled_from(["none", "sym", "sym", "asym"])) if pids else "none"
    msgs = ("M", "A")[: draw(st.integers(1, 2))]
    declare = draw(st.booleans())
    round_vars = draw(st.sampled_from([("r",), ("r",), ("r", "x")]))
    lines = [f"const N = {nprocs}"]
    for m in msgs:
        lines.append(
            f"message {m}(v: 0..{HI})" + (" round (v)" if declare and len(round_vars) == 1 else "")
        )
    lines.append("role P[N] {")
    for v in VARS:
        lines.append(f"  var {v}: 0..{HI} = 0")
    if flavour == "sym":
        lines.append("  var seen: set[P]")
        lines.append(f"  var last: map[P, 0..{HI}]")
    elif flavour == "asym":
        lines.append("  var leader: P")
    lines.append(f"  round ({', '.join(round_vars)})")
    state = VARS
    # A ping-like advance edge, so rounds move and messages of several rounds are in
    # flight; its extra updates are random.
    extra = draw(st.lists(st.sampled_from(VARS[1:]), max_size=1))
    ups = "".join(f"; {v} := {draw(int_expr(state))}" for v in extra)
    lead = " and (self = leader or r > 0)" if flavour == "asym" else ""
    lines.append(
        f"  action adv when r < {HI}{lead} {{ r := r + 1{ups}; "
        f"broadcast {msgs[0]}(r) to P except self }}"
    )
    for i in range(draw(st.integers(0, 1))):
        guard = draw(bool_expr(state))
        stmts = draw(body(state, msgs, "other"))
        # an internal edge may send to an arbitrary other process: choose it as a parameter
        sig = "(other: P)" if any("to other" in s for s in stmts) else ""
        lines.append(f"  action a{i}{sig} when {guard} {{ {'; '.join(stmts)} }}")
    for m in msgs:
        for j in range(draw(st.integers(1, 2))):
            names = state + ("v",)
            guard = draw(bool_expr(names))
            stmts = draw(body(names, msgs, "q"))
            if flavour == "sym" and draw(st.booleans()):
                guard = f"({guard}) and not (q in seen)"
                stmts = [*stmts, "seen := seen union {q}", "last[q] := v"]
            elif flavour == "sym" and draw(st.booleans()):
                guard = f"({guard}) and last[q] <= v"
            elif flavour == "asym" and draw(st.booleans()):
                guard = f"({guard}) and q = leader"
            lines.append(f"  on {m}(v) from q as on{m}{j} when {guard} {{ {'; '.join(stmts)} }}")
    lines.append("}")
    return "\n".join(lines) + "\n"
