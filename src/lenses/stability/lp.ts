// LP-relaxation tightening per unit (HiGHS), made rigorous: the bound reported is not HiGHS's
// objective but a weak-duality bound recomputed in float64 from its row duals (Neumaier–Shcherbina),
// valid for any duals because every column of the model has finite bounds.
import { Box } from "../../core/domain.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { LpModel, LpProblem, LpSolver } from "../../core/lp/highs.js";
import { Chain } from "./chain.js";
import { buildPrefixModel, PrefixModel, unitObjective } from "./relax-model.js";
import { markChain } from "./sampling.js";
import { CERT, tighten, UnitLayerState, undecided, widenLower } from "./state.js";

/** A rigorous lower bound of min c·v + offset over the model, with the magnitude of its terms. */
export interface SafeBound {
  bound: number;
  mag: number;
}

function boundWith(p: LpProblem, c: Float64Array, offset: number, y: Float64Array, sign: 1 | -1): SafeBound {
  const n = p.numVars;
  const red = Float64Array.from(c), redMag = new Float64Array(n);
  for (let j = 0; j < n; j++) redMag[j] = Math.abs(c[j]!);
  let bound = offset, mag = Math.abs(offset);
  p.rows.forEach((r, i) => {
    let yi = sign * y[i]!;
    if (yi === 0) return;
    const side = yi > 0 ? r.lower : r.upper;
    // A dual whose sign points at an infinite side cannot be used; dropping it keeps the bound valid.
    if (side === undefined || !Number.isFinite(side)) { yi = 0; return; }
    const t = yi * side;
    bound += t; mag += Math.abs(t);
    for (let k = 0; k < r.indices.length; k++) {
      const v = yi * r.values[k]!;
      red[r.indices[k]!] -= v;
      redMag[r.indices[k]!] += Math.abs(v);
    }
  });
  const lo = p.lower!, hi = p.upper!;
  for (let j = 0; j < n; j++) {
    const d = red[j]!;
    const l = lo[j]!, u = hi[j]!;
    bound += d >= 0 ? d * l : d * u;
    mag += redMag[j]! * Math.max(Math.abs(l), Math.abs(u));
  }
  return { bound, mag };
}

/** The best weak-duality lower bound from the duals (tried with both sign conventions, both are valid). */
export function safeLowerBound(p: LpProblem, c: Float64Array, offset: number, duals: Float64Array): SafeBound {
  const a = boundWith(p, c, offset, duals, 1), b = boundWith(p, c, offset, duals, -1);
  // widenLower maps NaN and overflow to −∞, so a broken bound never wins the comparison.
  return widenLower(a.bound, a.mag) >= widenLower(b.bound, b.mag) ? a : b;
}

/** Largest coefficient (row or objective) passed to HiGHS, its default large_matrix_value; beyond it HiGHS rejects the model. */
export const LP_MAX_COEFFICIENT = 1e15;

/** Which sides of each unit to bound: both, only the upper (to prove inactive) or only the lower. */
export type Sides = "both" | "upper" | "lower";

/** Options of the LP stage. */
export interface LpStageOptions {
  /** Units to bound per layer: all non-stable units, or only the undecided candidates (whole-network mode). */
  only: "nonstable" | "candidates";
  /** HiGHS feasibility tolerance. */
  feasibilityTolerance?: number;
  /** Stop (leaving units undecided) after this many seconds. */
  deadline?: number;
}

/** Counts of one stage run. */
export interface StageCount {
  solves: number;
  decided: number;
  seconds: number;
}

/** The sides a unit still needs, from what has been witnessed: a seen piece needs no proof against it. */
export function neededSides(s: UnitLayerState, i: number, only: LpStageOptions["only"]): Sides | null {
  if (s.piece[i]! >= 0) return null;
  if (only === "candidates") {
    if (!undecided(s, i)) return null;
    if (s.bps.length === 1) {
      if (s.seen[i] === 1) return "upper";
      if (s.seen[i] === 2) return "lower";
    }
  }
  return "both";
}

/**
 * Tighten the pre-activation bounds of chain layer k by LP, unit by unit, on one warm-started model.
 * LP optima's input points are evaluated as witnesses too.
 */
export function lpLayer(
  solver: LpSolver, chain: Chain, k: number, states: (UnitLayerState | undefined)[], box: Box,
  opts: LpStageOptions, ctx?: LensContext, onUnit?: () => void,
): StageCount {
  const st = states[k]!;
  const todo: [number, Sides][] = [];
  for (let i = 0; i < st.n; i++) { const s = neededSides(st, i, opts.only); if (s) todo.push([i, s]); }
  const t0 = performance.now();
  const count: StageCount = { solves: 0, decided: 0, seconds: 0 };
  if (todo.length === 0) return count;
  const pm: PrefixModel = buildPrefixModel(chain, k, states, box, false);
  // Overflowed bounds leave the layer as it is: nothing sound can be solved on a model with ±∞ in it;
  // HiGHS refuses coefficients above its large_matrix_value (1e15), so such a layer is left as well.
  let objective = 0;
  for (const w of chain.layers[k]!.weight) objective = Math.max(objective, Math.abs(w));
  if (!pm.finite || Math.max(pm.coefficients, objective) > LP_MAX_COEFFICIENT) return count;
  const model: LpModel = solver.model(pm.problem, { what: `LP bounds of layer '${st.name}'`, feasibilityTolerance: opts.feasibilityTolerance ?? 1e-9 });
  const witnesses: Float64Array[] = [];
  try {
    for (const [i, sides] of todo) {
      checkAborted(ctx);
      if (opts.deadline !== undefined && performance.now() > opts.deadline) break;
      if (!undecided(st, i) && opts.only === "candidates") { onUnit?.(); continue; }
      let lo = -Infinity, hi = Infinity, mag = 0;
      for (const sign of sides === "both" ? [1, -1] as const : sides === "lower" ? [1] as const : [-1] as const) {
        const { c, offset } = unitObjective(chain, k, i, pm, sign);
        model.setObjective(c, "min");
        // One wasm solve cannot be interrupted: its own limit is what the deadline leaves (a solve cut short proves nothing).
        if (opts.deadline !== undefined) model.setHighsOptions({ time_limit: Math.max(0.01, (opts.deadline - performance.now()) / 1000) });
        const sol = model.solve(opts.deadline);
        count.solves++;
        if (sol.status !== "optimal" || !sol.rowDuals) continue;
        const sb = safeLowerBound(pm.problem, c, offset, sol.rowDuals);
        mag = Math.max(mag, sb.mag);
        if (sign === 1) lo = sb.bound; else hi = -sb.bound;
        witnesses.push(Float64Array.from(sol.x.subarray(0, chain.inputSize)));
      }
      if (tighten(st, i, lo, hi, mag, CERT.lp)) count.decided++;
      onUnit?.();
      if (witnesses.length >= 64) evaluateWitnesses(chain, states, box, witnesses);
    }
  } finally {
    model.dispose();
  }
  evaluateWitnesses(chain, states, box, witnesses);
  count.seconds = (performance.now() - t0) / 1000;
  return count;
}

/** Evaluate solver points, clipped into the box (solvers satisfy bounds only up to a tolerance), and mark witnesses; empties `pts`. */
export function evaluateWitnesses(chain: Chain, states: (UnitLayerState | undefined)[], box: Box, pts: Float64Array[]): void {
  if (pts.length === 0) return;
  const d = chain.inputSize;
  const X = new Float64Array(pts.length * d);
  pts.forEach((p, r) => {
    for (let i = 0; i < d; i++) X[r * d + i] = Math.min(box.upper[i]!, Math.max(box.lower[i]!, p[i]!));
  });
  markChain(chain, states, X, pts.length);
  pts.length = 0;
}
