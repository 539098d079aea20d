import { describe, it, expect } from "vitest";
import { solveLp, loadLpSolver, requireOptimal } from "../../src/core/lp/highs.js";
import { isNetsizeError } from "../../src/core/errors.js";

const workshop = {
  numVars: 2,
  sense: "max" as const,
  objective: [30, 50],
  rows: [
    { indices: [0, 1], values: [1, 2], upper: 40 },
    { indices: [0, 1], values: [2, 1], upper: 50 },
  ],
  lower: [0, 0],
};

describe("HiGHS wrapper", () => {
  it("solves an LP to its known optimum", async () => {
    const r = await solveLp(workshop);
    expect(r.status).toBe("optimal");
    expect(r.objective).toBeCloseTo(1100, 9);
    expect(Array.from(r.x)).toEqual([20, 10]);
    expect(Array.from(r.rowValues)).toEqual([40, 50]);
  });

  it("solves a MILP whose LP relaxation is fractional", async () => {
    // max x + y s.t. 2x + 2y <= 3, x,y in {0,1}: LP optimum 1.5, integer optimum 1.
    const lp = { numVars: 2, sense: "max" as const, objective: [1, 1], rows: [{ indices: [0, 1], values: [2, 2], upper: 3 }], lower: [0, 0], upper: [1, 1] };
    expect((await solveLp(lp)).objective).toBeCloseTo(1.5, 9);
    expect((await solveLp({ ...lp, integers: [0, 1] })).objective).toBeCloseTo(1, 9);
  });

  it("variables are free by default and outcomes are statuses, not throws", async () => {
    const s = await loadLpSolver();
    expect(s.solve({ numVars: 1, objective: [1], rows: [{ indices: [0], values: [1], lower: -5 }] }).x[0]).toBeCloseTo(-5, 12);
    expect(s.solve({ numVars: 1, objective: [1], rows: [] }).status).toBe("unbounded");
    const inf = s.solve({ numVars: 1, rows: [{ indices: [0], values: [1], lower: 2, upper: 1 }] });
    expect(inf.status).toBe("infeasible");
    try { requireOptimal(inf, "test LP"); expect.unreachable(); } catch (e) { expect(isNetsizeError(e, "SOLVER_ERROR")).toBe(true); }
  });

  it("rejects malformed problems with SOLVER_ERROR", async () => {
    await expect(solveLp({ numVars: 1, rows: [{ indices: [3], values: [1] }] })).rejects.toMatchObject({ code: "SOLVER_ERROR" });
    await expect(solveLp({ numVars: 1, rows: [{ indices: [0], values: [NaN] }] })).rejects.toMatchObject({ code: "SOLVER_ERROR" });
  });

  it("a persistent model re-solves after in-place changes exactly like a fresh solve", async () => {
    const s = await loadLpSolver();
    const m = s.model(workshop);
    try {
      expect(m.solve().objective).toBeCloseTo(1100, 9);
      m.setRowBounds(0, undefined, 30); // carpentry 30: optimum moves to (70/3, 10/3)
      const fresh = s.solve({ ...workshop, rows: [{ ...workshop.rows[0]!, upper: 30 }, workshop.rows[1]!] });
      const warm = m.solve();
      expect(warm.objective).toBeCloseTo(fresh.objective, 9);
      expect(warm.x[0]).toBeCloseTo(70 / 3, 9);
      m.setCoefficient(1, 0, 0); // finishing no longer uses chairs
      m.setObjective([1, 0], "min");
      m.setVarBounds(0, -2, 5); // minimise chairs: the new lower bound
      const r = m.solve();
      expect(r.status).toBe("optimal");
      expect(r.x[0]).toBeCloseTo(-2, 12);
      expect(() => m.setRowBounds(7, 0, 1)).toThrow(/out of range/);
    } finally {
      m.dispose();
    }
  });
});
