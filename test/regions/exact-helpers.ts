// Oracles for the exact regions tests, built only on the reference engine (never on the lens's own maps).
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { activations, pieceIndex } from "../../src/core/activations.js";
import { createNetwork, inputSize, Layer, LayerSpec, Network } from "../../src/core/network.js";
import { unitLayerIndices } from "../../src/core/summary.js";
import type { Plane } from "../../src/lenses/regions/anchors.js";
import type { Partition } from "../../src/lenses/regions/partition.js";

/**
 * The network restricted to a plane, as a network of 2 inputs: x = origin + u·b0 + v·b1 is a dense
 * layer (2 → d); when the first layer is dense on the input the two are multiplied out, so the
 * grid oracle does not pay d·width per point. Unit layers keep their order.
 */
export function sliceNetwork(net: Network, plane: Plane): Network {
  const d = inputSize(net);
  const { origin, basis } = plane;
  const strip = (l: Layer): LayerSpec => {
    const { shape: _s, ...rest } = l;
    return rest as LayerSpec;
  };
  // Leading flatten/reshape layers are no-ops on the flat data: the first dense after them is folded.
  let j = 0;
  while (j < net.layers.length && (net.layers[j]!.kind === "flatten" || net.layers[j]!.kind === "reshape") && net.layers[j]!.inputs[0] === j - 1) j++;
  const dense = net.layers[j];
  if (dense?.kind === "dense" && dense.inputs[0] === j - 1 && net.layers.every((l, i) => i <= j || l.inputs.every((x) => x >= j))) {
    const first = dense;
    const w = new Float64Array(first.outSize * 2), b = Float64Array.from(first.bias);
    for (let o = 0; o < first.outSize; o++) {
      let s0 = 0, s1 = 0, s2 = 0;
      for (let i = 0; i < d; i++) {
        const x = first.weight[o * d + i]!;
        s0 += x * basis[0][i]!; s1 += x * basis[1][i]!; s2 += x * origin[i]!;
      }
      w[2 * o] = s0; w[2 * o + 1] = s1; b[o] = b[o]! + s2;
    }
    const specs: LayerSpec[] = [{ kind: "dense", inSize: 2, outSize: first.outSize, weight: w, bias: b, name: first.name, inputs: [-1] }];
    for (let i = j + 1; i < net.layers.length; i++) {
      const l = net.layers[i]!;
      specs.push({ ...strip(l), inputs: l.inputs.map((x) => x - j) } as LayerSpec);
    }
    return createNetwork([2], specs);
  }
  const w = new Float64Array(d * 2);
  for (let i = 0; i < d; i++) { w[2 * i] = basis[0][i]!; w[2 * i + 1] = basis[1][i]!; }
  const specs: LayerSpec[] = [
    { kind: "dense", inSize: 2, outSize: d, weight: w, bias: Float64Array.from(origin), name: "slice", inputs: [-1] },
    { kind: "reshape", shape: [...net.inputShape], name: "slice_shape", inputs: [0] },
  ];
  for (const l of net.layers) specs.push({ ...strip(l), inputs: l.inputs.map((i) => (i === -1 ? 1 : i + 2)) } as LayerSpec);
  return createNetwork([2], specs);
}

/** Concatenated pattern of sample s of a batch, as a string key. */
function key(patterns: Uint8Array[], sizes: number[], s: number): string {
  let k = "";
  patterns.forEach((p, l) => { k += String.fromCharCode(...p.subarray(s * sizes[l]!, (s + 1) * sizes[l]!)); k += "|"; });
  return k;
}

/** Distinct activation patterns on a G×G grid of [−h, h]² (numpy.linspace points, like grid_regions.py), through the reference engine. */
export function gridPatterns(net2: Network, h: number, G: number, chunk = 4096): number {
  const units = unitLayerIndices(net2);
  const sizes = units.map((u) => net2.layers[u]!.shape.reduce((a, b) => a * b, 1));
  const seen = new Set<string>();
  const N = G * G;
  for (let s0 = 0; s0 < N; s0 += chunk) {
    const n = Math.min(chunk, N - s0);
    const X = new Float64Array(2 * n);
    for (let q = 0; q < n; q++) {
      const i = s0 + q, a = i % G, b = Math.floor(i / G);
      X[2 * q] = G === 1 ? 0 : -h + (2 * h * a) / (G - 1);
      X[2 * q + 1] = G === 1 ? 0 : -h + (2 * h * b) / (G - 1);
    }
    const r = forwardBatchReference(net2, X, n);
    for (let q = 0; q < n; q++) seen.add(key(r.patterns, sizes, q));
  }
  return seen.size;
}

/** Index of the final cell containing (u, v) (inclusive of edges up to eps), or -1. */
export function locate(P: Partition, u: number, v: number, eps = 1e-9): number {
  for (let i = 0; i < P.count; i++) {
    const off = P.cellOff[i]!, n = P.cellLen[i]!;
    let inside = true;
    for (let q = 0; q < n && inside; q++) {
      const j = q + 1 === n ? 0 : q + 1;
      const x0 = P.verts[off + 2 * q]!, y0 = P.verts[off + 2 * q + 1]!, x1 = P.verts[off + 2 * j]!, y1 = P.verts[off + 2 * j + 1]!;
      const cross = (x1 - x0) * (v - y0) - (y1 - y0) * (u - x0);
      if (cross < -eps * Math.hypot(x1 - x0, y1 - y0)) inside = false;
    }
    if (inside) return i;
  }
  return -1;
}

/** Distance from (u, v) to the boundary of cell i. */
export function edgeDistance(P: Partition, i: number, u: number, v: number): number {
  const off = P.cellOff[i]!, n = P.cellLen[i]!;
  let best = Infinity;
  for (let q = 0; q < n; q++) {
    const j = q + 1 === n ? 0 : q + 1;
    const x0 = P.verts[off + 2 * q]!, y0 = P.verts[off + 2 * q + 1]!, x1 = P.verts[off + 2 * j]!, y1 = P.verts[off + 2 * j + 1]!;
    const L = Math.hypot(x1 - x0, y1 - y0);
    best = Math.min(best, L > 0 ? Math.abs((x1 - x0) * (v - y0) - (y1 - y0) * (u - x0)) / L : Math.hypot(u - x0, v - y0));
  }
  return best;
}

/** The pattern of final cell i for unit layer s, as an array. */
export function cellPattern(P: Partition, i: number, s: number): Uint8Array {
  const n = P.unitSizes[s]!;
  const row = P.ancestor[s]![i]! * n;
  return P.patterns[s]!.subarray(row, row + n);
}

/**
 * gridPatterns for a plain MLP of dense and activation layers, batched layer by layer over chunks of
 * points: the same arithmetic as the reference kernels (bias first, then inputs in order; pieceIndex
 * and the registry's outputs), so the patterns are bit-for-bit the reference engine's (the tests
 * check that on a coarse grid). Patterns are keyed by two independent 26-bit hashes (a collision
 * among a few thousand patterns has odds below 1e-8).
 */
export function gridPatternsDense(net2: Network, h: number, G: number, chunk = 2048): number {
  const layers = net2.layers;
  if (!layers.every((l, i) => (l.kind === "dense" || l.kind === "activation") && l.inputs.length === 1 && l.inputs[0] === i - 1)) {
    throw new Error("gridPatternsDense needs a sequential MLP");
  }
  const seen = new Set<number>();
  const N = G * G;
  const width = Math.max(2, ...layers.map((l) => l.shape[0]!));
  let X = new Float64Array(chunk * width), Y = new Float64Array(chunk * width);
  const h1 = new Uint32Array(chunk), h2 = new Uint32Array(chunk);
  for (let s0 = 0; s0 < N; s0 += chunk) {
    const n = Math.min(chunk, N - s0);
    let w = 2;
    for (let q = 0; q < n; q++) {
      const i = s0 + q, a = i % G, b = Math.floor(i / G);
      X[q * width] = G === 1 ? 0 : -h + (2 * h * a) / (G - 1);
      X[q * width + 1] = G === 1 ? 0 : -h + (2 * h * b) / (G - 1);
      h1[q] = 2166136261; h2[q] = 5381;
    }
    for (const l of layers) {
      if (l.kind === "dense") {
        const { weight, bias, inSize, outSize } = l;
        for (let q = 0; q < n; q++) {
          const xo = q * width;
          for (let o = 0; o < outSize; o++) {
            let s = bias[o]!;
            const row = o * inSize;
            for (let i = 0; i < inSize; i++) s += weight[row + i]! * X[xo + i]!;
            Y[xo + o] = s;
          }
        }
        [X, Y] = [Y, X];
        w = outSize;
      } else if (l.kind === "activation" && l.fn !== "identity") {
        const f = activations[l.fn];
        for (let q = 0; q < n; q++) {
          let a1 = h1[q]!, a2 = h2[q]!;
          for (let i = 0; i < w; i++) {
            const z = X[q * width + i]!;
            const c = pieceIndex(l.fn, z, l) + 1;
            a1 = Math.imul(a1 ^ c, 16777619) >>> 0;
            a2 = (Math.imul(a2, 33) + c) >>> 0;
            X[q * width + i] = f.output(z, l);
          }
          h1[q] = Math.imul(a1 ^ 255, 16777619) >>> 0; h2[q] = a2;
        }
      }
    }
    for (let q = 0; q < n; q++) seen.add((h1[q]! >>> 6) * 67108864 + (h2[q]! >>> 6));
  }
  return seen.size;
}
