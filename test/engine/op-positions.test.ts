// Every op in the first, a middle and the last position, through every path: the reference engine,
// the batched onnxruntime engine in float32 and float64, ONNX export → import, and (for piecewise-
// linear nets on a box) compress with its exported-file check. Found by the audit: a max pool as the
// first layer crashed the reference engine, and compress failed on every leaky-ReLU network.
import { describe, expect, it } from "vitest";
import { uniformBox } from "../../src/core/domain.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { networkFromOnnx, networkToOnnx } from "../../src/core/io/index.js";
import { createNetwork, inputSize, isPiecewiseLinear, LayerSpec, Network, outputSize } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { compressOnDomain } from "../../src/lenses/stability/index.js";
import { onnxruntimeEngine } from "../../src/node/engine/onnxruntime.js";
import { maxRelDiff } from "./agree.js";

const rng = createRng(11);
const w = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal() * 0.5);

/** Ops that keep a [2, 4, 4] tensor's shape (or a known one), each as a layer spec. */
const SPATIAL: Record<string, LayerSpec> = {
  conv: { kind: "conv2d", inChannels: 2, outChannels: 2, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: w(36), bias: w(2) },
  maxpool: { kind: "maxpool", kernel: [2, 2], stride: [1, 1], pads: [0, 0, 1, 1] },
  avgpool: { kind: "avgpool", kernel: [2, 2], stride: [1, 1], pads: [0, 0, 1, 1], countIncludePad: false },
  pad: { kind: "pad", pads: [0, 0, 0, 0], value: 0.5 },
  scale: { kind: "scale", perChannel: true, scale: Float64Array.from([2, -0.5]), shift: Float64Array.from([0.1, 0.3]) },
  relu: { kind: "activation", fn: "relu" },
  leakyrelu: { kind: "activation", fn: "leakyrelu", alpha: 0.1 },
  abs: { kind: "activation", fn: "abs" },
  hardtanh: { kind: "activation", fn: "hardtanh", min: -0.5, max: 0.5 },
  tanh: { kind: "activation", fn: "tanh" },
  sigmoid: { kind: "activation", fn: "sigmoid" },
  softplus: { kind: "activation", fn: "softplus" },
  elu: { kind: "activation", fn: "elu", alpha: 1 },
  gelu: { kind: "activation", fn: "gelu" },
};
const DENSE_ACTS = ["relu", "leakyrelu", "abs", "hardtanh", "tanh", "sigmoid", "softplus", "elu", "gelu"];

function nets(): [string, Network][] {
  const out: [string, Network][] = [];
  const flat = (k: number): LayerSpec[] => [{ kind: "flatten" }, { kind: "dense", inSize: 32, outSize: k, weight: w(32 * k), bias: w(k) }];
  for (const [name, spec] of Object.entries(SPATIAL)) {
    out.push([`${name} first`, createNetwork([2, 4, 4], [spec, SPATIAL.conv!, SPATIAL.relu!, ...flat(3)])]);
    out.push([`${name} middle`, createNetwork([2, 4, 4], [SPATIAL.conv!, spec, SPATIAL.relu!, ...flat(3)])]);
    out.push([`${name} before the output layer`, createNetwork([2, 4, 4], [SPATIAL.conv!, SPATIAL.relu!, spec, ...flat(3)])]);
  }
  for (const fn of DENSE_ACTS) {
    const act = SPATIAL[fn]!;
    out.push([`dense ${fn} first`, createNetwork([5], [act, { kind: "dense", inSize: 5, outSize: 4, weight: w(20), bias: w(4) }])]);
    out.push([`dense ${fn} middle`, createNetwork([5], [{ kind: "dense", inSize: 5, outSize: 6, weight: w(30), bias: w(6) }, act, { kind: "dense", inSize: 6, outSize: 2, weight: w(12), bias: w(2) }])]);
    out.push([`dense ${fn} last`, createNetwork([5], [{ kind: "dense", inSize: 5, outSize: 6, weight: w(30), bias: w(6) }, act])]);
  }
  return out;
}

describe("every op in every position, through every path", () => {
  it.each(nets())("%s", async (_name, net) => {
    const d = inputSize(net), m = outputSize(net), n = 257;
    const X = Float64Array.from({ length: n * d }, () => rng.next() * 2 - 1);
    const ref = forwardBatchReference(net, X, n);
    expect(ref.outputs.every(Number.isFinite)).toBe(true);
    for (const float of [64, 32] as const) {
      const e = await onnxruntimeEngine.create(net, { float });
      try {
        const got = await e.run(X, n);
        // GELU's erf runs in float32 inside onnxruntime (no float64 Erf kernel; documented): 1e-6 there.
        const gelu = net.layers.some((l) => l.kind === "activation" && l.fn === "gelu");
        expect(maxRelDiff(got.outputs, ref.outputs, m)).toBeLessThan(float === 64 ? (gelu ? 1e-6 : 1e-9) : 1e-4);
      } finally { await e.dispose(); }
    }
    const back = networkFromOnnx(networkToOnnx(net, { float: 64 }));
    expect(forwardBatchReference(back, X, n).outputs).toEqual(ref.outputs);
    if (isPiecewiseLinear(net) && net.layers.every((l) => l.kind !== "maxpool")) {
      for (const float of [64, 32] as const) {
        const r = await compressOnDomain(net, uniformBox(d, -1, 1), { method: "crown", points: 2000, float }, { engine: onnxruntimeEngine });
        expect(r.equivalence.maxAbsDiff).toBeLessThanOrEqual(1e-9);
        expect(r.equal).toBe(true);
        expect(r.equivalence.exported!.float).toBe(float);
      }
    }
  });
});
