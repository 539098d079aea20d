// Interval bound propagation (IBP): a box in, a box per layer out. The weakest and cheapest bound;
// every other method starts from it. Works on every op of the network model (DAG included).
import { Box, checkBoxFits } from "../../core/domain.js";
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

/** The box as an interval. */
export function boxInterval(box: Box): Interval {
  const mag = new Float64Array(box.lower.length);
  for (let i = 0; i < mag.length; i++) mag[i] = Math.max(Math.abs(box.lower[i]!), Math.abs(box.upper[i]!));
  return { lower: Float64Array.from(box.lower), upper: Float64Array.from(box.upper), mag };
}

/**
 * Interval bounds of every layer on the box. Dense and conv layers use centre/radius form
 * (c' = Wc + b, r' = |W|r). `tighter` bounds, where given, are intersected into their node before
 * propagating further (how CROWN/LP results feed later layers).
 */
export function ibp(net: Network, box: Box, tighter?: Tightening): NodeBounds {
  checkBoxFits(box, inputSize(net));
  const input = boxInterval(box);
  const layers: Interval[] = [];
  const absCache = new Map<number, Float64Array>();
  const absW = (i: number, w: Float64Array): Float64Array => {
    let a = absCache.get(i);
    if (!a) { a = absArray(w); absCache.set(i, a); }
    return a;
  };
  net.layers.forEach((layer, li) => {
    const ins = layer.inputs.map((j) => (j === -1 ? input : layers[j]!));
    const x = ins[0]!;
    const inShape = layer.inputs[0] === -1 ? net.inputShape : net.layers[layer.inputs[0]!]!.shape;
    const n = sizeOf(layer.shape);
    const lower = new Float64Array(n), upper = new Float64Array(n), mag = new Float64Array(n);
    const m = x.lower.length;
    switch (layer.kind) {
      case "dense": {
        const { weight: W, bias: b, inSize } = layer;
        const c = new Float64Array(m), r = new Float64Array(m);
        centreRadius(x, c, r);
        for (let o = 0; o < n; o++) {
          let sc = b[o]!, sr = 0, sm = Math.abs(b[o]!);
          const row = o * inSize;
          for (let i = 0; i < inSize; i++) {
            const w = W[row + i]!;
            // A zero weight adds nothing, even where an input's bounds overflowed (0·∞ would be NaN).
            if (w === 0) continue;
            const aw = Math.abs(w);
            sc += w * c[i]!; sr += aw * r[i]!; sm += aw * x.mag[i]!;
          }
          lower[o] = sc - sr; upper[o] = sc + sr; mag[o] = sm;
        }
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
    const t = tighter?.get(li);
    if (t) {
      for (let i = 0; i < n; i++) {
        if (t.lower[i]! > lower[i]!) lower[i] = t.lower[i]!;
        if (t.upper[i]! < upper[i]!) upper[i] = t.upper[i]!;
      }
    }
    layers.push({ lower, upper, mag });
  });
  return { input, layers };
}
