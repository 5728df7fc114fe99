#!/usr/bin/env python3
"""Confirm an explicit-engine counterexample with the SMT engine's grouped encoding.

    python benchmarks/smt_confirm.py examples/raft.cc commitIndex 11

finds the shortest counterexample up to bound K with the explicit engine (round given as
for ``--round``; declared message rounds dropped), then asks the SMT engine's grouped
trace encoding (K' = K) for a round-grouped trace with the same projections.  "False"
(UNSAT) is an independent proof that none exists (docs/findings-deep.md).
"""

import sys
import time

from pysmt.environment import Environment

from dsl.loader import load_model
from dsl.options import check_role_exprs, strip_message_rounds
from verifier.core.result import CheckOptions, Engine, Stats
from verifier.engines.explicit import explicit_check
from verifier.engines.smtcheck import Query
from verifier.semantics.conditions import projections
from verifier.semantics.interp import Interpreter
from verifier.smt.encode import TraceEncoding

model = load_model(sys.argv[1])
r = check_role_exprs(model, "--round", sys.argv[2]).exprs
model = strip_message_rounds(model)
k = int(sys.argv[3])
opts = CheckOptions(bound=k, engine=Engine.EXPLICIT, rounds=r, one_step=False)
res = explicit_check(model, opts)
print("explicit:", res.verdict.value, len(res.trace) if res.trace else None, flush=True)
interp = Interpreter(model, r)
projs = projections(interp, res.trace)
t0 = time.process_time()
env = Environment()
wit = TraceEncoding(model, env, k, rounds=r, grouped=True, prefix="g")
q = Query(env, opts, "grouped", Stats(), None)
q.add(wit.constraints())
q.add(wit.proj_equals(projs))
sat = q.solve(where="confirmation")
print("smt grouped witness exists:", sat, f"({time.process_time() - t0:.1f} s CPU)")
q.close()
