// Small seeded networks covering every layer kind, for the io tests.
import { ActivationName } from "../../src/core/activations.js";
import { LayerSpec, Network, createNetwork } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";

/** Random values in a Float64Array (normal, std s). */
export function randn(n: number, seed: number, s = 0.5): Float64Array {
  const rng = createRng(seed);
  return new Float64Array(n).map(() => rng.normal() * s);
}

/** A conv net with padding, both pools, a residual add, a scale, a reshape and a dense head. */
export function convNet(seed: number, act: ActivationName = "relu"): Network {
  const specs: LayerSpec[] = [
    { kind: "scale", perChannel: true, scale: randn(2, seed + 1, 1), shift: randn(2, seed + 2) },
    { kind: "conv2d", inChannels: 2, outChannels: 3, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: randn(54, seed + 3), bias: randn(3, seed + 4) },
    { kind: "activation", fn: act },
    { kind: "conv2d", inChannels: 3, outChannels: 3, kernel: [3, 2], stride: [1, 1], pads: [1, 0, 1, 1], dilation: [1, 1], weight: randn(54, seed + 5), bias: randn(3, seed + 6) },
    { kind: "add", inputs: [3, 2] },
    { kind: "maxpool", kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0] },
    { kind: "pad", pads: [1, 0, 0, 1], value: 0 },
    { kind: "avgpool", kernel: [2, 2], stride: [1, 1], pads: [0, 1, 1, 0], countIncludePad: true },
    { kind: "conv2d", inChannels: 3, outChannels: 2, kernel: [2, 2], stride: [2, 1], pads: [0, 0, 0, 0], dilation: [1, 2], weight: randn(24, seed + 7), bias: randn(2, seed + 8) },
    { kind: "scale", perChannel: false, scale: randn(8, seed + 9, 1), shift: randn(8, seed + 10) },
    { kind: "reshape", shape: [4, 2] },
    { kind: "flatten" },
    { kind: "dense", inSize: 8, outSize: 4, weight: randn(32, seed + 11), bias: randn(4, seed + 12) },
    { kind: "activation", fn: "hardtanh", min: -0.5, max: 2 },
    { kind: "dense", inSize: 4, outSize: 3, weight: randn(12, seed + 13), bias: randn(3, seed + 14) },
  ];
  return createNetwork([2, 6, 6], specs, { source: "convNet", seed });
}

/** A dense chain using activation `fn` (with its parameters) between layers. */
export function actNet(fn: ActivationName, params: { alpha?: number; min?: number; max?: number } = {}, seed = 7): Network {
  const specs: LayerSpec[] = [
    { kind: "dense", inSize: 3, outSize: 5, weight: randn(15, seed, 1), bias: randn(5, seed + 1) },
    { kind: "activation", fn, ...params },
    { kind: "dense", inSize: 5, outSize: 2, weight: randn(10, seed + 2, 1), bias: randn(2, seed + 3) },
  ];
  return createNetwork([3], specs, {});
}
