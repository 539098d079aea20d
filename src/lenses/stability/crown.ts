// CROWN: backward linear relaxation. For the pre-activations of one unit layer, linear lower and
// upper bounds in terms of the input are built by walking the DAG backwards, replacing every
// activation by its relaxation on the best bounds so far, and then concretised on the box.
import { Box } from "../../core/domain.js";
import { fail } from "../../core/errors.js";
import { checkAborted, LensContext } from "../../core/lens.js";
import { Network, sizeOf } from "../../core/network.js";
import { avgpoolBack, convBack, maxpoolBack, Offsets, padBack, scaleBack } from "./crown-ops.js";
import { denseBackPair } from "./crown-dense.js";
import { Interval, NodeBounds, nodeInterval } from "./ibp.js";
import { relaxation } from "./pieces.js";

/** Linear-bound coefficients on one node for the lower-side and upper-side functionals. */
interface Coeffs {
  L: Float64Array;
  U: Float64Array;
}

/** Matrix entries (rows × node size) kept alive at once; rows are processed in chunks to stay under it. */
const CHUNK_ENTRIES = 2_000_000;

function nodeSize(net: Network, j: number): number {
  return j === -1 ? sizeOf(net.inputShape) : sizeOf(net.layers[j]!.shape);
}

/**
 * CROWN bounds of the values of node `target` at the given element indices, using `bounds` (the
 * best interval of every node so far) for the relaxations. Returns one interval per requested row,
 * not yet intersected with anything.
 */
export function crownNode(net: Network, box: Box, bounds: NodeBounds, target: number, rows: Int32Array, ctx?: LensContext, sens?: Float64Array): Interval {
  const k = rows.length;
  const lower = new Float64Array(k), upper = new Float64Array(k), mag = new Float64Array(k);
  if (k === 0) return { lower, upper, mag };
  // Which nodes feed the target: only they carry coefficients.
  let widest = nodeSize(net, target);
  for (let j = 0; j <= target; j++) widest = Math.max(widest, nodeSize(net, j));
  widest = Math.max(widest, nodeSize(net, -1));
  const chunk = Math.max(1, Math.min(k, Math.floor(CHUNK_ENTRIES / widest)));
  for (let start = 0; start < k; start += chunk) {
    checkAborted(ctx);
    const m = Math.min(chunk, k - start);
    const part = backward(net, bounds, target, rows.subarray(start, start + m));
    concretise(part, box, lower, upper, mag, start, m, nodeSize(net, -1), sens);
  }
  return { lower, upper, mag };
}

interface Backward {
  input: Coeffs;
  offL: Offsets;
  offU: Offsets;
  m: number;
}

function backward(net: Network, bounds: NodeBounds, target: number, rows: Int32Array): Backward {
  const m = rows.length;
  const pending = new Map<number, Coeffs>();
  const n0 = nodeSize(net, target);
  const start: Coeffs = { L: new Float64Array(m * n0), U: new Float64Array(m * n0) };
  for (let r = 0; r < m; r++) { start.L[r * n0 + rows[r]!] = 1; start.U[r * n0 + rows[r]!] = 1; }
  pending.set(target, start);
  const offL: Offsets = { d: new Float64Array(m), mag: new Float64Array(m) };
  const offU: Offsets = { d: new Float64Array(m), mag: new Float64Array(m) };
  const into = (j: number): Coeffs => {
    let c = pending.get(j);
    if (!c) {
      const s = nodeSize(net, j);
      c = { L: new Float64Array(m * s), U: new Float64Array(m * s) };
      pending.set(j, c);
    }
    return c;
  };
  for (let j = target; j >= 0; j--) {
    const A = pending.get(j);
    if (!A) continue;
    pending.delete(j);
    const layer = net.layers[j]!;
    const src = layer.inputs[0]!;
    const inShape = src === -1 ? net.inputShape : net.layers[src]!.shape;
    const n = sizeOf(layer.shape);
    switch (layer.kind) {
      case "flatten":
      case "reshape": {
        const existing = pending.get(src);
        if (!existing) pending.set(src, A);
        else { addInto(existing.L, A.L); addInto(existing.U, A.U); }
        break;
      }
      case "add": {
        for (const s of layer.inputs) { const t = into(s); addInto(t.L, A.L); addInto(t.U, A.U); }
        break;
      }
      case "dense": {
        const t = into(src);
        denseBackPair(layer, A.L, A.U, m, t.L, t.U, offL, offU);
        break;
      }
      case "conv2d": {
        const t = into(src);
        convBack(layer, inShape, layer.shape, A.L, m, t.L, offL); convBack(layer, inShape, layer.shape, A.U, m, t.U, offU);
        break;
      }
      case "scale": {
        const t = into(src);
        scaleBack(layer, inShape, A.L, m, n, t.L, offL); scaleBack(layer, inShape, A.U, m, n, t.U, offU);
        break;
      }
      case "pad": {
        const t = into(src);
        padBack(layer, inShape, layer.shape, A.L, m, t.L, offL); padBack(layer, inShape, layer.shape, A.U, m, t.U, offU);
        break;
      }
      case "avgpool": {
        const t = into(src);
        avgpoolBack(layer, inShape, layer.shape, A.L, m, t.L); avgpoolBack(layer, inShape, layer.shape, A.U, m, t.U);
        break;
      }
      case "maxpool": {
        const t = into(src), b = nodeInterval(bounds, src);
        maxpoolBack(layer, inShape, layer.shape, A.L, m, t.L, offL, b.lower, b.upper, true);
        maxpoolBack(layer, inShape, layer.shape, A.U, m, t.U, offU, b.lower, b.upper, false);
        break;
      }
      case "activation": {
        const t = into(src), b = nodeInterval(bounds, src);
        activationBack(layer.fn === "identity" ? null : layer, b, A, t, m, n, offL, offU, layer.name);
        break;
      }
    }
  }
  const input = pending.get(-1) ?? { L: new Float64Array(m * nodeSize(net, -1)), U: new Float64Array(m * nodeSize(net, -1)) };
  return { input, offL, offU, m };
}

function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i]!;
}

function activationBack(
  layer: (Parameters<typeof relaxation>[1] & { fn: Parameters<typeof relaxation>[0] }) | null,
  b: Interval, A: Coeffs, t: Coeffs, m: number, n: number, offL: Offsets, offU: Offsets, node: string,
): void {
  if (!layer) { addInto(t.L, A.L); addInto(t.U, A.U); return; }
  const lowS = new Float64Array(n), lowT = new Float64Array(n), upS = new Float64Array(n), upT = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = relaxation(layer.fn, layer, b.lower[i]!, b.upper[i]!, node);
    lowS[i] = r.lowS; lowT[i] = r.lowT; upS[i] = r.upS; upT[i] = r.upT;
  }
  for (let r = 0; r < m; r++) {
    let dl = 0, dlm = 0, du = 0, dum = 0;
    for (let i = 0; i < n; i++) {
      const k = r * n + i;
      const a = A.L[k]!;
      if (a !== 0) {
        // Lower side: a >= 0 wants f's lower line, a < 0 its upper line.
        const s = a >= 0 ? lowS[i]! : upS[i]!, c = a >= 0 ? lowT[i]! : upT[i]!;
        t.L[k] += a * s;
        const v = a * c; dl += v; dlm += Math.abs(v);
      }
      const u = A.U[k]!;
      if (u !== 0) {
        const s = u >= 0 ? upS[i]! : lowS[i]!, c = u >= 0 ? upT[i]! : lowT[i]!;
        t.U[k] += u * s;
        const v = u * c; du += v; dum += Math.abs(v);
      }
    }
    offL.d[r] += dl; offL.mag[r] += dlm; offU.d[r] += du; offU.mag[r] += dum;
  }
}

/** Concretise the linear bounds on the box; `sens` (if given) accumulates Σ|coefficient| × width per input, the split heuristic. */
function concretise(bw: Backward, box: Box, lower: Float64Array, upper: Float64Array, mag: Float64Array, at: number, m: number, n: number, sens?: Float64Array): void {
  const { L, U } = bw.input;
  for (let r = 0; r < m; r++) {
    let lo = bw.offL.d[r]!, hi = bw.offU.d[r]!, ml = bw.offL.mag[r]!, mu = bw.offU.mag[r]!;
    for (let i = 0; i < n; i++) {
      const xl = box.lower[i]!, xu = box.upper[i]!, xm = Math.max(Math.abs(xl), Math.abs(xu));
      const a = L[r * n + i]!, b = U[r * n + i]!;
      lo += a >= 0 ? a * xl : a * xu;
      hi += b >= 0 ? b * xu : b * xl;
      ml += Math.abs(a) * xm; mu += Math.abs(b) * xm;
      if (sens) sens[i] += (Math.abs(a) + Math.abs(b)) * (xu - xl);
    }
    lower[at + r] = lo; upper[at + r] = hi; mag[at + r] = Math.max(ml, mu);
  }
}

/** The node whose values are the pre-activations of unit layer `li` (its input); fails for non-activation layers. */
export function preActivationNode(net: Network, li: number): number {
  const layer = net.layers[li];
  if (!layer || layer.kind !== "activation") fail("BAD_ARGUMENT", `layer ${li} is not an activation layer`);
  return layer.inputs[0]!;
}
