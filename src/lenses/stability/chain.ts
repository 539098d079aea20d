// The chain form of a network: a sequence of dense affine maps, each followed by an element-wise
// activation (the last possibly without). LP/MILP models, the sampling pre-pass and compression
// work on it. Conv, pad, average-pool, scale, flatten and reshape layers between activations are
// folded into the dense maps (dense matrices: fine for small conv nets, refused above a size limit).
import { ActivationName, ActivationParams } from "../../core/activations.js";
import { fail } from "../../core/errors.js";
import { Layer, Network, Shape, inputSize, sizeOf } from "../../core/network.js";

/** The activation after a chain layer, and where it sits in the original network. */
export interface ChainAct {
  fn: ActivationName;
  params: ActivationParams;
  /** Index of the activation layer in net.layers. */
  layer: number;
}

/** One affine map y = W x + b (W row-major out × in) and the activation after it. */
export interface ChainLayer {
  inSize: number;
  outSize: number;
  weight: Float64Array;
  bias: Float64Array;
  act?: ChainAct;
}

/** A network in chain form. */
export interface Chain {
  inputSize: number;
  layers: ChainLayer[];
}

/** Default cap on the entries of one densified matrix (conv layers become dense). */
export const CHAIN_MAX_ENTRIES = 50_000_000;

interface Affine { m: number; n: number; W: Float64Array; b: Float64Array }

function identity(n: number): Affine {
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) W[i * n + i] = 1;
  return { m: n, n, W, b: new Float64Array(n) };
}

/** M ∘ P for M (k × m) and P (m × n), skipping zero entries of M (conv matrices are sparse). */
function compose(M: Affine, P: Affine, limit: number, node: string): Affine {
  if (M.n !== P.m) fail("SHAPE_MISMATCH", `cannot compose ${M.m}×${M.n} with ${P.m}×${P.n}`, { node });
  if (M.m * P.n > limit) fail("LIMIT_EXCEEDED", `the chain form would need a ${M.m}×${P.n} matrix (limit ${limit} entries); use --method ibp or crown for this network`, { node });
  const W = new Float64Array(M.m * P.n), b = Float64Array.from(M.b);
  for (let o = 0; o < M.m; o++) {
    const wr = o * P.n;
    for (let j = 0; j < M.n; j++) {
      const a = M.W[o * M.n + j]!;
      if (a === 0) continue;
      b[o] += a * P.b[j]!;
      const pr = j * P.n;
      for (let i = 0; i < P.n; i++) W[wr + i] += a * P.W[pr + i]!;
    }
  }
  return { m: M.m, n: P.n, W, b };
}

/** The dense matrix of one linear op (conv, pad, pools, scale) on a flat input of `inShape`. */
function opMatrix(layer: Layer, inShape: Shape, limit: number): Affine {
  const n = sizeOf(inShape), m = sizeOf(layer.shape);
  if (m * n > limit) fail("LIMIT_EXCEEDED", `layer '${layer.name}' (${layer.kind}) as a dense matrix needs ${m}×${n} entries (limit ${limit}); use --method ibp or crown for this network`, { node: layer.name });
  const W = new Float64Array(m * n), b = new Float64Array(m);
  switch (layer.kind) {
    case "conv2d": {
      const [C, H, Wd] = inShape as [number, number, number];
      const [O, OH, OW] = layer.shape as [number, number, number];
      const [kh, kw] = layer.kernel, [sh, sw] = layer.stride, [dh, dw] = layer.dilation;
      for (let o = 0; o < O; o++)
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++) {
            const row = (o * OH + oy) * OW + ox;
            b[row] = layer.bias[o]!;
            for (let c = 0; c < C; c++)
              for (let ky = 0; ky < kh; ky++) {
                const iy = oy * sh - layer.pads[0] + ky * dh;
                if (iy < 0 || iy >= H) continue;
                for (let kx = 0; kx < kw; kx++) {
                  const ix = ox * sw - layer.pads[1] + kx * dw;
                  if (ix < 0 || ix >= Wd) continue;
                  W[row * n + (c * H + iy) * Wd + ix] += layer.weight[((o * C + c) * kh + ky) * kw + kx]!;
                }
              }
          }
      break;
    }
    case "pad": {
      const [C, H, Wd] = inShape as [number, number, number];
      const [, OH, OW] = layer.shape as [number, number, number];
      b.fill(layer.value);
      for (let c = 0; c < C; c++)
        for (let i = 0; i < H; i++)
          for (let j = 0; j < Wd; j++) {
            const row = (c * OH + i + layer.pads[0]) * OW + j + layer.pads[1];
            b[row] = 0;
            W[row * n + (c * H + i) * Wd + j] = 1;
          }
      break;
    }
    case "avgpool": {
      const [C, H, Wd] = inShape as [number, number, number];
      const [, OH, OW] = layer.shape as [number, number, number];
      const [kh, kw] = layer.kernel, [sh, sw] = layer.stride;
      for (let c = 0; c < C; c++)
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++) {
            const row = (c * OH + oy) * OW + ox;
            const cells: number[] = [];
            let count = 0;
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * sh - layer.pads[0] + ky, ix = ox * sw - layer.pads[1] + kx;
                if (iy >= 0 && iy < H && ix >= 0 && ix < Wd) { cells.push((c * H + iy) * Wd + ix); count++; } else if (layer.countIncludePad) count++;
              }
            for (const k of cells) W[row * n + k] += 1 / count;
          }
      break;
    }
    case "scale": {
      const per = layer.perChannel ? n / (inShape[0] ?? 1) : 1;
      for (let i = 0; i < n; i++) {
        const k = layer.perChannel ? Math.floor(i / per) : i;
        W[i * n + i] = layer.scale[k]!;
        b[i] = layer.shift[k]!;
      }
      break;
    }
    default:
      fail("UNSUPPORTED_OP", `'${layer.kind}' is not an affine op`, { node: layer.name });
  }
  return { m, n, W, b };
}

/**
 * The chain form of `net`. Fails UNSUPPORTED_OP for residual (add) and max-pool layers, which do
 * not fit a chain; LIMIT_EXCEEDED when a densified conv would exceed `maxEntries`.
 */
export function toChain(net: Network, maxEntries = CHAIN_MAX_ENTRIES): Chain {
  const layers: ChainLayer[] = [];
  let pending: Affine | null = null;
  let width = inputSize(net);
  net.layers.forEach((layer, i) => {
    if (layer.inputs.length !== 1 || layer.inputs[0] !== i - 1) {
      fail("UNSUPPORTED_OP", `LP/MILP bounds and compression need a plain chain of layers; '${layer.name}' (${layer.kind}) joins branches — use --method crown for residual networks`, { node: layer.name });
    }
    const inShape = i === 0 ? net.inputShape : net.layers[i - 1]!.shape;
    switch (layer.kind) {
      case "flatten":
      case "reshape":
        return;
      case "maxpool":
        fail("UNSUPPORTED_OP", `LP/MILP bounds and compression do not handle max pooling ('${layer.name}'); use --method crown`, { node: layer.name });
      case "add":
        fail("UNSUPPORTED_OP", `residual additions are not a chain ('${layer.name}'); use --method crown`, { node: layer.name });
      case "activation": {
        if (layer.fn === "identity") return;
        const aff = pending ?? identity(width);
        layers.push({ inSize: aff.n, outSize: aff.m, weight: aff.W, bias: aff.b, act: { fn: layer.fn, params: actParams(layer), layer: i } });
        pending = null;
        width = aff.m;
        return;
      }
      case "dense": {
        const M: Affine = { m: layer.outSize, n: layer.inSize, W: layer.weight, b: layer.bias };
        pending = pending ? compose(M, pending, maxEntries, layer.name) : { ...M, W: Float64Array.from(M.W), b: Float64Array.from(M.b) };
        return;
      }
      default: {
        const M = opMatrix(layer, inShape, maxEntries);
        pending = pending ? compose(M, pending, maxEntries, layer.name) : M;
        return;
      }
    }
  });
  if (pending) {
    const p = pending as Affine;
    layers.push({ inSize: p.n, outSize: p.m, weight: p.W, bias: p.b });
  }
  if (layers.length === 0) fail("BAD_MODEL", "the network has no affine layer or activation");
  return { inputSize: inputSize(net), layers };
}

function actParams(layer: Layer & { kind: "activation" }): ActivationParams {
  const p: ActivationParams = {};
  if (layer.alpha !== undefined) p.alpha = layer.alpha;
  if (layer.min !== undefined) p.min = layer.min;
  if (layer.max !== undefined) p.max = layer.max;
  return p;
}

/** Indices of the chain layers that carry units (those with an activation), in order. */
export function chainUnitLayers(chain: Chain): number[] {
  return chain.layers.flatMap((l, i) => (l.act ? [i] : []));
}
