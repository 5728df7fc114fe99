"""The module map of ARCHITECTURE.md, enforced: imports point one way, and no cycles.

Layers, lowest first (a module may import from its own package and from lower layers
only; packages on one layer do not import each other):

    0  dsl                         the front end and the IR
    1  verifier.core               runtime objects, results, options, budget, files
    2  verifier.semantics  verifier.smt
    3  verifier.engines
    4  verifier.synth
    5  verifier.output
    6  verifier.cli                the command line: parses arguments, prints, exits
    7  verifier.api                the library API (installed also as ``ccverify``)
    8  verifier.__main__           ``python -m ccverify``

Imports under ``if TYPE_CHECKING:`` are annotations only and are not counted.  The first
round had ``verifier/synth.py`` importing ``verifier.cli.run_check`` (layer 4 -> 6): see
``test_the_old_synth_to_cli_edge_is_refused``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import dsl
import verifier

LAYERS: dict[str, int] = {
    "dsl": 0,
    "verifier.core": 1,
    "verifier.semantics": 2,
    "verifier.smt": 2,
    "verifier.engines": 3,
    "verifier.synth": 4,
    "verifier.output": 5,
    "verifier.cli": 6,
    "verifier.api": 7,
    "verifier.__main__": 8,
}


def package_of(module: str) -> str | None:
    """The entry of LAYERS a module belongs to (longest prefix), None for outside ones."""
    best = None
    for pkg in LAYERS:
        if (module == pkg or module.startswith(pkg + ".")) and (
            best is None or len(pkg) > len(best)
        ):
            best = pkg
    return best


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, module: str) -> set[str]:
    """Modules imported by ``path`` (absolute names; relative imports resolved)."""
    out: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                is_pkg = path.name == "__init__.py"
                parts = parts[: len(parts) - node.level + (1 if is_pkg else 0)]
                base = ".".join(parts + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return out


def project_modules() -> dict[str, Path]:
    out = {}
    for pkg in (dsl, verifier):
        root = Path(pkg.__file__).parent
        for path in root.rglob("*.py"):
            rel = path.relative_to(root.parent).with_suffix("")
            name = ".".join(rel.parts)
            out[name.removesuffix(".__init__")] = path
    return out


def bad_edges(edges: dict[str, set[str]]) -> list[str]:
    """Imports against the layers: ``a -> b`` where b is on a higher layer, or on the same
    layer in another package."""
    out = []
    for src, targets in sorted(edges.items()):
        sp = package_of(src)
        if sp is None:
            continue
        for dst in sorted(targets):
            dp = package_of(dst)
            if dp is None or dp == sp:
                continue
            if LAYERS[dp] >= LAYERS[sp]:
                out.append(f"{src} -> {dst} ({sp}: layer {LAYERS[sp]}, {dp}: {LAYERS[dp]})")
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles between project modules (one per strongly connected component)."""
    nodes = set(edges)
    graph = {n: {t for t in edges[n] if t in nodes and t != n} for n in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def project_edges() -> dict[str, set[str]]:
    mods = project_modules()
    edges = {}
    for name, path in mods.items():
        found = imports_of(path, name)
        # "from verifier.core import result" names the module verifier.core.result
        edges[name] = {m for m in found if m in mods}
    return edges


def test_every_module_is_on_a_layer():
    unplaced = [m for m in project_modules() if package_of(m) is None and m != "verifier"]
    assert unplaced == []


def test_imports_follow_the_layers():
    assert bad_edges(project_edges()) == []


def test_no_import_cycles():
    assert cycles(project_edges()) == []


def test_the_old_synth_to_cli_edge_is_refused():
    """The first round's verifier/synth.py imported verifier.cli.run_check: the checker
    must flag that edge, and a cycle it closes."""
    edges = {
        "verifier.synth.pipeline": {"verifier.cli"},
        "verifier.cli": {"verifier.synth.pipeline"},
    }
    assert bad_edges(edges) == [
        "verifier.synth.pipeline -> verifier.cli (verifier.synth: layer 4, verifier.cli: 6)"
    ]
    assert cycles(edges) == [["verifier.cli", "verifier.synth.pipeline"]]


def test_sibling_layers_do_not_import_each_other():
    assert bad_edges({"verifier.smt.encode": {"verifier.semantics.interp"}}) != []
    assert bad_edges({"verifier.engines.explicit": {"verifier.semantics.interp"}}) == []
