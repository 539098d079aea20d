// α-CROWN (Xu et al. 2021, "Fast and complete"): CROWN on the chain form with the free slope of each
// unstable unit's relaxation (ReLU's lower line α·z, α ∈ [0, 1]) a parameter of every bound, raised by
// projected Adam. Any slope in range gives a sound bound, so the optimiser can only make a bound
// tighter or leave it: the best bound seen is kept, and the first iterate is CROWN's own slope choice.
//
// The gradient is exact and needs no autodiff: a bound is c·N(x*), N the network with every unit
// replaced by the line its coefficient selected and x* the box corner the concretisation picked, so
// d bound / d α = (coefficient of the unit's output) × (its pre-activation in N at x*), one forward
// pass per bound (Danskin: x* and the line choice are locally constant). This file holds the chain form
// and the optimiser; alpha-dag.ts runs the same on any graph CROWN handles.
import { ActivationName, ActivationParams } from "../../core/activations.js";
import { Box } from "../../core/domain.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { Chain } from "./chain.js";
import { Interval } from "./ibp.js";
import { relaxation, stablePiece, breakpointsOf } from "./pieces.js";
import { slack, widenLower, widenUpper } from "./state.js";

/** Adam's step size on the slopes (auto_LiRPA's lr_alpha default). */
export const ALPHA_LR = 0.5;
const BETA1 = 0.9, BETA2 = 0.999, ADAM_EPS = 1e-8;
/** Per-bound state entries (functionals × units) kept alive at once; functionals are processed in chunks under it. */
const CHUNK_ENTRIES = 1_500_000;

/** Pre-activation bounds of one chain unit layer (sound, already widened). */
export interface PreBounds {
  lower: Float64Array;
  upper: Float64Array;
}

/** The relaxation of one unit layer: CROWN's lines, and which one (if any) is free with its slope range. */
export interface LayerRelax {
  lowS: Float64Array; lowT: Float64Array; upS: Float64Array; upT: Float64Array;
  /** 0: both lines fixed; 1: the lower line s·z is free; 2: the upper line s·z is free. */
  free: Uint8Array;
  sMin: Float64Array; sMax: Float64Array;
  freeCount: number;
}

/** Left and right slopes of a two-piece activation with its kink at (0, 0), or null. */
function kinkSlopes(fn: string, alpha: number | undefined): [number, number] | null {
  if (fn === "relu") return [0, 1];
  if (fn === "abs") return [-1, 1];
  if (fn === "leakyrelu") return [alpha ?? 0.01, 1];
  return null;
}

function relaxLayer(chain: Chain, j: number, b: PreBounds): LayerRelax {
  return relaxUnits(chain.layers[j]!.act!, b);
}

/** The α-CROWN relaxation of the units of an activation on their pre-activation bounds `b`. */
export function relaxUnits(act: { fn: ActivationName; params: ActivationParams }, b: PreBounds): LayerRelax {
  const n = b.lower.length;
  const r: LayerRelax = {
    lowS: new Float64Array(n), lowT: new Float64Array(n), upS: new Float64Array(n), upT: new Float64Array(n),
    free: new Uint8Array(n), sMin: new Float64Array(n), sMax: new Float64Array(n), freeCount: 0,
  };
  const kink = kinkSlopes(act.fn, act.params.alpha), bps = breakpointsOf(act.fn, act.params);
  for (let i = 0; i < n; i++) {
    const l = b.lower[i]!, u = b.upper[i]!;
    const x = relaxation(act.fn, act.params, l, u);
    r.lowS[i] = x.lowS; r.lowT[i] = x.lowT; r.upS[i] = x.upS; r.upT[i] = x.upT;
    // Free only where CROWN straddles a kink at 0 with finite lines; a fixed line stays CROWN's.
    if (!kink || !(Number.isFinite(l) && Number.isFinite(u) && l < u) || stablePiece(bps, l, u) >= 0) continue;
    if (![x.lowS, x.lowT, x.upS, x.upT].every(Number.isFinite)) continue;
    const [left, right] = kink;
    if (left === right) continue;
    // Convex (left < right): every line s·z with s in [left, right] lies below f; concave: above.
    r.free[i] = left < right ? 1 : 2;
    r.sMin[i] = Math.min(left, right); r.sMax[i] = Math.max(left, right);
    r.freeCount++;
  }
  return r;
}

/** True when chain layer k's bound has a free slope to optimise (some unstable two-piece unit before it). */
export function alphaHasFreedom(chain: Chain, k: number, pre: readonly (PreBounds | undefined)[]): boolean {
  for (let j = 0; j < k; j++) if (chain.layers[j]!.act && pre[j] && relaxLayer(chain, j, pre[j]!).freeCount > 0) return true;
  return false;
}

/**
 * α-CROWN bounds of chain layer k's values (its pre-activations, or the output for the last layer) at
 * `rows`, with `pre[j]` the sound bounds of every unit layer j < k. Each row's lower and upper bound is
 * optimised on its own over `iterations` evaluations; the result (raw values and the magnitude of their
 * terms, for the rounding slack) is the best seen, never looser than the first iterate, CROWN.
 */
export function alphaCrownRows(chain: Chain, box: Box, k: number, pre: readonly (PreBounds | undefined)[], rows: Int32Array, iterations: number, ctx?: LensContext): Interval {
  const m = rows.length;
  const out: Interval = { lower: new Float64Array(m), upper: new Float64Array(m), mag: new Float64Array(m) };
  if (m === 0) return out;
  const relax: (LayerRelax | undefined)[] = [];
  let width = chain.inputSize;
  for (let j = 0; j < k; j++) {
    relax.push(chain.layers[j]!.act ? relaxLayer(chain, j, pre[j]!) : undefined);
    width += 4 * chain.layers[j]!.outSize;
  }
  const chunk = Math.max(1, Math.min(m, Math.floor(CHUNK_ENTRIES / (2 * width))));
  for (let s = 0; s < m; s += chunk) {
    const c = Math.min(chunk, m - s);
    // 2c functionals: the lower bound of z_row (sign +1) and the lower bound of −z_row (minus the upper bound).
    const best = optimise(chain, box, k, relax, rows.subarray(s, s + c), Math.max(1, iterations), ctx);
    storeBest(best, c, out, s);
  }
  return out;
}

/**
 * α-CROWN through the whole chain: every unit layer in turn (its unstable units only: a stable unit's
 * relaxation is exact whatever its bounds), each intersected into `pre` before the next layer relaxes
 * on it, then every output of the last layer. `pre` (sound bounds per chain unit layer; CROWN's keep
 * it fast, leaving fewer units unstable) is tightened in place; the output interval is raw, with its
 * term magnitudes.
 */
export function alphaCrownChain(chain: Chain, box: Box, pre: (PreBounds | undefined)[], iterations: number, ctx?: LensContext): Interval {
  const K = chain.layers.length;
  for (let k = 1; k < K; k++) {
    const L = chain.layers[k]!;
    if (!L.act) continue;
    const b = pre[k]!, bps = breakpointsOf(L.act.fn, L.act.params);
    const rows: number[] = [];
    for (let i = 0; i < L.outSize; i++) if (stablePiece(bps, b.lower[i]!, b.upper[i]!) < 0) rows.push(i);
    // Without a free slope one evaluation is CROWN itself (still tighter than IBP-only bounds in `pre`).
    const r = alphaCrownRows(chain, box, k, pre, Int32Array.from(rows), alphaHasFreedom(chain, k, pre) ? iterations : 1, ctx);
    rows.forEach((i, t) => {
      const lo = widenLower(r.lower[t]!, r.mag[t]!), hi = widenUpper(r.upper[t]!, r.mag[t]!);
      if (lo > b.lower[i]!) b.lower[i] = lo;
      if (hi < b.upper[i]!) b.upper[i] = hi;
    });
  }
  const last = chain.layers[K - 1]!;
  return alphaCrownRows(chain, box, K - 1, pre, Int32Array.from({ length: last.outSize }, (_, i) => i), iterations, ctx);
}

/** The best bound of each functional and the magnitude of its terms. */
export interface Best { value: Float64Array; mag: Float64Array }

/**
 * Rows s..s+c of `out` from the best of 2c functionals (the lower bounds of z_row, then of −z_row):
 * one magnitude widens both sides, the larger finite one (a side that found no finite bound is ∓∞ anyway).
 */
export function storeBest(best: Best, c: number, out: { lower: Float64Array; upper: Float64Array; mag: Float64Array }, s: number): void {
  for (let r = 0; r < c; r++) {
    out.lower[s + r] = best.value[r]!;
    out.upper[s + r] = -best.value[c + r]!;
    const ml = best.mag[r]!, mu = best.mag[c + r]!;
    out.mag[s + r] = Math.max(Number.isFinite(ml) ? ml : 0, Number.isFinite(mu) ? mu : 0);
  }
}

/** What the slope optimiser needs of a network form: q functionals, the relaxation per parameter layer, a bound pass and its gradient. */
export interface SlopeProblem {
  q: number;
  relax: readonly (LayerRelax | undefined)[];
  /** Lower bound and term magnitude of every functional with slopes `alpha`; remembers what `gradient` needs. */
  evaluate(alpha: readonly (Float64Array | undefined)[], value: Float64Array, mag: Float64Array): void;
  /** d bound / d slope of the last evaluation, per parameter layer (functionals × units). */
  gradient(alpha: readonly (Float64Array | undefined)[]): readonly (Float64Array | undefined)[];
}

function optimise(chain: Chain, box: Box, k: number, relax: (LayerRelax | undefined)[], rows: Int32Array, iterations: number, ctx?: LensContext): Best {
  const q = 2 * rows.length, n0 = chain.inputSize;
  const post: (Float64Array | undefined)[] = relax.map((r) => (r ? new Float64Array(q * r.free.length) : undefined));
  const xstar = new Uint8Array(q * n0);
  const lastFree = relax.reduce((acc, r, j) => (r && r.freeCount > 0 ? j : acc), -1);
  return optimiseSlopes({
    q, relax,
    evaluate: (alpha, value, mag) => backward(chain, box, k, relax, alpha, rows, post, xstar, value, mag),
    gradient: (alpha) => gradient(chain, box, relax, alpha, post, xstar, q, lastFree),
  }, iterations, ctx);
}

/**
 * Projected Adam ascent on every functional's lower bound over `iterations` evaluations, from CROWN's
 * slopes; returns the best bound seen per functional (by its value after the rounding slack).
 */
export function optimiseSlopes(p: SlopeProblem, iterations: number, ctx?: LensContext): Best {
  const { q, relax } = p;
  // Slopes per functional and unit, starting at CROWN's; Adam moments beside them.
  const alpha = relax.map((r) => {
    if (!r || r.freeCount === 0) return undefined;
    const n = r.free.length, a = new Float64Array(q * n);
    for (let f = 0; f < q; f++) for (let i = 0; i < n; i++) if (r.free[i]) a[f * n + i] = r.free[i] === 1 ? r.lowS[i]! : r.upS[i]!;
    return a;
  });
  const m1 = alpha.map((a) => (a ? new Float64Array(a.length) : undefined));
  const m2 = alpha.map((a) => (a ? new Float64Array(a.length) : undefined));
  const best: Best = { value: new Float64Array(q).fill(-Infinity), mag: new Float64Array(q).fill(Infinity) };
  const bestWide = new Float64Array(q).fill(-Infinity);
  const value = new Float64Array(q), mag = new Float64Array(q);
  const anyFree = relax.some((r) => r && r.freeCount > 0);
  for (let it = 0; it < iterations; it++) {
    checkAborted(ctx);
    p.evaluate(alpha, value, mag);
    for (let f = 0; f < q; f++) {
      const v = value[f]!, w = v - slack(mag[f]!);
      // Only a finite bound can win; NaN or ±∞ (overflow) proves nothing and never replaces one.
      if (Number.isFinite(v) && Number.isFinite(w) && w > bestWide[f]!) { bestWide[f] = w; best.value[f] = v; best.mag[f] = mag[f]!; }
    }
    if (it === iterations - 1 || !anyFree) break;
    const grads = p.gradient(alpha);
    const t = it + 1, bc1 = 1 - BETA1 ** t, bc2 = 1 - BETA2 ** t;
    for (let j = 0; j < relax.length; j++) {
      const a = alpha[j], g = grads[j], r = relax[j];
      if (!a || !g || !r) continue;
      const n = r.free.length, M = m1[j]!, V = m2[j]!;
      for (let e = 0, i = 0; e < a.length; e++, i = i + 1 === n ? 0 : i + 1) {
        if (!r.free[i]) continue;
        const gi = Number.isFinite(g[e]!) ? g[e]! : 0;
        M[e] = BETA1 * M[e]! + (1 - BETA1) * gi;
        V[e] = BETA2 * V[e]! + (1 - BETA2) * gi * gi;
        // Ascent: every functional is a lower bound to raise.
        const x = a[e]! + (ALPHA_LR * (M[e]! / bc1)) / (Math.sqrt(V[e]! / bc2) + ADAM_EPS);
        // Projection onto [sMin, sMax]; a NaN step lands on sMin (still a valid slope).
        a[e] = x > r.sMin[i]! ? (x < r.sMax[i]! ? x : r.sMax[i]!) : r.sMin[i]!;
      }
    }
  }
  return best;
}

/**
 * One CROWN backward pass from chain layer k for the 2c functionals ±e_row with the current slopes:
 * fills each functional's lower bound and term magnitude, the coefficients on every unit layer's
 * output (`post`, for the gradient), and which box corner each input took (xstar: 1 = lower end).
 */
function backward(
  chain: Chain, box: Box, k: number, relax: (LayerRelax | undefined)[], alpha: readonly (Float64Array | undefined)[], rows: Int32Array,
  post: (Float64Array | undefined)[], xstar: Uint8Array, value: Float64Array, mag: Float64Array,
): void {
  const c = rows.length, q = 2 * c;
  const d = new Float64Array(q), dm = new Float64Array(q);
  let nk = chain.layers[k]!.outSize;
  let A: Float64Array = new Float64Array(q * nk);
  for (let r = 0; r < c; r++) { A[r * nk + rows[r]!] = 1; A[(c + r) * nk + rows[r]!] = -1; }
  for (let j = k; j >= 0; j--) {
    const L = chain.layers[j]!, nin = L.inSize, W = L.weight, b = L.bias;
    const Ain = j > 0 ? post[j - 1] ?? new Float64Array(q * nin) : new Float64Array(q * nin);
    Ain.fill(0);
    for (let f = 0; f < q; f++) {
      const ar = f * nk, ir = f * nin;
      let s = 0, sm = 0;
      for (let o = 0; o < nk; o++) {
        const a = A[ar + o]!;
        if (a === 0) continue;
        const t = a * b[o]!;
        s += t; sm += Math.abs(t);
        axpy(Ain, ir, a, W, o * nin, nin);
      }
      d[f] += s; dm[f] += sm;
    }
    if (j === 0) { A = Ain; nk = nin; break; }
    // Through unit layer j-1: a >= 0 takes the lower line, a < 0 the upper one (the free one at its slope).
    const r = relax[j - 1]!, al = alpha[j - 1];
    const Az = new Float64Array(q * nin);
    for (let f = 0; f < q; f++) {
      let s = 0, sm = 0;
      for (let i = 0; i < nin; i++) {
        const e = f * nin + i, a = Ain[e]!;
        if (a === 0) continue;
        const lower = a >= 0;
        let sl: number, tl: number;
        if (r.free[i] === (lower ? 1 : 2)) { sl = al![e]!; tl = 0; } else if (lower) { sl = r.lowS[i]!; tl = r.lowT[i]!; } else { sl = r.upS[i]!; tl = r.upT[i]!; }
        Az[e] = a * sl;
        if (tl !== 0) { const t = a * tl; s += t; sm += Math.abs(t); }
      }
      d[f] += s; dm[f] += sm;
    }
    A = Az; nk = nin;
  }
  for (let f = 0; f < q; f++) {
    let lo = d[f]!, ml = dm[f]!;
    for (let i = 0; i < nk; i++) {
      const xl = box.lower[i]!, xu = box.upper[i]!, a = A[f * nk + i]!;
      const atLower = a >= 0;
      xstar[f * nk + i] = atLower ? 1 : 0;
      lo += atLower ? a * xl : a * xu;
      ml += Math.abs(a) * Math.max(Math.abs(xl), Math.abs(xu));
    }
    value[f] = lo; mag[f] = ml;
  }
}

/**
 * d bound / d slope for every functional and free unit: the forward pass of the line-replaced network
 * at x*, up to unit layer `last` (on its free units only), times each unit's output coefficient.
 */
function gradient(
  chain: Chain, box: Box, relax: (LayerRelax | undefined)[], alpha: readonly (Float64Array | undefined)[], post: (Float64Array | undefined)[],
  xstar: Uint8Array, q: number, last: number,
): (Float64Array | undefined)[] {
  const grads: (Float64Array | undefined)[] = [];
  const n0 = chain.inputSize;
  let v = new Float64Array(q * n0);
  for (let e = 0; e < v.length; e++) { const i = e % n0; v[e] = xstar[e] ? box.lower[i]! : box.upper[i]!; }
  let nin = n0;
  for (let j = 0; j <= last; j++) {
    const L = chain.layers[j]!, n = L.outSize, W = L.weight, b = L.bias, r = relax[j]!, P = post[j]!, al = alpha[j];
    const z = new Float64Array(q * n);
    for (let f = 0; f < q; f++) {
      const vr = f * nin;
      for (let o = 0; o < n; o++) {
        // On the last layer only the free units' pre-activations are needed.
        if (j === last && !r.free[o]) continue;
        z[f * n + o] = b[o]! + dot(W, o * nin, v, vr, nin);
      }
    }
    const g = r.freeCount > 0 ? new Float64Array(q * n) : undefined;
    const h = j < last ? new Float64Array(q * n) : undefined;
    for (let f = 0; f < q; f++) {
      for (let i = 0; i < n; i++) {
        const e = f * n + i, a = P[e]!, zi = z[e]!;
        const lower = a >= 0;
        const freeHere = r.free[i] === (lower ? 1 : 2);
        if (g && freeHere) g[e] = a * zi;
        if (h) {
          // The line this functional's coefficient selected (a zero coefficient selected none: the lower line, as the pass's sign test).
          if (freeHere) h[e] = al![e]! * zi;
          else h[e] = lower ? r.lowS[i]! * zi + r.lowT[i]! : r.upS[i]! * zi + r.upT[i]!;
        }
      }
    }
    grads.push(g);
    if (h) { v = h; nin = n; }
  }
  return grads;
}

/** y[yo..yo+n) += a · x[xo..xo+n), four at a time (the inner loop of every backward pass). */
function axpy(y: Float64Array, yo: number, a: number, x: Float64Array, xo: number, n: number): void {
  const end = n - (n & 3);
  let i = 0;
  for (; i < end; i += 4) {
    y[yo + i] += a * x[xo + i]!; y[yo + i + 1] += a * x[xo + i + 1]!;
    y[yo + i + 2] += a * x[xo + i + 2]!; y[yo + i + 3] += a * x[xo + i + 3]!;
  }
  for (; i < n; i++) y[yo + i] += a * x[xo + i]!;
}

/** x[xo..xo+n) · y[yo..yo+n), in two interleaved sums (the inner loop of every forward pass). */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  const end = n - (n & 3);
  let s0 = 0, s1 = 0, i = 0;
  for (; i < end; i += 4) {
    s0 += x[xo + i]! * y[yo + i]! + x[xo + i + 2]! * y[yo + i + 2]!;
    s1 += x[xo + i + 1]! * y[yo + i + 1]! + x[xo + i + 3]! * y[yo + i + 3]!;
  }
  for (; i < n; i++) s0 += x[xo + i]! * y[yo + i]!;
  return s0 + s1;
}

/** For tests: the bound of each ±row functional and its gradient with slopes `alpha` (per unit layer, functionals × units). */
export function alphaBoundGradientForTest(chain: Chain, box: Box, k: number, pre: readonly (PreBounds | undefined)[], rows: Int32Array, alpha: (Float64Array | undefined)[]): { value: Float64Array; grads: (Float64Array | undefined)[] } {
  const relax: (LayerRelax | undefined)[] = [];
  for (let j = 0; j < k; j++) relax.push(chain.layers[j]!.act ? relaxLayer(chain, j, pre[j]!) : undefined);
  const q = 2 * rows.length, value = new Float64Array(q), mag = new Float64Array(q), xstar = new Uint8Array(q * chain.inputSize);
  const post = relax.map((r) => (r ? new Float64Array(q * r.free.length) : undefined));
  backward(chain, box, k, relax, alpha, rows, post, xstar, value, mag);
  const lastFree = relax.reduce((acc, r, j) => (r && r.freeCount > 0 ? j : acc), -1);
  return { value, grads: lastFree < 0 ? [] : gradient(chain, box, relax, alpha, post, xstar, q, lastFree) };
}
