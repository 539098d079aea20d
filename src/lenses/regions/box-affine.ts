/**
 * The affine maps of a piecewise-linear network on one activation region, and the region's
 * inequalities. Inputs are parametrised affinely, x(u) = offset + Σ_k u_k·basis_k (a box scaled to
 * [-1,1]^d, a plane, a line), so the maps are exact functions of the d coordinates u.
 */
import { activations } from "../../core/activations.js";
import { fail } from "../../core/errors.js";
import { Layer, Network, PoolOp, sizeOf } from "../../core/network.js";
import { TOLERANCE } from "../../core/tolerance.js";
import { unitLayerIndices } from "../../core/summary.js";
import { conv2dForward, denseForward, padForward, poolForward, scaleForward } from "../../core/engine/kernels.js";

/** An affine parametrisation of the network input: x(u) = offset + Σ_k u_k·basis[k]. */
export interface InputMap {
  offset: Float64Array;
  basis: Float64Array[];
}

/** The input point of coordinates u. */
export function inputAt(map: InputMap, u: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(map.offset);
  map.basis.forEach((b, k) => { const uk = u[k]!; if (uk !== 0) for (let i = 0; i < x.length; i++) x[i]! += uk * b[i]!; });
  return x;
}

/** A layer's output as an affine function of u: cols[0] is the constant part, cols[k] (k >= 1) the derivative in u_k. */
export type AffineMap = Float64Array[];

/** The inequalities g_r(u) = coef_r·u + cst_r >= 0 of a region, normalised so |coef_r| = 1 (g is a signed distance in u). */
export interface RegionRows {
  d: number;
  count: number;
  /** count × d, row-major. */
  coef: Float64Array;
  cst: Float64Array;
  /** The unit each row belongs to: its unit-layer ordinal and element index. */
  unitLayer: Int32Array;
  unit: Int32Array;
}

/** Per layer of the network, the unit pattern (as in Trace.patterns); undefined for non-unit layers. */
export type LayerPatterns = readonly (Uint8Array | undefined)[];

const biasFree = new WeakMap<Layer, Layer>();

/** The same linear layer without its constant term (bias, shift, pad value), for the derivative columns. */
export function linearPart(layer: Layer): Layer {
  let l = biasFree.get(layer);
  if (!l) {
    switch (layer.kind) {
      case "dense": case "conv2d": l = { ...layer, bias: new Float64Array(layer.bias.length) }; break;
      case "scale": l = { ...layer, shift: new Float64Array(layer.shift.length) }; break;
      case "pad": l = { ...layer, value: 0 }; break;
      default: l = layer;
    }
    biasFree.set(layer, l);
  }
  return l;
}

/** Slope and intercept of each affine piece of an activation layer (piece p lies between breakpoints p-1 and p). */
function pieces(layer: Layer & { kind: "activation" }): { slope: number[]; intercept: number[]; breaks: number[] } {
  const f = activations[layer.fn];
  if (!f.piecewiseLinear) fail("NOT_PIECEWISE_LINEAR", `activation ${layer.fn} is not piecewise linear; exact regions need ReLU-like activations — use --sample instead`, { node: layer.name });
  const breaks = f.breakpoints ? f.breakpoints(layer) : [];
  const slope: number[] = [], intercept: number[] = [];
  for (let p = 0; p <= breaks.length; p++) {
    const lo = p === 0 ? (breaks[0] ?? 0) - 1 : breaks[p - 1]!;
    const hi = p === breaks.length ? (breaks[breaks.length - 1] ?? 0) + 1 : breaks[p]!;
    const s = (f.output(hi, layer) - f.output(lo, layer)) / (hi - lo);
    slope.push(s);
    intercept.push(f.output(lo, layer) - s * lo);
  }
  return { slope, intercept, breaks };
}

/** The element indices (into the pooled input) of one max-pool window, in scan order, with their window-local index. */
function windowCells(layer: Layer & PoolOp, inShape: readonly number[], o: number): { index: number; k: number }[] {
  const [, H, W] = inShape as [number, number, number];
  const [, OH, OW] = layer.shape as [number, number, number];
  const c = Math.floor(o / (OH * OW)), oy = Math.floor(o / OW) % OH, ox = o % OW;
  const cells: { index: number; k: number }[] = [];
  for (let ky = 0; ky < layer.kernel[0]; ky++) {
    const iy = oy * layer.stride[0] - layer.pads[0] + ky;
    for (let kx = 0; kx < layer.kernel[1]; kx++) {
      const ix = ox * layer.stride[1] - layer.pads[1] + kx;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) cells.push({ index: (c * H + iy) * W + ix, k: ky * layer.kernel[1] + kx });
    }
  }
  return cells;
}

function inShapeOf(net: Network, layer: Layer): readonly number[] {
  return layer.inputs[0] === -1 ? net.inputShape : net.layers[layer.inputs[0]!]!.shape;
}

/** Every layer's output as an affine function of u on the region of `patterns` (exact float64). */
export function affineMaps(net: Network, patterns: LayerPatterns, input: InputMap): AffineMap[] {
  const d = input.basis.length;
  const inputCols: AffineMap = [input.offset, ...input.basis];
  const maps: AffineMap[] = [];
  net.layers.forEach((layer, li) => {
    const src = layer.inputs.map((j) => (j === -1 ? inputCols : maps[j]!));
    const a = src[0]!, inShape = inShapeOf(net, layer), size = sizeOf(layer.shape);
    const cols: AffineMap = [];
    for (let k = 0; k <= d; k++) {
      const op = k === 0 ? layer : linearPart(layer);
      const x = a[k]!, y = new Float64Array(size);
      switch (op.kind) {
        case "dense": denseForward(op, x, y); break;
        case "conv2d": conv2dForward(op, inShape, layer.shape, x, y); break;
        case "scale": scaleForward(op, inShape, x, y); break;
        case "pad": padForward(op, inShape, layer.shape, x, y); break;
        case "avgpool": poolForward(op, inShape, layer.shape, x, y); break;
        case "flatten": case "reshape": y.set(x); break;
        case "add": { const b = src[1]![k]!; for (let i = 0; i < size; i++) y[i] = x[i]! + b[i]!; break; }
        case "activation": {
          const { slope, intercept } = pieces(op);
          const pat = patterns[li];
          for (let i = 0; i < size; i++) {
            const p = pat ? pat[i]! : 0;
            y[i] = slope[p]! * x[i]! + (k === 0 ? intercept[p]! : 0);
          }
          break;
        }
        case "maxpool": {
          const pat = patterns[li]!;
          for (let o = 0; o < size; o++) {
            const cell = windowCells(op, inShape, o).find((c) => c.k === pat[o]);
            if (!cell) fail("SHAPE_MISMATCH", `max-pool pattern ${pat[o]} of output ${o} is not a cell of its window`, { node: layer.name });
            y[o] = x[cell.index]!;
          }
          break;
        }
      }
      cols.push(y);
    }
    maps.push(cols);
  });
  return maps;
}

/**
 * The inequalities that define the region of `patterns` in u-space: for each unit, its pre-activation
 * stays within its piece (ReLU active: z >= 0, inactive: -z >= 0; max pool: the winner >= each other
 * cell). Rows whose gradient is degenerate (norm below TOLERANCE.zeroRowRel times the largest in the
 * unit layer) are dropped: that unit is constant on the region and bounds nothing.
 */
export function regionRows(net: Network, patterns: LayerPatterns, maps: AffineMap[], input: InputMap): RegionRows {
  const d = input.basis.length;
  const inputCols: AffineMap = [input.offset, ...input.basis];
  const coef: number[] = [], cst: number[] = [], uLayer: number[] = [], uIdx: number[] = [];
  unitLayerIndices(net).forEach((li, ordinal) => {
    const layer = net.layers[li]!, pat = patterns[li]!;
    const z = layer.inputs[0] === -1 ? inputCols : maps[layer.inputs[0]!]!;
    const raw: { c: number[]; b: number; unit: number }[] = [];
    const push = (unit: number, sign: number, i: number, shift: number, j?: number): void => {
      const c: number[] = [];
      for (let k = 1; k <= d; k++) c.push(sign * (z[k]![i]! - (j === undefined ? 0 : z[k]![j]!)));
      raw.push({ c, b: sign * (z[0]![i]! - (j === undefined ? 0 : z[0]![j]!)) - sign * shift, unit });
    };
    if (layer.kind === "activation") {
      const { breaks } = pieces(layer);
      for (let i = 0; i < pat.length; i++) {
        const p = pat[i]!;
        if (p > 0) push(i, 1, i, breaks[p - 1]!);
        if (p < breaks.length) push(i, -1, i, breaks[p]!);
      }
    } else if (layer.kind === "maxpool") {
      const inShape = inShapeOf(net, layer);
      for (let o = 0; o < pat.length; o++) {
        const cells = windowCells(layer, inShape, o);
        const win = cells.find((c) => c.k === pat[o])!;
        for (const c of cells) if (c !== win) push(o, 1, win.index, 0, c.index);
      }
    }
    let maxNorm = 0;
    const norms = raw.map((r) => Math.hypot(...r.c)); // r.c has one entry per free input (at most maxDims)
    for (const n of norms) maxNorm = Math.max(maxNorm, n);
    raw.forEach((r, k) => {
      const n = norms[k]!;
      // A NaN or ∞ row (float64 overflowed on this box) would be dropped by the comparison below, i.e. bound nothing: refuse instead.
      if (!(n < Infinity) || !(Math.abs(r.b) < Infinity)) fail("DOMAIN_MISMATCH", `the pre-activation of unit ${r.unit} (unit layer ${ordinal}) overflows float64 on this box; use a smaller box`, { node: layer.name });
      if (!(n > TOLERANCE.zeroRowRel * maxNorm) || n === 0) return;
      for (const v of r.c) coef.push(v / n);
      cst.push(r.b / n);
      uLayer.push(ordinal);
      uIdx.push(r.unit);
    });
  });
  return {
    d, count: cst.length, coef: Float64Array.from(coef), cst: Float64Array.from(cst),
    unitLayer: Int32Array.from(uLayer), unit: Int32Array.from(uIdx),
  };
}

/**
 * True when the point x lies in the closure of the region of `patterns`, up to `relTol` times the
 * magnitude of each unit layer's pre-activations: one forward pass with every unit's piece fixed.
 */
export function patternHoldsAt(net: Network, patterns: LayerPatterns, x: Float64Array, relTol: number): boolean {
  const vals = affineMaps(net, patterns, { offset: x, basis: [] }).map((m) => m[0]!);
  for (const li of unitLayerIndices(net)) {
    const layer = net.layers[li]!, pat = patterns[li]!;
    const z = layer.inputs[0] === -1 ? x : vals[layer.inputs[0]!]!;
    let scale = 1;
    for (let i = 0; i < z.length; i++) scale = Math.max(scale, Math.abs(z[i]!));
    const tol = relTol * scale;
    if (layer.kind === "activation") {
      const { breaks } = pieces(layer);
      for (let i = 0; i < pat.length; i++) {
        const p = pat[i]!;
        // Written so that a NaN value fails the test (NaN compares false both ways).
        if ((p > 0 && !(z[i]! >= breaks[p - 1]! - tol)) || (p < breaks.length && !(z[i]! <= breaks[p]! + tol))) return false;
      }
    } else if (layer.kind === "maxpool") {
      const inShape = inShapeOf(net, layer);
      for (let o = 0; o < pat.length; o++) {
        const cells = windowCells(layer, inShape, o), win = cells.find((c) => c.k === pat[o])!;
        for (const c of cells) if (!(z[c.index]! <= z[win.index]! + tol)) return false;
      }
    }
  }
  return true;
}
