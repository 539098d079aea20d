/**
 * The minimum of an affine function over one region's polytope {u ∈ [-1,1]^d : coef·u + cst >= 0}.
 * In one and two dimensions exactly from the region's vertices (interval / Sutherland–Hodgman
 * clipping of the square, float64); in higher dimension by an LP (HiGHS), warm-started per region.
 */
import { fail } from "../../core/errors.js";
import type { LpModel, LpSolver } from "../../core/lp/highs.js";
import { TOLERANCE } from "../../core/tolerance.js";
import type { RegionRows } from "../regions/box-affine.js";
import { AffineU, valueU } from "./pieces.js";

/** Minimises affine functions over one fixed polytope. */
export interface PolytopeMin {
  min(a: AffineU): number;
  /** LP solves so far (0 for the vertex route). */
  readonly solves: number;
  dispose(): void;
}

/** The vertices of the region (d <= 2) by clipping the box [-1,1]^d with each row. */
export function regionVertices(rows: RegionRows): Float64Array[] {
  const d = rows.d;
  if (d === 1) {
    let lo = -1, hi = 1;
    for (let r = 0; r < rows.count; r++) {
      const a = rows.coef[r]!, b = rows.cst[r]!;
      if (a > 0) lo = Math.max(lo, -b / a);
      else if (a < 0) hi = Math.min(hi, -b / a);
    }
    return lo <= hi ? [Float64Array.of(lo), Float64Array.of(hi)] : [];
  }
  if (d !== 2) fail("BAD_ARGUMENT", `vertex enumeration is for d <= 2, got ${d}`);
  let poly: [number, number][] = [[-1, -1], [1, -1], [1, 1], [-1, 1]];
  for (let r = 0; r < rows.count && poly.length > 0; r++) {
    const a0 = rows.coef[2 * r]!, a1 = rows.coef[2 * r + 1]!, b = rows.cst[r]!;
    const g = (p: [number, number]): number => a0 * p[0] + a1 * p[1] + b;
    const next: [number, number][] = [];
    for (let i = 0; i < poly.length; i++) {
      const p = poly[i]!, q = poly[(i + 1) % poly.length]!, gp = g(p), gq = g(q);
      if (gp >= 0) next.push(p);
      if ((gp >= 0) !== (gq >= 0)) {
        const t = gp / (gp - gq);
        next.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
      }
    }
    poly = next;
  }
  return poly.map((p) => Float64Array.of(p[0], p[1]));
}

/** Minimisation over the vertices of a 1-D or 2-D region. */
export function vertexMin(rows: RegionRows): PolytopeMin {
  const vs = regionVertices(rows);
  if (vs.length === 0) fail("SOLVER_ERROR", "a region of the box has no vertices after clipping; the enumeration and the clipping disagree");
  return {
    min: (a) => { let m = Infinity; for (const v of vs) m = Math.min(m, valueU(a, v)); return m; },
    solves: 0,
    dispose: () => undefined,
  };
}

/** Minimisation by LP over a region of any dimension (one warm-started HiGHS model). */
export function lpMin(solver: LpSolver, rows: RegionRows): PolytopeMin {
  const d = rows.d;
  const lpRows = [];
  for (let r = 0; r < rows.count; r++) {
    lpRows.push({ indices: [...Array(d).keys()], values: Array.from(rows.coef.subarray(r * d, (r + 1) * d)), lower: -rows.cst[r]! });
  }
  const model: LpModel = solver.model(
    { numVars: d, sense: "min", objective: new Float64Array(d), rows: lpRows, lower: new Float64Array(d).fill(-1), upper: new Float64Array(d).fill(1) },
    { feasibilityTolerance: TOLERANCE.lpFeasibility, what: "shallow form: piece minimum over a region" },
  );
  let solves = 0;
  return {
    min: (a) => {
      model.setObjective(a.g);
      const sol = model.solve();
      solves++;
      if (sol.status !== "optimal") fail("SOLVER_ERROR", `minimum of a piece over a region: HiGHS ended with status ${sol.status}`);
      return valueU(a, sol.x);
    },
    get solves() { return solves; },
    dispose: () => model.dispose(),
  };
}
