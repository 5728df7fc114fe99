"""Rendering of edge coverage (:mod:`verifier.semantics.coverage`): the ``--coverage``
table, the warnings printed with every check, and the JSON of ``check --json``."""

from __future__ import annotations

from verifier.semantics.coverage import Coverage


def coverage_json(cov: Coverage) -> dict:
    """The coverage as JSON (always part of ``check --json``)."""
    return {
        "bound": cov.bound,
        "depth": cov.depth,
        "complete": cov.complete,
        "states_explored": cov.explored,
        "nothing_fires": cov.nothing_fires,
        "edges": [
            {
                "role": e.role,
                "edge": e.edge,
                "attempts": e.attempts,
                "fired": e.fired,
                "states": e.states,
                "guard_true": e.guard_true,
                "inert": e.inert,
                "disabled_by_store": dict(e.stores),
            }
            for e in cov.edges
        ],
    }


def coverage_lines(cov: Coverage) -> list[str]:
    """The --coverage table: one line per edge."""
    how = "every reachable state" if cov.complete else f"{cov.explored} states"
    out = [f"edge coverage within {cov.depth} events ({how} explored):"]
    width = max((len(f"{e.role}.{e.edge}") for e in cov.edges), default=4)
    for e in cov.edges:
        name = f"{e.role}.{e.edge}".ljust(width)
        line = f"  {name}  fired {e.fired:>6} times in {e.states:>5} states"
        if e.stores:
            line += f"; disabled {sum(e.stores.values())} times by an out-of-range store"
        out.append(line)
    return out


def coverage_warnings(cov: Coverage) -> list[str]:
    """Edges that never fired, with the reason; and a model in which nothing fires."""
    out = []
    if cov.nothing_fires:
        out.append(
            "no event can fire in this model: the initial state has no enabled event, "
            "so every trace is empty and the verdict says nothing"
        )
    for e in cov.edges:
        if e.fired or cov.depth < 1:
            continue
        head = f"edge {e.edge} of {e.role} never fired within {cov.depth} events"
        if e.stores:
            stores = "; ".join(sorted(e.stores))
            out.append(f"{head}: its store {stores}")
        elif e.inert:
            out.append(f"{head}: whenever its guard holds it changes nothing and sends nothing")
        elif e.receive is not None and e.attempts == 0:
            out.append(f"{head}: no {e.receive} message for it was ever in flight")
        elif e.guard_true == 0:
            out.append(f"{head}: its guard is never true")
        else:
            out.append(head)
    return out
