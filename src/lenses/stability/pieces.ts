// The pieces of an activation on an interval of pre-activations: which piece a unit is stably in,
// the affine form of each piece, and sound linear relaxations used by CROWN and the LP/MILP models.
import { ActivationName, ActivationParams, activations } from "../../core/activations.js";
import { fail } from "../../core/errors.js";

/** Activations whose units the stability lens classifies with every method (piecewise linear, no identity). */
export const PL_UNIT_ACTIVATIONS: readonly ActivationName[] = ["relu", "leakyrelu", "hardtanh", "abs"];

/** Activations IBP can bound (monotone ones plus abs); the rest fail UNSUPPORTED_OP. */
const IBP_MONOTONE: ReadonlySet<ActivationName> = new Set(["relu", "leakyrelu", "hardtanh", "identity", "tanh", "sigmoid", "softplus", "elu", "softsign", "logsigmoid"]);

/** The breakpoints of an activation in the unit-state sense: ReLU-like units switch at 0, hard tanh at its limits. */
export function breakpointsOf(fn: ActivationName, p: ActivationParams): number[] {
  if (fn === "identity") return [];
  if (fn === "hardtanh") return [p.min ?? -1, p.max ?? 1];
  return [0];
}

/**
 * The piece a unit is in for every z in [l, u], or -1 when the interval straddles a breakpoint.
 * Piece p means z > breakpoint[p-1] and z <= breakpoint[p] (ties go left, as in pieceIndex).
 * Fails closed: a NaN or infinite bound (float64 overflowed while computing it) proves nothing.
 */
export function stablePiece(bps: readonly number[], l: number, u: number): number {
  if (!(Number.isFinite(l) && Number.isFinite(u) && l <= u)) return -1;
  let p = 0;
  while (p < bps.length && u > bps[p]!) p++;
  // u is in piece p; the unit is stable there iff l is strictly above the breakpoint below p.
  if (p === 0 || l > bps[p - 1]!) return p;
  return -1;
}

/** The affine form a·z + c of piece `piece` of a piecewise-linear activation. */
export function pieceAffine(fn: ActivationName, p: ActivationParams, piece: number): { a: number; c: number } {
  switch (fn) {
    case "relu": return piece === 1 ? { a: 1, c: 0 } : { a: 0, c: 0 };
    case "leakyrelu": return piece === 1 ? { a: 1, c: 0 } : { a: p.alpha ?? 0.01, c: 0 };
    case "abs": return piece === 1 ? { a: 1, c: 0 } : { a: -1, c: 0 };
    case "hardtanh": return piece === 0 ? { a: 0, c: p.min ?? -1 } : piece === 1 ? { a: 1, c: 0 } : { a: 0, c: p.max ?? 1 };
    case "identity": return { a: 1, c: 0 };
    default: return fail("NOT_PIECEWISE_LINEAR", `activation '${fn}' has no affine pieces`);
  }
}

/** The range of an activation's output over [l, u] (IBP); fails UNSUPPORTED_OP for non-monotone smooth activations. */
export function activationRange(fn: ActivationName, p: ActivationParams, l: number, u: number, node?: string): [number, number] {
  const f = activations[fn];
  // NaN bounds (never produced by ibp, which widens them to ±∞) would be laundered by comparisons below.
  if (!(l <= u)) return [-Infinity, Infinity];
  if (fn === "abs") {
    if (l >= 0) return [l, u];
    if (u <= 0) return [-u, -l];
    return [0, Math.max(-l, u)];
  }
  if (fn === "leakyrelu" && (p.alpha ?? 0.01) < 0) {
    // A negative slope makes leaky ReLU non-monotone: its minimum on a straddling interval is at 0.
    const a = f.output(l, p), b = f.output(u, p);
    return l < 0 && u > 0 ? [0, Math.max(a, b)] : [Math.min(a, b), Math.max(a, b)];
  }
  if (!IBP_MONOTONE.has(fn)) fail("UNSUPPORTED_OP", `interval bounds through '${fn}' are not implemented (it is not monotone); use relu, leakyrelu, hardtanh, abs, tanh, sigmoid, softplus or elu`, { node });
  return [f.output(l, p), f.output(u, p)];
}

/** A sound linear relaxation on [l, u]: low.s·z + low.t <= f(z) <= up.s·z + up.t. */
export interface Relaxation {
  lowS: number;
  lowT: number;
  upS: number;
  upT: number;
}

/**
 * The chord through (l, fl) and (u, fu) as slope s and intercept t, or null when float64 cannot hold
 * it. The slope is taken from halved values, so u − l overflowing (l = −1e308, u = 1e308) does not turn
 * it into fl/∞ = 0 — a flat chord that would cut the activation off at 0.
 */
export function chord(fl: number, fu: number, l: number, u: number): { s: number; t: number } | null {
  let s = (fu - fl) / (u - l);
  if (!Number.isFinite(s) || !Number.isFinite(u - l) || !Number.isFinite(fu - fl)) s = (0.5 * fu - 0.5 * fl) / (0.5 * u - 0.5 * l);
  const t = fl - s * l;
  return Number.isFinite(s) && Number.isFinite(t) && Number.isFinite(fl) && Number.isFinite(fu) ? { s, t } : null;
}

/** The relaxation that bounds nothing (every bound built on it is ∓∞). */
const UNBOUNDED: Relaxation = { lowS: 0, lowT: -Infinity, upS: 0, upT: Infinity };

/** Convex f on a straddling interval: the chord above, the better of the two tangents below (CROWN's adaptive slope). */
function convexRelax(fl: number, fu: number, l: number, u: number, leftSlope: number, rightSlope: number, kink: number, fk: number): Relaxation {
  const ch = chord(fl, fu, l, u);
  if (!ch) return UNBOUNDED;
  // Both tangent lines pass through the kink; pick the one with the smaller area gap (the adaptive choice).
  const slope = u - kink > kink - l ? rightSlope : leftSlope;
  return { lowS: slope, lowT: fk - slope * kink, upS: ch.s, upT: ch.t };
}

/** Concave f on a straddling interval: the chord below, the better tangent above. */
function concaveRelax(fl: number, fu: number, l: number, u: number, leftSlope: number, rightSlope: number, kink: number, fk: number): Relaxation {
  const ch = chord(fl, fu, l, u);
  if (!ch) return UNBOUNDED;
  const slope = u - kink > kink - l ? rightSlope : leftSlope;
  return { lowS: ch.s, lowT: ch.t, upS: slope, upT: fk - slope * kink };
}

/**
 * The CROWN relaxation of a piecewise-linear activation on [l, u]: exact on a stable interval,
 * chord plus adaptive tangent on a straddling one; only non-PL activations fail.
 */
export function relaxation(fn: ActivationName, p: ActivationParams, l: number, u: number, node?: string): Relaxation {
  if (!activations[fn].piecewiseLinear) fail("NOT_PIECEWISE_LINEAR", `CROWN, LP and MILP bounds need a piecewise-linear activation, '${fn}' is not`, { node });
  // An unbounded (overflowed) interval admits only the trivial relaxation: its constants are ∓∞, so
  // every bound built on it is ∓∞ and proves nothing (slopes 0 keep ∞·0 = NaN out of the coefficients).
  if (!(Number.isFinite(l) && Number.isFinite(u))) return UNBOUNDED;
  const bps = breakpointsOf(fn, p);
  const piece = stablePiece(bps, l, u);
  if (piece >= 0 || u <= l) {
    const { a, c } = pieceAffine(fn, p, piece >= 0 ? piece : 0);
    return { lowS: a, lowT: c, upS: a, upT: c };
  }
  const f = activations[fn];
  const fl = f.output(l, p), fu = f.output(u, p);
  if (fn === "hardtanh") {
    const lo = p.min ?? -1, hi = p.max ?? 1;
    if (u <= hi) return convexRelax(fl, fu, l, u, 0, 1, lo, lo);
    if (l > lo) return concaveRelax(fl, fu, l, u, 1, 0, hi, hi);
    // Spans both kinks: f is monotone, so the constant bounds f(l) <= f(z) <= f(u) are sound.
    return { lowS: 0, lowT: fl, upS: 0, upT: fu };
  }
  const left = fn === "relu" ? 0 : fn === "abs" ? -1 : (p.alpha ?? 0.01);
  if (left <= 1) return convexRelax(fl, fu, l, u, left, 1, 0, 0);
  return concaveRelax(fl, fu, l, u, left, 1, 0, 0);
}
