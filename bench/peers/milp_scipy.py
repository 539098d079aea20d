"""Peer of bench/stability-deep.ts: solve netsize's exported stability MILPs in native HiGHS.

Reads the JSON written by the benchmark (one model per MILP layer in CSR form, with its open questions:
minimise c.v + offset, proven when the minimum is >= margin) and solves every question with
scipy.optimize.milp (Debian's python3-scipy, native HiGHS) to optimality, one total time limit for all,
layer by layer as netsize does. scipy's milp has no cutoff or target, so each solve runs to the optimum
(default gap) or to what is left of the limit. Prints one JSON line of totals.

    python3 bench/peers/milp_scipy.py EXPORT.json [--time-limit 60] [--per-question S]
"""
import argparse
import json
import time

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("export")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--per-question", type=float, default=float("inf"), help="seconds per solve at most (default: what is left)")
    a = ap.parse_args()
    with open(a.export) as f:
        data = json.load(f)
    t0 = time.perf_counter()
    deadline = t0 + a.time_limit
    statuses: dict = {}
    secs = []
    questions = solved = proven = witnessed = 0
    units_open = units_stable = units_unknown = 0
    for layer in data["layers"]:
        n = layer["numVars"]
        m = len(layer["starts"]) - 1
        A = csr_matrix((np.array(layer["values"], dtype=np.float64), np.array(layer["indices"]), np.array(layer["starts"])), shape=(m, n))
        lb = np.array([-np.inf if v is None else v for v in layer["rowLower"]], dtype=np.float64)
        ub = np.array([np.inf if v is None else v for v in layer["rowUpper"]], dtype=np.float64)
        cons = LinearConstraint(A, lb, ub)
        bounds = Bounds(np.array(layer["lower"], dtype=np.float64), np.array(layer["upper"], dtype=np.float64))
        integrality = np.zeros(n)
        integrality[np.array(layer["integers"], dtype=np.int64)] = 1
        # Questions grouped by unit: a proven side decides the unit (the other is not asked); every side witnessed makes it unstable.
        units: dict = {}
        for q in layer["questions"]:
            units.setdefault(q["i"], []).append(q)
        for i, qs in units.items():
            units_open += 1
            stable = False
            witnessed_all = True
            for q in qs:
                if stable:
                    continue
                questions += 1
                left = deadline - time.perf_counter()
                if left <= 0.05:
                    witnessed_all = False
                    continue
                c = np.zeros(n)
                c[np.array(q["objective"]["indices"], dtype=np.int64)] = np.array(q["objective"]["values"], dtype=np.float64)
                off = q["objective"]["offset"]
                ts = time.perf_counter()
                r = milp(c, integrality=integrality, bounds=bounds, constraints=cons, options={"time_limit": min(left, a.per_question), "disp": False})
                secs.append(time.perf_counter() - ts)
                solved += 1
                statuses[str(r.status)] = statuses.get(str(r.status), 0) + 1
                dual = getattr(r, "mip_dual_bound", None)
                if r.status == 2 or (dual is not None and np.isfinite(dual) and dual + off >= q["margin"]):
                    proven += 1
                    stable = True
                elif r.x is not None and r.fun is not None and r.fun + off < -q["margin"]:
                    witnessed += 1
                else:
                    witnessed_all = False
            if stable:
                units_stable += 1
            elif not witnessed_all:
                units_unknown += 1
    out = {
        "questions": questions, "solved": solved, "proven": proven, "witnessed": witnessed,
        "undecided": questions - proven - witnessed, "unitsOpen": units_open, "unitsStable": units_stable,
        "unitsUnknown": units_unknown, "seconds": time.perf_counter() - t0,
        "perSolveMedian": float(np.median(secs)) if secs else 0.0, "statuses": statuses,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
