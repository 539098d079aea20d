/**
 * Affine maps of layer outputs over a k-dimensional parameter space (k = 1 for a line, 2 for a slice).
 *
 * On one linear region every layer output is affine in the parameters u: value = Σ_c u_c·M_c + M_k.
 * A map of a layer with n elements is stored channel-major in one Float64Array of (k+1)·n values:
 * channel c (c < k) holds the coefficients of u_c, channel k the constant part. The linear layers act
 * on the coefficient channels without their bias and on the constant channel with it.
 */
import { activations, ActivationName, ActivationParams } from "../../core/activations.js";
import { Conv2dOp, Layer, Network, PadOp, PoolOp, ScaleOp, Shape, sizeOf } from "../../core/network.js";
import { padForward, poolForward, scaleForward } from "../../core/engine/kernels.js";
import { densePackedSimd } from "../../core/linalg/simd-gemm.js";
import { transposedWeight } from "../../core/linalg/transpose.js";

/** Slope and offset of each affine piece of a piecewise-linear activation (piece s lies between breakpoints s-1 and s). */
export interface PieceTable {
  breakpoints: Float64Array;
  slope: Float64Array;
  offset: Float64Array;
}

/** The affine pieces of a piecewise-linear activation, in pieceIndex order. */
export function pieceTable(fn: ActivationName, p: ActivationParams): PieceTable {
  const bps = activations[fn].breakpoints?.(p) ?? [];
  const n = bps.length + 1;
  const slope = new Float64Array(n), offset = new Float64Array(n);
  switch (fn) {
    case "relu": slope[1] = 1; break;
    case "leakyrelu": slope[0] = p.alpha ?? 0.01; slope[1] = 1; break;
    case "abs": slope[0] = -1; slope[1] = 1; break;
    case "hardtanh": offset[0] = p.min ?? -1; slope[1] = 1; offset[2] = p.max ?? 1; break;
    case "identity": slope[0] = 1; break;
    default: {
      // Any other piecewise-linear activation: read each piece off two points inside it.
      const f = (x: number): number => activations[fn].output(x, p);
      for (let s = 0; s < n; s++) {
        const lo = s === 0 ? bps[0]! - 2 : bps[s - 1]!;
        const hi = s === n - 1 ? bps[n - 2]! + 2 : bps[s]!;
        const x0 = lo + (hi - lo) / 4, x1 = lo + (3 * (hi - lo)) / 4;
        slope[s] = (f(x1) - f(x0)) / (x1 - x0);
        offset[s] = f(x0) - slope[s]! * x0;
      }
    }
  }
  return { breakpoints: Float64Array.from(bps), slope, offset };
}

const zeroBias = new WeakMap<object, object>();

/** The op with its additive part zeroed, for the coefficient channels (cached per op). */
function linearPart<T extends ScaleOp | PadOp>(op: T): T {
  let z = zeroBias.get(op) as T | undefined;
  if (!z) {
    if (op.kind === "scale") z = { ...op, shift: new Float64Array(op.shift.length) };
    else z = { ...op, value: 0 };
    zeroBias.set(op, z);
  }
  return z;
}

/**
 * y = W x (+ b on the constant channel) for a dense layer, reading only the inputs listed in `active`
 * (the others are zero in every channel, as after an inactive ReLU).
 */
export function denseMap(
  weight: Float64Array, bias: Float64Array, inSize: number, outSize: number, K: number,
  x: Float64Array, active: Int32Array, nActive: number, y: Float64Array,
): void {
  const xk = (K - 1) * inSize;
  if (K === 3) {
    for (let o = 0; o < outSize; o++) {
      const row = o * inSize;
      let s0 = 0, s1 = 0, s2 = bias[o]!;
      for (let q = 0; q < nActive; q++) {
        const i = active[q]!;
        const w = weight[row + i]!;
        s0 += w * x[i]!; s1 += w * x[inSize + i]!; s2 += w * x[xk + i]!;
      }
      y[o] = s0; y[outSize + o] = s1; y[2 * outSize + o] = s2;
    }
    return;
  }
  for (let o = 0; o < outSize; o++) {
    const row = o * inSize;
    for (let c = 0; c < K; c++) {
      let s = c === K - 1 ? bias[o]! : 0;
      const xo = c * inSize;
      for (let q = 0; q < nActive; q++) { const i = active[q]!; s += weight[row + i]! * x[xo + i]!; }
      y[c * outSize + o] = s;
    }
  }
}

/** Indices i where any channel of x is nonzero, written to `active`; returns their count. */
export function nonzeroIndices(x: Float64Array, n: number, K: number, active: Int32Array): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    let nz = false;
    for (let c = 0; c < K; c++) if (x[c * n + i] !== 0) { nz = true; break; }
    if (nz) active[m++] = i;
  }
  return m;
}

/** Post-activation map of an activation layer on one region: each unit's piece applied to its input map. */
export function activationMap(table: PieceTable, n: number, K: number, z: Float64Array, pattern: Uint8Array, pOff: number, y: Float64Array): void {
  const { slope, offset } = table;
  for (let i = 0; i < n; i++) {
    const s = pattern[pOff + i]!;
    const a = slope[s]!;
    for (let c = 0; c < K - 1; c++) y[c * n + i] = a * z[c * n + i]!;
    y[(K - 1) * n + i] = a * z[(K - 1) * n + i]! + offset[s]!;
  }
}

/** Window element indices (flat input indices, in scan order) of every max-pool output; -1 marks padding. */
export function poolWindows(layer: Layer & PoolOp, inShape: Shape): { size: number; index: Int32Array } {
  const [C, H, W] = inShape as [number, number, number];
  const [, OH, OW] = layer.shape as [number, number, number];
  const [kh, kw] = layer.kernel, [sh, sw] = layer.stride;
  const size = kh * kw;
  const index = new Int32Array(C * OH * OW * size).fill(-1);
  for (let c = 0; c < C; c++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++) {
        const o = (c * OH + oy) * OW + ox;
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * sh - layer.pads[0] + ky, ix = ox * sw - layer.pads[1] + kx;
            if (iy >= 0 && iy < H && ix >= 0 && ix < W) index[o * size + ky * kw + kx] = (c * H + iy) * W + ix;
          }
      }
  return { size, index };
}

/** Post-max-pool map on one region: each output takes the map of its window's arg-max (window-local index in `pattern`). */
export function maxpoolMap(win: { size: number; index: Int32Array }, nIn: number, nOut: number, K: number, z: Float64Array, pattern: Uint8Array, pOff: number, y: Float64Array): void {
  for (let o = 0; o < nOut; o++) {
    const i = win.index[o * win.size + pattern[pOff + o]!]!;
    for (let c = 0; c < K; c++) y[c * nOut + o] = z[c * nIn + i]!;
  }
}

/**
 * The map of a non-unit layer from its input maps (channel-major, K channels). Dense layers are
 * handled by `denseMap` by the caller (it needs the active list); this covers the rest.
 */
export function linearLayerMap(net: Network, li: number, K: number, ins: Float64Array[], y: Float64Array): void {
  const layer = net.layers[li]!;
  const inShape = layer.inputs[0] === -1 ? net.inputShape : net.layers[layer.inputs[0]!]!.shape;
  const nIn = sizeOf(inShape), nOut = sizeOf(layer.shape);
  const x = ins[0]!;
  const ch = (a: Float64Array, c: number, n: number): Float64Array => a.subarray(c * n, (c + 1) * n);
  switch (layer.kind) {
    case "conv2d":
      convMap(layer, inShape, layer.shape, K, x, y);
      return;
    case "scale": case "pad": {
      const lin = linearPart(layer);
      for (let c = 0; c < K; c++) {
        const op = c === K - 1 ? layer : lin;
        const xi = ch(x, c, nIn), yo = ch(y, c, nOut);
        if (op.kind === "scale") scaleForward(op, inShape, xi, yo);
        else padForward(op, inShape, layer.shape, xi, yo);
      }
      return;
    }
    case "avgpool":
      for (let c = 0; c < K; c++) poolForward(layer, inShape, layer.shape, ch(x, c, nIn), ch(y, c, nOut));
      return;
    case "flatten": case "reshape":
      y.set(x.subarray(0, K * nOut));
      return;
    case "activation":
      // Only identity reaches here (other activations are unit layers).
      y.set(x.subarray(0, K * nOut));
      return;
    case "add": {
      const b = ins[1]!;
      for (let i = 0; i < K * nOut; i++) y[i] = x[i]! + b[i]!;
      return;
    }
    case "dense": {
      const all = new Int32Array(nIn);
      for (let i = 0; i < nIn; i++) all[i] = i;
      denseMap(layer.weight, layer.bias, nIn, nOut, K, x, all, nIn, y);
      return;
    }
    case "maxpool":
      throw new Error("maxpool is a unit layer");
  }
}

const transposed = new WeakMap<Conv2dOp, Float64Array>();

/** Conv weights reordered [in][ky][kx][out], so the scatter kernel walks output channels contiguously (cached). */
function convWeightsT(op: Conv2dOp): Float64Array {
  let t = transposed.get(op);
  if (!t) {
    const O = op.outChannels, C = op.inChannels, [kh, kw] = op.kernel;
    t = new Float64Array(op.weight.length);
    for (let o = 0; o < O; o++)
      for (let c = 0; c < C; c++)
        for (let q = 0; q < kh * kw; q++) t[(c * kh * kw + q) * O + o] = op.weight[(o * C + c) * kh * kw + q]!;
    transposed.set(op, t);
  }
  return t;
}

/**
 * A conv layer's map in scatter form: each input position that is nonzero in some channel adds its
 * contribution to the outputs it reaches. After a ReLU many inputs are zero in every channel and are
 * skipped, and every weight read serves all K channels at once.
 */
export function convMap(op: Conv2dOp, inShape: Shape, outShape: Shape, K: number, x: Float64Array, y: Float64Array): void {
  const [C, H, W] = inShape as [number, number, number];
  const [O, OH, OW] = outShape as [number, number, number];
  const nIn = C * H * W, ohw = OH * OW, nOut = O * ohw;
  const [kh, kw] = op.kernel, [sh, sw] = op.stride, [dh, dw] = op.dilation;
  const pt = op.pads[0], pl = op.pads[1];
  y.fill(0, 0, (K - 1) * nOut);
  for (let o = 0; o < O; o++) y.fill(op.bias[o]!, (K - 1) * nOut + o * ohw, (K - 1) * nOut + (o + 1) * ohw);
  const wt = convWeightsT(op);
  const c1 = nIn, c2 = 2 * nIn, d1 = nOut, d2 = 2 * nOut;
  for (let ci = 0; ci < C; ci++)
    for (let iy = 0; iy < H; iy++)
      for (let ix = 0; ix < W; ix++) {
        const idx = (ci * H + iy) * W + ix;
        const x0 = x[idx]!, x1 = x[c1 + idx]!, x2 = K === 3 ? x[c2 + idx]! : 0;
        if (x0 === 0 && x1 === 0 && x2 === 0) continue;
        for (let ky = 0; ky < kh; ky++) {
          const ty = iy + pt - ky * dh;
          if (ty < 0 || ty % sh !== 0) continue;
          const oy = ty / sh;
          if (oy >= OH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const tx = ix + pl - kx * dw;
            if (tx < 0 || tx % sw !== 0) continue;
            const ox = tx / sw;
            if (ox >= OW) continue;
            const wb = ((ci * kh + ky) * kw + kx) * O, ob = oy * OW + ox;
            if (K === 3) {
              for (let o = 0; o < O; o++) {
                const w = wt[wb + o]!, p = o * ohw + ob;
                y[p]! += w * x0; y[d1 + p]! += w * x1; y[d2 + p]! += w * x2;
              }
            } else {
              for (let o = 0; o < O; o++) {
                const w = wt[wb + o]!, p = o * ohw + ob;
                y[p]! += w * x0; y[d1 + p]! += w * x1;
              }
            }
          }
        }
      }
}

/**
 * Post-activation of an activation layer on one region, packed: the units that are nonzero in some
 * channel (their indices into `active`, their K values each into `xa`, unit-major). The values are
 * those activationMap writes, computed the same way, so a dense layer fed from the packed form
 * gives the same bits as one fed from the full map. Returns the number of units packed.
 */
export function packActivation(table: PieceTable, n: number, K: number, z: Float64Array, pattern: Uint8Array, pOff: number, active: Int32Array, xa: Float64Array): number {
  const { slope, offset } = table;
  let m = 0;
  if (K === 3 && slope.length === 2 && slope[0] === 0 && offset[0] === 0 && slope[1] === 1 && offset[1] === 0) {
    // ReLU: an off unit is 0·z + 0 = ±0 in every channel, skipped; an on unit 1·z = z, and z + 0 on the
    // constant channel (as activationMap: -0 becomes +0) — the same values without the table.
    for (let i = 0; i < n; i++) {
      if (pattern[pOff + i] === 0) continue;
      const x0 = z[i]!, x1 = z[n + i]!, x2 = z[2 * n + i]! + 0;
      if (x0 === 0 && x1 === 0 && x2 === 0) continue;
      active[m] = i; xa[3 * m] = x0; xa[3 * m + 1] = x1; xa[3 * m + 2] = x2; m++;
    }
    return m;
  }
  if (K === 3) {
    for (let i = 0; i < n; i++) {
      const s = pattern[pOff + i]!;
      const a = slope[s]!;
      const x0 = a * z[i]!, x1 = a * z[n + i]!, x2 = a * z[2 * n + i]! + offset[s]!;
      if (x0 === 0 && x1 === 0 && x2 === 0) continue;
      active[m] = i; xa[3 * m] = x0; xa[3 * m + 1] = x1; xa[3 * m + 2] = x2; m++;
    }
    return m;
  }
  for (let i = 0; i < n; i++) {
    const s = pattern[pOff + i]!;
    const a = slope[s]!;
    let nz = false;
    for (let c = 0; c < K - 1; c++) { const x = a * z[c * n + i]!; xa[K * m + c] = x; if (x !== 0) nz = true; }
    const x = a * z[(K - 1) * n + i]! + offset[s]!;
    xa[K * m + K - 1] = x;
    if (x !== 0) nz = true;
    if (nz) active[m++] = i;
  }
  return m;
}

/** Pack the nonzero units of a map x (n elements, K channels) as packActivation does; returns their count. */
export function packMap(x: Float64Array, n: number, K: number, active: Int32Array, xa: Float64Array): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    let nz = false;
    for (let c = 0; c < K; c++) if (x[c * n + i] !== 0) { nz = true; break; }
    if (!nz) continue;
    for (let c = 0; c < K; c++) xa[K * m + c] = x[c * n + i]!;
    active[m++] = i;
  }
  return m;
}

/** Products below this many weights (active inputs × outputs) stay in JS: the call and copies cost more. */
const SIMD_MIN = 64;

/**
 * y = W x (+ b on the constant channel) from a packed input (see packActivation): the same sums in
 * the same order as denseMap, so the same bits. On wasm SIMD where it runs (densePackedSimd: the same
 * sums lane by lane); here four outputs at a time share each input's loads.
 */
export function densePacked(
  weight: Float64Array, bias: Float64Array, inSize: number, outSize: number, K: number,
  active: Int32Array, xa: Float64Array, m: number, y: Float64Array,
): void {
  if (K !== 3) {
    for (let o = 0; o < outSize; o++) {
      const row = o * inSize;
      for (let c = 0; c < K; c++) {
        let s = c === K - 1 ? bias[o]! : 0;
        for (let q = 0; q < m; q++) s += weight[row + active[q]!]! * xa[K * q + c]!;
        y[c * outSize + o] = s;
      }
    }
    return;
  }
  if (m * outSize >= SIMD_MIN && densePackedSimd(weight, bias, inSize, outSize, active, xa, m, y)) return;
  // Over the transposed weight: the four weights of a block for one input share a cache line
  // (row-major they are four lines apart), which matters most when few inputs are active.
  const wt = transposedWeight(weight, inSize, outSize);
  const n2 = 2 * outSize;
  let o = 0;
  for (; o + 4 <= outSize; o += 4) {
    let a0 = 0, a1 = 0, a2 = bias[o]!;
    let b0 = 0, b1 = 0, b2 = bias[o + 1]!;
    let c0 = 0, c1 = 0, c2 = bias[o + 2]!;
    let d0 = 0, d1 = 0, d2 = bias[o + 3]!;
    for (let q = 0; q < m; q++) {
      const r = active[q]! * outSize + o;
      const x0 = xa[3 * q]!, x1 = xa[3 * q + 1]!, x2 = xa[3 * q + 2]!;
      const wa = wt[r]!, wb = wt[r + 1]!, wc = wt[r + 2]!, wd = wt[r + 3]!;
      a0 += wa * x0; a1 += wa * x1; a2 += wa * x2;
      b0 += wb * x0; b1 += wb * x1; b2 += wb * x2;
      c0 += wc * x0; c1 += wc * x1; c2 += wc * x2;
      d0 += wd * x0; d1 += wd * x1; d2 += wd * x2;
    }
    y[o] = a0; y[outSize + o] = a1; y[n2 + o] = a2;
    y[o + 1] = b0; y[outSize + o + 1] = b1; y[n2 + o + 1] = b2;
    y[o + 2] = c0; y[outSize + o + 2] = c1; y[n2 + o + 2] = c2;
    y[o + 3] = d0; y[outSize + o + 3] = d1; y[n2 + o + 3] = d2;
  }
  for (; o < outSize; o++) {
    let s0 = 0, s1 = 0, s2 = bias[o]!;
    for (let q = 0; q < m; q++) {
      const w = wt[active[q]! * outSize + o]!;
      s0 += w * xa[3 * q]!; s1 += w * xa[3 * q + 1]!; s2 += w * xa[3 * q + 2]!;
    }
    y[o] = s0; y[outSize + o] = s1; y[n2 + o] = s2;
  }
}
