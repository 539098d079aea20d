/**
 * The LPs of one region {u in [-1,1]^d : g_r(u) >= 0}, kept in one warm-started HiGHS model:
 * its Chebyshev ball, its bounding box, and for each candidate unit row whether it is a facet
 * (and the centre of the largest ball of the facet), which is where the traversal steps across.
 *
 * Model: variables u_0..u_{d-1} (free) and t <= 1; rows g_r(u) - t >= 0 for region rows and
 * ±u_k - t >= -1 for the box sides. Maximising t gives the Chebyshev radius (rows are unit-normalised).
 */
import type { LpModel, LpSolver } from "../../core/lp/highs.js";
import { fail } from "../../core/errors.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { RegionRows } from "./box-affine.js";

/** A facet of a region: the row (unit boundary) and the centre of its largest inscribed (d-1)-ball. */
export interface Facet {
  row: number;
  /** Rows on the same hyperplane (the same boundary reached by several units). */
  duplicates: number[];
  centre: Float64Array;
  radius: number;
}

/** The LP work on one region; `solves` counts LP solves. */
export class RegionLp {
  readonly solves: { count: number };
  private readonly model: LpModel;
  private readonly d: number;
  private readonly rows: RegionRows;
  /** Region rows loaded in the model (indices into rows); model row i corresponds to kept[i]. */
  private readonly kept: number[];

  /** Load the rows that can touch the box (rows strictly positive on the whole box are redundant). */
  constructor(solver: LpSolver, rows: RegionRows, solves: { count: number }) {
    const d = rows.d;
    this.d = d; this.rows = rows; this.solves = solves;
    this.kept = [];
    for (let r = 0; r < rows.count; r++) {
      let m = rows.cst[r]!;
      for (let k = 0; k < d; k++) m -= Math.abs(rows.coef[r * d + k]!);
      if (m <= TOLERANCE.regionRadius) this.kept.push(r);
    }
    const lpRows = this.kept.map((r) => ({
      indices: [...Array(d + 1).keys()],
      values: [...rows.coef.subarray(r * d, (r + 1) * d), -1],
      lower: -rows.cst[r]!,
    }));
    for (let k = 0; k < d; k++) {
      lpRows.push({ indices: [k, d], values: [1, -1], lower: -1 });
      lpRows.push({ indices: [k, d], values: [-1, -1], lower: -1 });
    }
    const objective = new Float64Array(d + 1);
    objective[d] = 1;
    const upper = new Float64Array(d + 1).fill(Infinity);
    upper[d] = 1;
    this.model = solver.model(
      { numVars: d + 1, sense: "max", objective, rows: lpRows, upper },
      { feasibilityTolerance: TOLERANCE.lpFeasibility, what: "region LP" },
    );
  }

  private solve(): { status: string; x: Float64Array; objective: number } {
    this.solves.count++;
    return this.model.solve();
  }

  /** Chebyshev centre and radius in u (radius <= TOLERANCE.regionRadius: the region is lower-dimensional). */
  chebyshev(): { centre: Float64Array; radius: number } {
    const s = this.solve();
    if (s.status !== "optimal") fail("SOLVER_ERROR", `region LP (Chebyshev ball) ended with status ${s.status}`);
    return { centre: s.x.slice(0, this.d), radius: s.objective };
  }

  /** The region's bounding box in u (2d LPs with t fixed to 0). */
  boundingBox(): { lo: Float64Array; hi: Float64Array } {
    const d = this.d, lo = new Float64Array(d), hi = new Float64Array(d);
    this.model.setVarBounds(d, 0, 0);
    const obj = new Float64Array(d + 1);
    for (let k = 0; k < d; k++) {
      obj.fill(0); obj[k] = 1;
      for (const sense of ["min", "max"] as const) {
        this.model.setObjective(obj, sense);
        const s = this.solve();
        if (s.status !== "optimal") fail("SOLVER_ERROR", `region LP (bounding box) ended with status ${s.status}`);
        // Widen by the LP tolerance so the candidate filter below stays conservative.
        if (sense === "min") lo[k] = Math.max(-1, s.x[k]! - 1e-7); else hi[k] = Math.min(1, s.x[k]! + 1e-7);
      }
    }
    obj.fill(0); obj[d] = 1;
    this.model.setObjective(obj, "max");
    this.model.setVarBounds(d, undefined, 1);
    return { lo, hi };
  }

  /**
   * The facets among the unit rows: rows that can reach 0 on the bounding box are candidates; each
   * candidate hyperplane is a facet when a ball of radius > TOLERANCE.regionRadius fits in the region
   * around a point of it. Rows of other candidates are relaxed while not needed, so the LP is exact.
   */
  facets(box: { lo: Float64Array; hi: Float64Array }): Facet[] {
    const { d, rows, kept, model } = this;
    const cand: number[] = [];
    kept.forEach((r, i) => {
      let m = rows.cst[r]!;
      for (let k = 0; k < d; k++) { const c = rows.coef[r * d + k]!; m += Math.min(c * box.lo[k]!, c * box.hi[k]!); }
      if (m <= TOLERANCE.regionRadius) cand.push(i);
      else model.setRowBounds(i, undefined, undefined);
    });
    // Group rows on the same hyperplane (same unit normal and offset): one boundary, several units.
    const groups: number[][] = [];
    const same = (a: number, b: number): boolean => {
      const ra = kept[a]!, rb = kept[b]!;
      if (Math.abs(rows.cst[ra]! - rows.cst[rb]!) > 1e-9 * (1 + Math.abs(rows.cst[ra]!))) return false;
      for (let k = 0; k < d; k++) if (Math.abs(rows.coef[ra * d + k]! - rows.coef[rb * d + k]!) > 1e-9) return false;
      return true;
    };
    for (const i of cand) {
      const g = groups.find((gr) => same(gr[0]!, i));
      if (g) g.push(i); else groups.push([i]);
    }
    const out: Facet[] = [];
    for (const g of groups) {
      const i = g[0]!, c = -rows.cst[kept[i]!]!;
      model.setCoefficient(i, d, 0);
      model.setRowBounds(i, c, c);
      for (const j of g.slice(1)) model.setRowBounds(j, undefined, undefined);
      const s = this.solve();
      if (s.status === "optimal" && s.objective > TOLERANCE.regionRadius) {
        out.push({ row: kept[i]!, duplicates: g.slice(1).map((j) => kept[j]!), centre: s.x.slice(0, d), radius: s.objective });
      } else if (s.status !== "optimal" && s.status !== "infeasible") {
        fail("SOLVER_ERROR", `region LP (facet test) ended with status ${s.status}`);
      }
      model.setCoefficient(i, d, -1);
      model.setRowBounds(i, c, undefined);
      for (const j of g.slice(1)) model.setRowBounds(j, -rows.cst[kept[j]!]!, undefined);
    }
    return out;
  }

  /** Free the HiGHS model. */
  dispose(): void {
    this.model.dispose();
  }
}
