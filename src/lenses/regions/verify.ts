/**
 * Patterns of partition cells as strings, and the interior-point check: the reference forward pass at
 * a cell's interior points must give the cell's pattern (up to the tolerance policy) and its output.
 */
import { activations } from "../../core/activations.js";
import { forwardTrace } from "../../core/engine/reference.js";
import { Layer, Network, PoolOp } from "../../core/network.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { Partition } from "./partition.js";

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * The pattern of final cell i as a string: one character per unit (its piece index, or a max-pool's
 * window-local arg-max, in base 36), unit layers separated by '|'.
 */
export function patternString(P: Partition, i: number): string {
  let total = P.unitLayers.length - 1;
  for (const n of P.unitSizes) total += n;
  if (codeBuf.length < total) codeBuf = new Uint16Array(2 * total);
  let at = 0;
  for (let s = 0; s < P.unitLayers.length; s++) {
    if (s > 0) codeBuf[at++] = 124;
    const n = P.unitSizes[s]!, row = P.ancestor[s]![i]! * n, pat = P.patterns[s]!;
    for (let j = 0; j < n; j++) codeBuf[at++] = DIGIT_CODES[pat[row + j]!]!;
  }
  // Chunked: String.fromCharCode takes its arguments on the stack.
  let out = "";
  for (let q = 0; q < at; q += 8192) out += String.fromCharCode(...codeBuf.subarray(q, Math.min(at, q + 8192)));
  return out;
}
let codeBuf = new Uint16Array(1024);
const DIGIT_CODES = Uint16Array.from(DIGITS, (c) => c.charCodeAt(0));

/**
 * patternString for many cells: the same strings, each cell's ASCII codes decoded natively (UTF-8 and
 * ASCII agree there) instead of one character at a time. One decode per cell, not slices of a batch's
 * text: a slice keeps its whole batch alive, so cells asked for out of order (a line's intervals,
 * sorted by position) held ~100 KB each on 3,000 units.
 */
export function patternStrings(P: Partition): (i: number) => string {
  let total = P.unitLayers.length - 1;
  for (const n of P.unitSizes) total += n;
  const dec = typeof TextDecoder === "undefined" ? undefined : new TextDecoder();
  if (!dec || total === 0) return (i) => patternString(P, i);
  const codes = Uint8Array.from(DIGIT_CODES);
  const bytes = new Uint8Array(total);
  return (i: number): string => {
    let at = 0;
    for (let s = 0; s < P.unitLayers.length; s++) {
      if (s > 0) bytes[at++] = 124;
      const n = P.unitSizes[s]!, row = P.ancestor[s]![i]! * n, pat = P.patterns[s]!;
      for (let j = 0; j < n; j++) bytes[at++] = codes[pat[row + j]!]!;
    }
    return dec.decode(bytes);
  };
}

/** Outcome of checking every cell at interior points. */
export interface Verification {
  /** Cells checked. */
  checked: number;
  /** Interior points evaluated: each cell's centroid and one point near each of its vertices. */
  points: number;
  /** Units (summed over points) whose reference state differs from the cell's pattern although their pre-activation is clear of every breakpoint. */
  mismatches: number;
  /** Units within TOLERANCE.patternAgree of a breakpoint (or a max-pool tie) at a point: either state is accepted. */
  ambiguous: number;
  /** Largest |reference output − cell's affine output| at the points, relative to max(1, |output|). */
  maxOutputError: number;
  /** Up to 5 examples of mismatches: cell, unit layer index, unit, cell state, reference state, pre-activation, point (slice coordinates). */
  examples: { cell: number; layer: number; unit: number; state: number; reference: number; z: number; at: number[] }[];
}

/**
 * Where the points near a cell's vertices lie: vertex + VERIFY_NEAR_VERTEX × (centroid − vertex).
 * Close enough to a corner to land in a piece of 1e-5 across that a wrong split left in the cell
 * (the slice of issue 16 had 13 such pieces hidden from a centroid-only check), far enough inside
 * for the units bounding the corner to be clear of the pattern tolerance on cells of ordinary size.
 */
export const VERIFY_NEAR_VERTEX = 1e-6;

/**
 * Check every cell of a partition at interior points — `point(i)` (its centroid, in slice
 * coordinates) and one point near each vertex — with the exact reference forward pass (`toInput`
 * maps slice coordinates to input space).
 */
export function verifyPartition(
  net: Network, P: Partition, point: (i: number, out: Float64Array) => void, toInput: (u: Float64Array) => Float64Array,
): Verification {
  const res: Verification = { checked: 0, points: 0, mismatches: 0, ambiguous: 0, maxOutputError: 0, examples: [] };
  const k = P.k, c = new Float64Array(k), u = new Float64Array(k);
  for (let i = 0; i < P.count; i++) {
    point(i, c);
    res.checked++;
    const off = P.cellOff[i]!, n = P.cellLen[i]!;
    for (let q = -1; q < n; q++) {
      for (let t = 0; t < k; t++) {
        const w = q < 0 ? c[t]! : P.verts[off + k * q + t]!;
        u[t] = q < 0 ? w : w + VERIFY_NEAR_VERTEX * (c[t]! - w);
      }
      checkPoint(net, P, i, u, toInput(u), res);
    }
  }
  return res;
}

/** Compare the reference pass at x (slice coordinates u) with cell i's pattern and output map. */
function checkPoint(net: Network, P: Partition, i: number, u: Float64Array, x: Float64Array, res: Verification): void {
  const K = P.k + 1, m = P.outSize;
  const tr = forwardTrace(net, x);
  res.points++;
  P.unitLayers.forEach((li, s) => {
    const layer = net.layers[li]!;
    const n = P.unitSizes[s]!, row = P.ancestor[s]![i]! * n, pat = P.patterns[s]!;
    const ref = tr.patterns[li]!;
    const zin = layer.inputs[0] === -1 ? x : tr.values[layer.inputs[0]!]!;
    for (let j = 0; j < n; j++) {
      const mine = pat[row + j]!, theirs = ref[j]!;
      let z = 0, amb = false;
      if (layer.kind === "activation") {
        z = zin[j]!;
        for (const b of activations[layer.fn].breakpoints?.(layer) ?? []) if (Math.abs(z - b) <= TOLERANCE.patternAgree) amb = true;
      } else {
        // Max pool: ambiguous when the two largest window values are within tolerance.
        z = tr.values[li]![j]!;
        amb = nearTie(net, li, zin, j, z);
      }
      if (amb) { res.ambiguous++; continue; }
      if (mine !== theirs) {
        res.mismatches++;
        if (res.examples.length < 5) res.examples.push({ cell: i, layer: li, unit: j, state: mine, reference: theirs, z, at: Array.from(u) });
      }
    }
  });
  for (let o = 0; o < m; o++) {
    let y = P.outMap[(i * K + K - 1) * m + o]!;
    for (let c = 0; c < P.k; c++) y += u[c]! * P.outMap[(i * K + c) * m + o]!;
    const ref = tr.output[o]!;
    const err = Math.abs(y - ref) / Math.max(1, Math.abs(ref));
    // NaN (an overflowed output) counts as the largest error, never as none.
    if (!(err <= res.maxOutputError)) res.maxOutputError = Number.isNaN(err) ? Infinity : err;
  }
}

function nearTie(net: Network, li: number, zin: Float64Array, o: number, best: number): boolean {
  const layer = net.layers[li]! as Layer & PoolOp;
  const inShape = layer.inputs[0] === -1 ? net.inputShape : net.layers[layer.inputs[0]!]!.shape;
  const [, H, W] = inShape as [number, number, number];
  const [, OH, OW] = layer.shape as [number, number, number];
  const c = Math.floor(o / (OH * OW)), oy = Math.floor((o % (OH * OW)) / OW), ox = o % OW;
  let close = 0;
  for (let ky = 0; ky < layer.kernel[0]; ky++)
    for (let kx = 0; kx < layer.kernel[1]; kx++) {
      const iy = oy * layer.stride[0] - layer.pads[0] + ky, ix = ox * layer.stride[1] - layer.pads[1] + kx;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
      if (best - zin[(c * H + iy) * W + ix]! <= TOLERANCE.patternAgree) close++;
    }
  return close > 1;
}
