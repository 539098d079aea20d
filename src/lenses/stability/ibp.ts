// Interval bound propagation (IBP): a box in, a box per layer out. The weakest and cheapest bound;
// every other method starts from it. Works on every op of the network model (DAG included).
import { Box, checkBoxFits } from "../../core/domain.js";
import { fail } from "../../core/errors.js";
import { ibpDenseSimd } from "../../core/linalg/simd-gemm.js";
import { conv2dForward, padForward, poolForward } from "../../core/engine/kernels.js";
import { Conv2dOp, Network, inputSize, sizeOf } from "../../core/network.js";
import { activationRange } from "./pieces.js";

/** Lower and upper bounds of one tensor (flat), plus `mag`, an upper bound on the magnitude of the terms that produced each value (for the rounding slack). */
export interface Interval {
  lower: Float64Array;
  upper: Float64Array;
  mag: Float64Array;
}

/** Bounds of every layer's output; `input` is the domain itself. */
export interface NodeBounds {
  input: Interval;
  layers: Interval[];
}

/** The bounds of node j (-1 = network input). */
export function nodeInterval(b: NodeBounds, j: number): Interval {
  return j === -1 ? b.input : b.layers[j]!;
}

/** Tighter bounds to intersect into given nodes as IBP proceeds (keyed by layer index). */
export type Tightening = ReadonlyMap<number, { lower: Float64Array; upper: Float64Array }>;

function absArray(a: Float64Array): Float64Array {
  const r = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) r[i] = Math.abs(a[i]!);
  return r;
}

/** Centre and radius of each interval, without overflow (a box of ±1e308 has centre 0, radius 1e308). */
function centreRadius(x: Interval, c: Float64Array, r: Float64Array): void {
  for (let i = 0; i < c.length; i++) {
    const l = x.lower[i]!, u = x.upper[i]!;
    const s = l + u, d = u - l;
    c[i] = Number.isFinite(s) ? 0.5 * s : 0.5 * l + 0.5 * u;
    r[i] = Number.isFinite(d) ? 0.5 * d : 0.5 * u - 0.5 * l;
  }
}

/**
 * Where float64 overflowed (∞ − ∞ = NaN, or a partial sum that ran to ±∞ before its terms cancelled),
 * a bound says nothing: a lower bound that is NaN or +∞ becomes −∞, an upper bound that is NaN or −∞
 * becomes +∞, a NaN magnitude +∞. Later layers then see sound (unbounded) intervals, never NaN, which
 * comparisons and ReLU (NaN > 0 is false) would otherwise turn into finite, wrong values.
 */
export function failClosed(lower: Float64Array, upper: Float64Array, mag: Float64Array): void {
  for (let i = 0; i < lower.length; i++) {
    if (!(lower[i]! < Infinity)) lower[i] = -Infinity;
    if (!(upper[i]! > -Infinity)) upper[i] = Infinity;
    if (!(mag[i]! < Infinity)) mag[i] = Infinity;
  }
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/**
 * c' = Wc + b, r' = |W|r, mag' = |W|mag + |b| where every input is finite: a zero weight then adds an exact
 * zero, so the loop needs no branch (the tight loop: four inputs a step, one pass over W for all three sums).
 */
function denseFinite(W: Float64Array, b: Float64Array, inSize: number, n: number, c: Float64Array, r: Float64Array, xm: Float64Array, lower: Float64Array, upper: Float64Array, mag: Float64Array): void {
  const end4 = inSize - (inSize & 3);
  for (let o = 0; o < n; o++) {
    const row = o * inSize;
    let sc0 = b[o]!, sc1 = 0, sr0 = 0, sr1 = 0, sm0 = Math.abs(b[o]!), sm1 = 0;
    let i = 0;
    for (; i < end4; i += 4) {
      const w0 = W[row + i]!, w1 = W[row + i + 1]!, w2 = W[row + i + 2]!, w3 = W[row + i + 3]!;
      const a0 = Math.abs(w0), a1 = Math.abs(w1), a2 = Math.abs(w2), a3 = Math.abs(w3);
      sc0 += w0 * c[i]! + w2 * c[i + 2]!; sc1 += w1 * c[i + 1]! + w3 * c[i + 3]!;
      sr0 += a0 * r[i]! + a2 * r[i + 2]!; sr1 += a1 * r[i + 1]! + a3 * r[i + 3]!;
      sm0 += a0 * xm[i]! + a2 * xm[i + 2]!; sm1 += a1 * xm[i + 1]! + a3 * xm[i + 3]!;
    }
    for (; i < inSize; i++) {
      const w = W[row + i]!, a = Math.abs(w);
      sc0 += w * c[i]!; sr0 += a * r[i]!; sm0 += a * xm[i]!;
    }
    const sc = sc0 + sc1, sr = sr0 + sr1;
    lower[o] = sc - sr; upper[o] = sc + sr; mag[o] = sm0 + sm1;
  }
}

/** The SIMD step's three sums per row (grown as needed, reused: IBP runs once per layer per bound). */
let simdOut = new Float64Array(0);

/** denseFinite on the wasm SIMD kernel (the same terms, bias added last); false where it does not run. */
function denseSimd(W: Float64Array, b: Float64Array, inSize: number, n: number, c: Float64Array, r: Float64Array, xm: Float64Array, lower: Float64Array, upper: Float64Array, mag: Float64Array): boolean {
  if (simdOut.length < 3 * n) simdOut = new Float64Array(3 * n);
  const out = simdOut;
  if (!ibpDenseSimd(W, n, inSize, c, r, xm, out)) return false;
  for (let o = 0; o < n; o++) {
    const sc = b[o]! + out[3 * o]!, sr = out[3 * o + 1]!;
    lower[o] = sc - sr; upper[o] = sc + sr; mag[o] = Math.abs(b[o]!) + out[3 * o + 2]!;
  }
  return true;
}

/** The same where an input's bounds overflowed: a zero weight is skipped (0·∞ would be NaN). */
function denseGuarded(W: Float64Array, b: Float64Array, inSize: number, n: number, c: Float64Array, r: Float64Array, xm: Float64Array, lower: Float64Array, upper: Float64Array, mag: Float64Array): void {
  for (let o = 0; o < n; o++) {
    let sc = b[o]!, sr = 0, sm = Math.abs(b[o]!);
    const row = o * inSize;
    for (let i = 0; i < inSize; i++) {
      const w = W[row + i]!;
      if (w === 0) continue;
      const aw = Math.abs(w);
      sc += w * c[i]!; sr += aw * r[i]!; sm += aw * xm[i]!;
    }
    lower[o] = sc - sr; upper[o] = sc + sr; mag[o] = sm;
  }
}

/** The box as an interval. */
export function boxInterval(box: Box): Interval {
  const mag = new Float64Array(box.lower.length);
  for (let i = 0; i < mag.length; i++) mag[i] = Math.max(Math.abs(box.lower[i]!), Math.abs(box.upper[i]!));
  return { lower: Float64Array.from(box.lower), upper: Float64Array.from(box.upper), mag };
}

/**
 * Bounds already computed on the same box that ibp may keep: every node before `from` (and the input).
 * Sound only when nothing feeding those nodes changed since `prev`, i.e. every tightening added since
 * is on node `from` or later (layers are in topological order, so no earlier node reads a later one).
 */
export interface Reuse {
  prev: NodeBounds;
  from: number;
  /**
   * Node `from` itself was only tightened since `prev` (its inputs are unchanged): its interval is prev's
   * intersected with the tightening, not recomputed — the same numbers, since IBP is deterministic.
   */
  keep?: boolean;
}

/**
 * Interval bounds of every layer on the box. Dense and conv layers use centre/radius form
 * (c' = Wc + b, r' = |W|r). `tighter` bounds, where given, are intersected into their node before
 * propagating further (how CROWN/LP results feed later layers); `reuse` keeps the nodes before reuse.from.
 * With `until`, only the nodes up to it are computed (layers.length = until + 1): a layer-by-layer
 * tightening (CROWN, then IBP to the next unit layer) computes each node once; complete such bounds with
 * another call reusing them before anything reads a later node.
 */
export function ibp(net: Network, box: Box, tighter?: Tightening, reuse?: Reuse, until?: number): NodeBounds {
  checkBoxFits(box, inputSize(net));
  const input = reuse ? reuse.prev.input : boxInterval(box);
  const layers: Interval[] = reuse ? reuse.prev.layers.slice(0, reuse.from) : [];
  if (reuse?.keep) {
    const old = reuse.prev.layers[reuse.from];
    if (!old) fail("BAD_ARGUMENT", `ibp: node ${reuse.from} to keep is not in the previous bounds`);
    const lower = Float64Array.from(old.lower), upper = Float64Array.from(old.upper);
    intersectInto(lower, upper, tighter?.get(reuse.from));
    layers.push({ lower, upper, mag: old.mag });
  }
  const last = until ?? net.layers.length - 1;
  const absCache = new Map<number, Float64Array>();
  const absW = (i: number, w: Float64Array): Float64Array => {
    let a = absCache.get(i);
    if (!a) { a = absArray(w); absCache.set(i, a); }
    return a;
  };
  net.layers.forEach((layer, li) => {
    if (li < layers.length || li > last) return;
    const ins = layer.inputs.map((j) => (j === -1 ? input : layers[j]!));
    const x = ins[0]!;
    const inShape = layer.inputs[0] === -1 ? net.inputShape : net.layers[layer.inputs[0]!]!.shape;
    const n = sizeOf(layer.shape);
    const lower = new Float64Array(n), upper = new Float64Array(n), mag = new Float64Array(n);
    const m = x.lower.length;
    switch (layer.kind) {
      case "dense": {
        const c = new Float64Array(m), r = new Float64Array(m);
        centreRadius(x, c, r);
        if (allFinite(c) && allFinite(r) && allFinite(x.mag)) {
          if (!denseSimd(layer.weight, layer.bias, layer.inSize, n, c, r, x.mag, lower, upper, mag)) denseFinite(layer.weight, layer.bias, layer.inSize, n, c, r, x.mag, lower, upper, mag);
        }
        else denseGuarded(layer.weight, layer.bias, layer.inSize, n, c, r, x.mag, lower, upper, mag);
        break;
      }
      case "conv2d": {
        const c = new Float64Array(m), r = new Float64Array(m);
        centreRadius(x, c, r);
        const cy = new Float64Array(n), ry = new Float64Array(n);
        conv2dForward(layer, inShape, layer.shape, c, cy);
        const absOp: Conv2dOp = { ...layer, weight: absW(li, layer.weight), bias: absArray(layer.bias) };
        const zeroBias: Conv2dOp = { ...absOp, bias: new Float64Array(layer.bias.length) };
        conv2dForward(zeroBias, inShape, layer.shape, r, ry);
        conv2dForward(absOp, inShape, layer.shape, x.mag, mag);
        for (let o = 0; o < n; o++) { lower[o] = cy[o]! - ry[o]!; upper[o] = cy[o]! + ry[o]!; }
        break;
      }
      case "scale": {
        const per = layer.perChannel ? m / (inShape[0] ?? 1) : 1;
        for (let i = 0; i < m; i++) {
          const k = layer.perChannel ? Math.floor(i / per) : i;
          const s = layer.scale[k]!, t = layer.shift[k]!;
          const a = x.lower[i]! * s, bb = x.upper[i]! * s;
          lower[i] = Math.min(a, bb) + t; upper[i] = Math.max(a, bb) + t;
          mag[i] = Math.abs(s) * x.mag[i]! + Math.abs(t);
        }
        break;
      }
      case "activation":
        for (let i = 0; i < m; i++) {
          const [lo, hi] = activationRange(layer.fn, layer, x.lower[i]!, x.upper[i]!, layer.name);
          lower[i] = lo; upper[i] = hi; mag[i] = Math.max(Math.abs(lo), Math.abs(hi));
        }
        break;
      case "flatten":
      case "reshape":
        lower.set(x.lower); upper.set(x.upper); mag.set(x.mag);
        break;
      case "pad":
        padForward(layer, inShape, layer.shape, x.lower, lower);
        padForward(layer, inShape, layer.shape, x.upper, upper);
        padForward({ ...layer, value: Math.abs(layer.value) }, inShape, layer.shape, x.mag, mag);
        break;
      case "maxpool":
      case "avgpool":
        // Both poolings are monotone in every input, so bounds map to bounds.
        poolForward(layer, inShape, layer.shape, x.lower, lower);
        poolForward(layer, inShape, layer.shape, x.upper, upper);
        poolForward(layer, inShape, layer.shape, x.mag, mag);
        break;
      case "add": {
        const y = ins[1]!;
        for (let i = 0; i < n; i++) {
          lower[i] = x.lower[i]! + y.lower[i]!; upper[i] = x.upper[i]! + y.upper[i]!; mag[i] = x.mag[i]! + y.mag[i]!;
        }
        break;
      }
    }
    failClosed(lower, upper, mag);
    intersectInto(lower, upper, tighter?.get(li));
    layers.push({ lower, upper, mag });
  });
  return { input, layers };
}

/**
 * Layer-by-layer tightening: after node `node` got tighter bounds (in `tighter`), the bounds up to it with
 * its interval intersected and the later nodes, now stale, dropped; extend them with ibpUpTo.
 */
export function ibpTightened(net: Network, box: Box, tighter: Tightening, bounds: NodeBounds, node: number): NodeBounds {
  return ibp(net, box, tighter, { prev: bounds, from: node, keep: true }, node);
}

/** `bounds` extended to hold node `upto` (every node when omitted), computing only the nodes it lacks. */
export function ibpUpTo(net: Network, box: Box, tighter: Tightening | undefined, bounds: NodeBounds, upto?: number): NodeBounds {
  const need = upto ?? net.layers.length - 1;
  return bounds.layers.length > need ? bounds : ibp(net, box, tighter, { prev: bounds, from: bounds.layers.length }, need);
}

/** lower/upper ∩ t, in place (t absent: unchanged). */
function intersectInto(lower: Float64Array, upper: Float64Array, t: { lower: Float64Array; upper: Float64Array } | undefined): void {
  if (!t) return;
  for (let i = 0; i < lower.length; i++) {
    if (t.lower[i]! > lower[i]!) lower[i] = t.lower[i]!;
    if (t.upper[i]! < upper[i]!) upper[i] = t.upper[i]!;
  }
}
