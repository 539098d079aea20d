// The LP / MILP model of a chain prefix: the input box, then for every unit of the layers before
// layer k either its stable affine piece (substituted: a constant, or one equality row) or, when
// unstable, the triangle relaxation (LP) or a big-M disjunction with one binary (MILP). The
// pre-activations of layer k are then linear objectives over the last layer's columns.
import { activations } from "../../core/activations.js";
import { Box } from "../../core/domain.js";
import type { LpProblem, LpRow } from "../../core/lp/highs.js";
import { Chain } from "./chain.js";
import { activationRange, chord, pieceAffine, relaxation } from "./pieces.js";
import { UnitLayerState } from "./state.js";

/** A built prefix model and how to express layer k's pre-activations as objectives on it. */
export interface PrefixModel {
  problem: LpProblem;
  /** Column of each unit of layer k-1 (or of each input when k = 0); -1 where the value is a constant. */
  prevCol: Int32Array;
  /** The constant value where prevCol is -1. */
  prevConst: Float64Array;
  /** The columns of the input x (0..n0-1). */
  inputCols: number;
  /** False when some unstable unit could only be relaxed (hard tanh), so the MILP is not exact. */
  exact: boolean;
  /** Number of binaries (MILP) and of unstable units relaxed. */
  binaries: number;
  unstable: number;
  /**
   * False when some bound, side or coefficient is not finite (a bound overflowed float64): the
   * model is then not built for solving (the weak-duality bound needs every column bounded).
   */
  finite: boolean;
  /** Largest magnitude of a column bound, row side or coefficient (big-M values included). */
  magnitude: number;
  /** Largest magnitude of a row coefficient. */
  coefficients: number;
}

/** Left and right slopes of a two-piece convex activation with its kink at 0, or null. */
function twoPieceSlopes(fn: string, alpha: number | undefined): [number, number] | null {
  if (fn === "relu") return [0, 1];
  if (fn === "abs") return [-1, 1];
  if (fn === "leakyrelu" && (alpha ?? 0.01) <= 1) return [alpha ?? 0.01, 1];
  return null;
}

/**
 * Build the model bounding the pre-activations of chain layer k, with `states[j]` (chain-aligned)
 * giving bounds and stable pieces of the layers before k. `milp` adds one binary per unstable unit.
 */
export function buildPrefixModel(chain: Chain, k: number, states: (UnitLayerState | undefined)[], box: Box, milp: boolean): PrefixModel {
  const n0 = chain.inputSize;
  const lower: number[] = Array.from(box.lower), upper: number[] = Array.from(box.upper);
  const rows: LpRow[] = [];
  const integers: number[] = [];
  let prevCol = Int32Array.from({ length: n0 }, (_, i) => i);
  let prevConst = new Float64Array(n0);
  let exact = true, binaries = 0, unstable = 0;
  const newCol = (lo: number, hi: number): number => { lower.push(lo); upper.push(hi); return lower.length - 1; };
  for (let j = 0; j < k; j++) {
    const L = chain.layers[j]!, st = states[j]!, act = L.act!;
    const col = new Int32Array(L.outSize).fill(-1), cst = new Float64Array(L.outSize);
    for (let i = 0; i < L.outSize; i++) {
      // z_i = Σ W[i,t]·prev_t + b_i with constants folded into e.
      const idx: number[] = [], val: number[] = [];
      let e = L.bias[i]!;
      const row = i * L.inSize;
      for (let t = 0; t < L.inSize; t++) {
        const w = L.weight[row + t]!;
        if (w === 0) continue;
        if (prevCol[t]! < 0) e += w * prevConst[t]!;
        else { idx.push(prevCol[t]!); val.push(w); }
      }
      const l = st.lower[i]!, u = st.upper[i]!;
      const piece = st.piece[i]!;
      if (piece >= 0) {
        const { a, c } = pieceAffine(act.fn, act.params, piece);
        if (a === 0 || idx.length === 0) { col[i] = -1; cst[i] = a * e + c; continue; }
        const lo = Math.min(a * l + c, a * u + c), hi = Math.max(a * l + c, a * u + c);
        const y = newCol(lo, hi);
        rows.push({ indices: [y, ...idx], values: [1, ...val.map((v) => -a * v)], lower: a * e + c, upper: a * e + c });
        col[i] = y;
        continue;
      }
      unstable++;
      const z = newCol(l, u);
      rows.push({ indices: [z, ...idx], values: [1, ...val.map((v) => -v)], lower: e, upper: e });
      const [flo, fhi] = activationRange(act.fn, act.params, l, u);
      const y = newCol(flo, fhi);
      col[i] = y;
      const sl = twoPieceSlopes(act.fn, act.params.alpha);
      const f = activations[act.fn];
      if (sl && l < 0 && u > 0) {
        const [sL, sR] = sl;
        rows.push({ indices: [y, z], values: [1, -sL], lower: 0 });
        rows.push({ indices: [y, z], values: [1, -sR], lower: 0 });
        // The chord (robust to u − l overflowing); where float64 cannot hold it the row is NaN and the model is not solved (finite = false).
        const ch = chord(f.output(l, act.params), f.output(u, act.params), l, u) ?? { s: NaN, t: NaN };
        rows.push({ indices: [y, z], values: [1, -ch.s], upper: ch.t });
        if (milp) {
          const d = newCol(0, 1);
          integers.push(d);
          binaries++;
          const M1 = (sR - sL) * u, M2 = (sR - sL) * -l;
          rows.push({ indices: [y, z, d], values: [1, -sL, -M1], upper: 0 });
          rows.push({ indices: [y, z, d], values: [1, -sR, M2], upper: M2 });
        }
      } else {
        if (milp) exact = false;
        const r = relaxation(act.fn, act.params, l, u);
        rows.push({ indices: [y, z], values: [1, -r.lowS], lower: r.lowT });
        rows.push({ indices: [y, z], values: [1, -r.upS], upper: r.upT });
      }
    }
    prevCol = col;
    prevConst = cst;
  }
  const problem: LpProblem = { numVars: lower.length, rows, lower, upper, ...(integers.length ? { integers } : {}) };
  const { finite, magnitude, coefficients } = modelMagnitude(problem);
  return { problem, prevCol, prevConst, inputCols: n0, exact, binaries, unstable, finite, magnitude, coefficients };
}

/** Whether every number of the problem is finite, the largest magnitude among them, and among its coefficients. */
function modelMagnitude(p: LpProblem): { finite: boolean; magnitude: number; coefficients: number } {
  let m = 0, finite = true, coefficients = 0;
  const see = (v: number | undefined): void => {
    if (v === undefined) return;
    const a = Math.abs(v);
    if (!(a < Infinity)) finite = false; else if (a > m) m = a;
  };
  for (let j = 0; j < p.numVars; j++) { see(p.lower![j]); see(p.upper![j]); }
  for (const r of p.rows) {
    see(r.lower); see(r.upper);
    for (let k = 0; k < r.values.length; k++) { see(r.values[k]); coefficients = Math.max(coefficients, Math.abs(r.values[k]!)); }
  }
  return { finite, magnitude: finite ? m : Infinity, coefficients };
}

/** Objective (dense, length numVars) and constant of pre-activation i of layer k, times `sign`. */
export function unitObjective(chain: Chain, k: number, i: number, model: PrefixModel, sign: 1 | -1): { c: Float64Array; offset: number } {
  const L = chain.layers[k]!;
  const c = new Float64Array(model.problem.numVars);
  let offset = L.bias[i]!;
  const row = i * L.inSize;
  for (let t = 0; t < L.inSize; t++) {
    const w = L.weight[row + t]!;
    if (w === 0) continue;
    const col = model.prevCol[t]!;
    if (col < 0) offset += w * model.prevConst[t]!;
    else c[col] += sign * w;
  }
  return { c, offset: sign * offset };
}
