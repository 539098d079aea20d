// Small networks for the stability tests: random MLPs with strongly signed biases (many stable units,
// like an L1-trained net), small conv/residual DAGs, and a sampler of pre-activations.
import { ActivationName } from "../../src/core/activations.js";
import { Box } from "../../src/core/domain.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { createNetwork, LayerSpec, mlp, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";

/** A random MLP whose biases are pushed to ±shift with probability pStable, so many units are stable on [0,1]^n. */
export function biasedMlp(widths: number[], seed: number, opts: { act?: ActivationName; pStable?: number; shift?: number; alpha?: number } = {}): Network {
  const rng = createRng(seed);
  const p = opts.pStable ?? 0.6, shift = opts.shift ?? 3;
  const weights = widths.slice(1).map((o, l) => {
    const i = widths[l]!;
    const weight = new Float64Array(o * i).map(() => rng.normal() / Math.sqrt(i));
    const bias = new Float64Array(o).map(() => (rng.next() < p ? (rng.next() < 0.5 ? -shift : shift) : 0) + 0.2 * rng.normal());
    return { weight, bias };
  });
  const net = mlp(widths, weights, opts.act ?? "relu");
  if (opts.alpha === undefined) return net;
  // Leaky slope: rebuild with the parameter on every activation layer.
  return createNetwork(net.inputShape, net.layers.map((l) => (l.kind === "activation" ? { ...l, alpha: opts.alpha } : l)) as LayerSpec[]);
}

/** A small conv net with padding, a residual add, average and max pooling, and a dense head. */
export function smallConvNet(seed: number): Network {
  const rng = createRng(seed);
  const r = (n: number, s: number) => new Float64Array(n).map(() => rng.normal() * s);
  const specs: LayerSpec[] = [
    { kind: "conv2d", inChannels: 1, outChannels: 3, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: r(27, 0.5), bias: r(3, 0.3) },
    { kind: "activation", fn: "relu" },
    { kind: "conv2d", inChannels: 3, outChannels: 3, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: r(81, 0.3), bias: r(3, 0.3) },
    { kind: "add", inputs: [1, 2] },
    { kind: "activation", fn: "relu" },
    { kind: "pad", pads: [0, 0, 1, 1], value: 0 },
    { kind: "avgpool", kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0] },
    { kind: "maxpool", kernel: [2, 2], stride: [1, 1], pads: [0, 0, 0, 0] },
    { kind: "flatten" },
    { kind: "dense", inSize: 12, outSize: 5, weight: r(60, 0.5), bias: r(5, 0.3) },
    { kind: "activation", fn: "leakyrelu", alpha: 0.1 },
    { kind: "dense", inSize: 5, outSize: 2, weight: r(10, 0.5), bias: r(2, 0.1) },
  ];
  return createNetwork([1, 5, 5], specs);
}

/** n points of the box: its 2^d vertices when few, then uniform draws. */
export function boxSamples(box: Box, n: number, seed: number): Float64Array {
  const d = box.lower.length, rng = createRng(seed);
  const X = new Float64Array(n * d);
  const vertices = d <= 12 ? Math.min(2 ** d, n >> 1) : n >> 3;
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < d; i++) {
      const v = s < vertices ? (d <= 12 ? (s >> i) & 1 : rng.next() < 0.5 ? 1 : 0) : rng.next();
      X[s * d + i] = box.lower[i]! + v * (box.upper[i]! - box.lower[i]!);
    }
  }
  return X;
}

/** Pre-activations per activation layer (by layer index) of n samples, from the reference engine. */
export function preActivations(net: Network, X: Float64Array, n: number): Map<number, Float64Array> {
  const r = forwardBatchReference(net, X, n);
  return new Map(r.unitLayers.map((li, k) => [li, r.preActivations[k]!]));
}
