// The multiplicity of an activation (Zhou et al., condensation at initial training), computed
// numerically from its float64 scalar function rather than typed in.
import { TOLERANCE } from "../tolerance.js";

/** What the multiplicity computation found for one scalar function. */
export interface Multiplicity {
  /** p: σ^(k)(0) = 0 for k = 1..p−1 and σ^(p)(0) ≠ 0; null when the definition does not apply. */
  order: number | null;
  /** Estimates of σ^(k)(0) for k = 1..(order or the last order examined). */
  derivatives: number[];
  /** Why order is null (a kink at 0, or every derivative up to maxOrder vanished). */
  reason?: string;
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** k-th one-sided difference at 0 towards `side` (nodes 0, side·h, …, side·k·h); error a₁h + a₂h² + …. */
function oneSided(f: (x: number) => number, k: number, h: number, side: 1 | -1): number {
  let s = 0;
  for (let j = 0; j <= k; j++) s += ((k - j) % 2 === 0 ? 1 : -1) * binom(k, j) * f(side * j * h);
  return s / (side * h) ** k;
}

/** Richardson tableau over steps h, h/2, …, h/2^(levels−1) for an error series in h, h², h³, … (error O(h^levels)). */
function extrapolate(est: (h: number) => number, h: number, levels: number): number {
  let row = Array.from({ length: levels }, (_, i) => est(h / 2 ** i));
  for (let p = 1; p < levels; p++) {
    const q = 2 ** p;
    row = row.slice(1).map((v, i) => (q * v - row[i]!) / (q - 1));
  }
  return row[0]!;
}

/** Largest step of the tableau for a k-th difference: large enough that float64 rounding, amplified by 1/h^k, stays small. */
function stepFor(k: number): number {
  return 2 ** (-4 + k / 2);
}

/**
 * The multiplicity p of σ at 0 (Zhou et al. 2022: σ^(k)(0) = 0 for k < p, σ^(p)(0) ≠ 0).
 *
 * Method: float64 finite differences. For each order k = 1, 2, … the k-th derivative at 0 is
 * estimated from the left and from the right by one-sided differences extrapolated with a
 * five-level Richardson tableau (error O(h⁵)). If the two disagree by more than
 * TOLERANCE.derivativeKink·(1 + |value|), σ has no k-th derivative at 0 (a kink, as ReLU, leaky ReLU
 * and abs have) and the multiplicity is undefined. Otherwise σ^(k)(0) is their mean, which counts as
 * non-zero when its magnitude exceeds TOLERANCE.derivativeZero.
 */
export function multiplicityOf(f: (x: number) => number, maxOrder = 6): Multiplicity {
  const derivatives: number[] = [];
  for (let k = 1; k <= maxOrder; k++) {
    const h = stepFor(k);
    const right = extrapolate((s) => oneSided(f, k, s, 1), h, 5);
    const left = extrapolate((s) => oneSided(f, k, s, -1), h, 5);
    const d = (left + right) / 2;
    if (!Number.isFinite(d) || Math.abs(right - left) > TOLERANCE.derivativeKink * (1 + Math.abs(d))) {
      return {
        order: null, derivatives,
        reason: `not ${k === 1 ? "differentiable" : `${k} times differentiable`} at 0 (one-sided derivatives ${round(left)} and ${round(right)})`,
      };
    }
    const value = Math.abs(d) <= TOLERANCE.derivativeZero ? 0 : d;
    derivatives.push(value);
    if (value !== 0) return { order: k, derivatives };
  }
  return { order: null, derivatives, reason: `every derivative up to order ${maxOrder} vanishes at 0` };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
