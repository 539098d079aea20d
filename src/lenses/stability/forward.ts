// Batched float64 forward passes of a chain (the sampling pre-pass, witness checks, equivalence):
// the same arithmetic as the reference engine per unit, blocked over samples for speed.
import { activations } from "../../core/activations.js";
import { Chain, ChainLayer } from "./chain.js";

/** Z = X Wᵀ + b for n samples (X n × in, row-major); four samples share each weight load. */
export function affineBatch(layer: ChainLayer, X: Float64Array, n: number, Z: Float64Array): void {
  const { inSize: d, outSize: m, weight: W, bias: b } = layer;
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    const x0 = s * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
    for (let o = 0; o < m; o++) {
      const wr = o * d;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let i = 0; i < d; i++) {
        const w = W[wr + i]!;
        a0 += w * X[x0 + i]!; a1 += w * X[x1 + i]!; a2 += w * X[x2 + i]!; a3 += w * X[x3 + i]!;
      }
      const bo = b[o]!;
      Z[s * m + o] = a0 + bo; Z[(s + 1) * m + o] = a1 + bo; Z[(s + 2) * m + o] = a2 + bo; Z[(s + 3) * m + o] = a3 + bo;
    }
  }
  for (; s < n; s++) {
    const xr = s * d;
    for (let o = 0; o < m; o++) {
      const wr = o * d;
      let a = 0;
      for (let i = 0; i < d; i++) a += W[wr + i]! * X[xr + i]!;
      Z[s * m + o] = a + b[o]!;
    }
  }
}

/** Apply a chain layer's activation in place (no-op without one). */
export function activateInPlace(layer: ChainLayer, Z: Float64Array): void {
  const act = layer.act;
  if (!act) return;
  if (act.fn === "relu") {
    for (let i = 0; i < Z.length; i++) if (!(Z[i]! > 0)) Z[i] = 0;
    return;
  }
  const f = activations[act.fn];
  for (let i = 0; i < Z.length; i++) Z[i] = f.output(Z[i]!, act.params);
}

/**
 * Forward n samples through the chain; `onPre(k, Z)` sees each unit layer's pre-activations
 * (n × width) before the activation is applied. Returns the outputs (n × outSize).
 */
export function forwardChain(chain: Chain, X: Float64Array, n: number, onPre?: (k: number, Z: Float64Array) => void): Float64Array {
  let cur = X;
  chain.layers.forEach((layer, k) => {
    const Z = new Float64Array(n * layer.outSize);
    affineBatch(layer, cur, n, Z);
    if (layer.act) {
      onPre?.(k, Z);
      activateInPlace(layer, Z);
    }
    cur = Z;
  });
  return cur;
}

/** Forward in batches of `batch` samples to bound memory; returns all outputs. */
export function forwardChainChunked(chain: Chain, X: Float64Array, n: number, batch = 512, onPre?: (k: number, Z: Float64Array, first: number, count: number) => void): Float64Array {
  const d = chain.inputSize, out = chain.layers[chain.layers.length - 1]!.outSize;
  const Y = new Float64Array(n * out);
  for (let s = 0; s < n; s += batch) {
    const c = Math.min(batch, n - s);
    const y = forwardChain(chain, X.subarray(s * d, (s + c) * d), c, onPre ? (k, Z) => onPre(k, Z, s, c) : undefined);
    Y.set(y, s * out);
  }
  return Y;
}
