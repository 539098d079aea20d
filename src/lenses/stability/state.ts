// The working state of the stability lens: per unit layer, the best pre-activation bounds so far,
// the stable piece (when proven) and which method proved it, and the pieces witnessed at real points.
import { ActivationName, ActivationParams } from "../../core/activations.js";
import { Network, sizeOf } from "../../core/network.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { NodeBounds, nodeInterval } from "./ibp.js";
import { breakpointsOf, stablePiece } from "./pieces.js";

/** The methods that can certify a stable unit, weakest first (index = certificate level); "split" is CROWN on a partition of the input box. */
export const CERTIFIERS = ["none", "ibp", "crown", "alpha-crown", "lp", "split", "milp"] as const;

/** CERTIFIERS index of each method, for the `by` arrays. */
export const CERT = { ibp: 1, crown: 2, alpha: 3, lp: 4, split: 5, milp: 6 } as const;

/** A method that certified a unit's stability. */
export type Certifier = (typeof CERTIFIERS)[number];

/** Working state of one unit layer (an activation layer other than identity). */
export interface UnitLayerState {
  /** Index of the activation layer in net.layers. */
  layer: number;
  /** Index of the node holding its pre-activations (-1 = network input). */
  preNode: number;
  name: string;
  fn: ActivationName;
  params: ActivationParams;
  bps: number[];
  n: number;
  /** Best sound pre-activation bounds so far, each already widened by its rounding slack. */
  lower: Float64Array;
  upper: Float64Array;
  /** IBP's magnitude of the terms behind each pre-activation (a witness must clear TOLERANCE.onPlaneRel × mag). */
  mag: Float64Array;
  /** Stable piece, or -1 while not proven. */
  piece: Int8Array;
  /** CERTIFIERS index of the method that proved the piece (0 = none). */
  by: Uint8Array;
  /** Bit p set: some point of the domain puts the unit in piece p (a witness). */
  seen: Uint8Array;
  /** 1 when the exact stage gave up on this unit (time limit or a margin too thin to decide). */
  unknown: Uint8Array;
}

/** The rounding slack of a bound whose terms have magnitude `mag`. */
export function slack(mag: number): number {
  return TOLERANCE.onPlaneRel * mag;
}

/**
 * A lower bound widened by the slack of its terms, failing closed: a NaN or +∞ value (an overflow,
 * e.g. ∞ − ∞), or a non-finite magnitude (the terms themselves overflowed), gives −∞, which proves nothing.
 */
export function widenLower(v: number, mag: number): number {
  const r = v - slack(mag);
  return r > -Infinity && r < Infinity ? r : -Infinity;
}

/** An upper bound widened by its slack; NaN, −∞ or a non-finite magnitude give +∞ (see widenLower). */
export function widenUpper(v: number, mag: number): number {
  const r = v + slack(mag);
  return r > -Infinity && r < Infinity ? r : Infinity;
}

/** Unit layers of the network with their IBP bounds (first classification included, certifier "ibp"). */
export function initialStates(net: Network, bounds: NodeBounds): UnitLayerState[] {
  const out: UnitLayerState[] = [];
  net.layers.forEach((layer, li) => {
    if (layer.kind !== "activation" || layer.fn === "identity") return;
    const pre = nodeInterval(bounds, layer.inputs[0]!);
    const n = sizeOf(layer.shape);
    const params: ActivationParams = {};
    if (layer.alpha !== undefined) params.alpha = layer.alpha;
    if (layer.min !== undefined) params.min = layer.min;
    if (layer.max !== undefined) params.max = layer.max;
    const s: UnitLayerState = {
      layer: li, preNode: layer.inputs[0]!, name: layer.name, fn: layer.fn, params, bps: breakpointsOf(layer.fn, params), n,
      lower: pre.lower.map((v, i) => widenLower(v, pre.mag[i]!)), upper: pre.upper.map((v, i) => widenUpper(v, pre.mag[i]!)),
      mag: Float64Array.from(pre.mag),
      piece: new Int8Array(n).fill(-1), by: new Uint8Array(n), seen: new Uint8Array(n), unknown: new Uint8Array(n),
    };
    for (let i = 0; i < n; i++) classify(s, i, CERT.ibp);
    out.push(s);
  });
  return out;
}

/** Re-check unit i against its bounds; records `by` (a CERTIFIERS index) when it becomes stable. */
export function classify(s: UnitLayerState, i: number, by: number): boolean {
  if (s.piece[i]! >= 0) return true;
  const p = stablePiece(s.bps, s.lower[i]!, s.upper[i]!);
  if (p < 0) return false;
  s.piece[i] = p;
  s.by[i] = by;
  return true;
}

/** Intersect new bounds (terms of magnitude `mag`, widened here by their slack) into unit i and re-classify; true when stable. */
export function tighten(s: UnitLayerState, i: number, lower: number, upper: number, mag: number, by: number): boolean {
  // Overflowed or NaN bounds widen to ±∞ and so never replace a finite one.
  const lo = widenLower(lower, mag), hi = widenUpper(upper, mag);
  if (lo > s.lower[i]!) s.lower[i] = lo;
  if (hi < s.upper[i]!) s.upper[i] = hi;
  return classify(s, i, by);
}

/**
 * The piece z witnesses for unit i, or -1 when z is within the rounding slack of a breakpoint. A
 * non-finite z (the forward pass overflowed) or slack (the unit's terms overflow on the domain) witnesses nothing.
 */
export function witnessPiece(s: UnitLayerState, i: number, z: number): number {
  const e = slack(s.mag[i]!);
  if (!Number.isFinite(z) || !Number.isFinite(e)) return -1;
  let p = 0;
  for (const b of s.bps) {
    if (Math.abs(z - b) <= e && !(e === 0 && z === b)) return -1;
    if (z > b) p++;
  }
  return p;
}

/** Record that some domain point gives unit i the pre-activation z. */
export function markSeen(s: UnitLayerState, i: number, z: number): void {
  const p = witnessPiece(s, i, z);
  if (p >= 0) s.seen[i] |= 1 << p;
}

/** True when two different pieces have been witnessed: the unit is proven unstable. */
export function provenUnstable(s: UnitLayerState, i: number): boolean {
  const m = s.seen[i]!;
  return (m & (m - 1)) !== 0;
}

/** Still to decide: neither proven stable nor proven unstable. */
export function undecided(s: UnitLayerState, i: number): boolean {
  return s.piece[i]! < 0 && !provenUnstable(s, i);
}
