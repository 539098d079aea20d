/**
 * Activation patterns of many points of a chain MLP (dense, activation, flatten and reshape layers,
 * each reading the one before), layer by layer over the whole batch: each dense row is read once
 * for four samples instead of once per sample. Every output is its bias plus Σ_i w_i·x_i added in
 * input order and every activation goes through the reference kernel, so the patterns are
 * forwardBatchReference's, bit for bit; other networks go through forwardBatchReference itself.
 */
import { activationForward } from "../../core/engine/kernels.js";
import { forwardBatchReference } from "../../core/engine/reference.js";
import { DenseOp, Network, sizeOf } from "../../core/network.js";
import { unitLayerIndices } from "../../core/summary.js";
import { gemmNTSimd } from "../../core/linalg/simd-gemm.js";

/** True when every layer is dense, activation, flatten or reshape and reads the layer before it. */
export function isChainMlp(net: Network): boolean {
  return net.layers.every((l, j) => l.inputs.length === 1 && l.inputs[0] === j - 1 &&
    (l.kind === "dense" || l.kind === "activation" || l.kind === "flatten" || l.kind === "reshape"));
}

/** Y (n × outSize) = W X + b for a batch X (n × inSize), four samples per pass over each row. */
function denseBatch(op: DenseOp, X: Float64Array, n: number, Y: Float64Array): void {
  const { inSize, outSize, weight, bias } = op;
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    const x0 = s * inSize, x1 = x0 + inSize, x2 = x1 + inSize, x3 = x2 + inSize;
    for (let o = 0; o < outSize; o++) {
      const row = o * inSize;
      let a = bias[o]!, b = a, c = a, d = a;
      for (let i = 0; i < inSize; i++) {
        const w = weight[row + i]!;
        a += w * X[x0 + i]!; b += w * X[x1 + i]!; c += w * X[x2 + i]!; d += w * X[x3 + i]!;
      }
      Y[s * outSize + o] = a; Y[(s + 1) * outSize + o] = b; Y[(s + 2) * outSize + o] = c; Y[(s + 3) * outSize + o] = d;
    }
  }
  for (; s < n; s++) {
    const x0 = s * inSize;
    for (let o = 0; o < outSize; o++) {
      const row = o * inSize;
      let a = bias[o]!;
      for (let i = 0; i < inSize; i++) a += weight[row + i]! * X[x0 + i]!;
      Y[s * outSize + o] = a;
    }
  }
}

/**
 * denseBatch on the wasm SIMD kernel (the same terms summed in another order: the last bits differ),
 * for estimates only; denseBatch where the kernel is unavailable.
 */
function denseBatchFast(op: DenseOp, X: Float64Array, n: number, Y: Float64Array): void {
  const { inSize, outSize, weight, bias } = op;
  for (let s = 0; s < n; s++) Y.set(bias, s * outSize);
  if (!gemmNTSimd(n, outSize, inSize, X, weight, Y)) denseBatch(op, X, n, Y);
}

/** Per unit layer, n × units piece indices of the batch X (n × inputSize), as forwardBatchReference gives them. */
export function gridPatterns(net: Network, X: Float64Array, n: number): Uint8Array[] {
  if (!isChainMlp(net)) return forwardBatchReference(net, X, n).patterns;
  return chainPatterns(net, 0, X, n) ?? forwardBatchReference(net, X, n).patterns;
}

/**
 * Patterns of n points (u, v) of a plane (uv: n × 2), for a coarse look at a slice (slice-estimate.ts).
 * The first dense layer is taken in the plane's affine form — W(o + u·b₁ + v·b₂) + b = z₀ + u·g₁ + v·g₂
 * with z₀, g₁, g₂ computed once — so a point costs 2 multiply-adds per unit there instead of a product
 * with the whole input (on 784-input nets most of the work). The rounding differs from a forward pass
 * of the point (planePoint then gridPatterns) in the last bits, so a unit within ~1e-12 of its
 * breakpoint may take the other piece: fine for an estimate, not for a verdict. For the same reason the
 * later dense layers run on the wasm SIMD kernel (denseBatchFast): mnist-net_256x4's estimate 399 → 92 ms.
 */
export function planeGridPatterns(net: Network, origin: Float64Array, basis: readonly [Float64Array, Float64Array], uv: Float64Array, n: number): Uint8Array[] {
  const f = net.layers.findIndex((l) => l.kind !== "flatten" && l.kind !== "reshape");
  const first = net.layers[f];
  if (!isChainMlp(net) || !first || first.kind !== "dense") return gridPatterns(net, planeBatch(origin, basis, uv, n), n);
  const m = first.outSize, z0 = new Float64Array(m), g1 = new Float64Array(m), g2 = new Float64Array(m);
  denseBatch(first, origin, 1, z0);
  denseBatch({ ...first, bias: new Float64Array(m) }, basis[0], 1, g1);
  denseBatch({ ...first, bias: new Float64Array(m) }, basis[1], 1, g2);
  const Z = new Float64Array(n * m);
  for (let s = 0; s < n; s++) {
    const u = uv[2 * s]!, v = uv[2 * s + 1]!;
    for (let o = 0; o < m; o++) Z[s * m + o] = z0[o]! + u * g1[o]! + v * g2[o]!;
  }
  return chainPatterns(net, f + 1, Z, n, true) ?? gridPatterns(net, planeBatch(origin, basis, uv, n), n);
}

/** The input points o + u·b₁ + v·b₂ of the plane points uv (n × 2), n × inputs (planePoint's arithmetic). */
function planeBatch(origin: Float64Array, basis: readonly [Float64Array, Float64Array], uv: Float64Array, n: number): Float64Array {
  const d = origin.length, X = new Float64Array(n * d);
  for (let s = 0; s < n; s++) {
    const u = uv[2 * s]!, v = uv[2 * s + 1]!;
    for (let i = 0; i < d; i++) X[s * d + i] = origin[i]! + u * basis[0][i]! + v * basis[1][i]!;
  }
  return X;
}

/**
 * The patterns of a chain MLP's layers from `start` on, given the batch `cur` entering it; undefined when
 * a unit layer is not covered. `fast`: dense layers on the SIMD kernel (not bit-exact; estimates only).
 */
function chainPatterns(net: Network, start: number, cur: Float64Array, n: number, fast = false): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  for (const layer of net.layers.slice(start)) {
    const w = sizeOf(layer.shape);
    if (layer.kind === "dense") {
      const Y = new Float64Array(n * w);
      if (fast) denseBatchFast(layer, cur, n, Y); else denseBatch(layer, cur, n, Y);
      cur = Y;
    } else if (layer.kind === "activation") {
      const Y = new Float64Array(n * w);
      const pat = layer.fn === "identity" ? undefined : new Uint8Array(n * w);
      for (let s = 0; s < n; s++) activationForward(layer, cur.subarray(s * w, (s + 1) * w), Y.subarray(s * w, (s + 1) * w), pat?.subarray(s * w, (s + 1) * w));
      if (pat) out.push(pat);
      cur = Y;
    }
  }
  if (out.length !== unitLayerIndices(net).length) return undefined;
  return out;
}
