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

/** Per unit layer, n × units piece indices of the batch X (n × inputSize), as forwardBatchReference gives them. */
export function gridPatterns(net: Network, X: Float64Array, n: number): Uint8Array[] {
  if (!isChainMlp(net)) return forwardBatchReference(net, X, n).patterns;
  const out: Uint8Array[] = [];
  let cur = X;
  for (const layer of net.layers) {
    const w = sizeOf(layer.shape);
    if (layer.kind === "dense") {
      const Y = new Float64Array(n * w);
      denseBatch(layer, cur, n, Y);
      cur = Y;
    } else if (layer.kind === "activation") {
      const Y = new Float64Array(n * w);
      const pat = layer.fn === "identity" ? undefined : new Uint8Array(n * w);
      for (let s = 0; s < n; s++) activationForward(layer, cur.subarray(s * w, (s + 1) * w), Y.subarray(s * w, (s + 1) * w), pat?.subarray(s * w, (s + 1) * w));
      if (pat) out.push(pat);
      cur = Y;
    }
  }
  if (out.length !== unitLayerIndices(net).length) return forwardBatchReference(net, X, n).patterns;
  return out;
}
