import { describe, expect, it } from "vitest";
import { createNetwork, mlp, isPiecewiseLinear, summarize, randomMlp, forward, forwardTrace, forwardBatchReference, NetsizeError, createRng } from "../../src/index.js";

const f64 = (a: number[]) => Float64Array.from(a);

describe("network model", () => {
  it("computes a small MLP exactly and records patterns", () => {
    const net = mlp([2, 2, 1], [
      { weight: f64([1, -1, 2, 1]), bias: f64([0, -1]) },
      { weight: f64([1, 1]), bias: f64([0.5]) },
    ]);
    const t = forwardTrace(net, [3, 1]);
    // h = relu([2, 6]) = [2, 6]; y = 8.5
    expect(Array.from(t.output)).toEqual([8.5]);
    expect(Array.from(t.patterns[1]!)).toEqual([1, 1]);
    expect(Array.from(forward(net, [0, 1]))).toEqual([0.5]); // h = relu([-1, 0]) = 0
    expect(Array.from(forwardTrace(net, [0, 1]).patterns[1]!)).toEqual([0, 0]);
  });

  it("counts parameters and units per layer", () => {
    const net = randomMlp([784, 256, 256, 10], { seed: 1 });
    const s = summarize(net);
    expect(s.params).toBe(269_322);
    expect(s.units).toBe(512);
    expect(s.piecewiseLinear).toBe(true);
    expect(isPiecewiseLinear(randomMlp([3, 4, 1], { seed: 1, activation: "tanh" }))).toBe(false);
  });

  it("rejects inconsistent shapes and non-finite weights with stable codes", () => {
    const bad = () => createNetwork([3], [{ kind: "dense", inSize: 3, outSize: 2, weight: new Float64Array(5), bias: new Float64Array(2) }]);
    expect(bad).toThrowError(NetsizeError);
    try { bad(); } catch (e) { expect((e as NetsizeError).code).toBe("SHAPE_MISMATCH"); }
    const nan = () => createNetwork([1], [{ kind: "dense", inSize: 1, outSize: 1, weight: f64([NaN]), bias: f64([0]) }]);
    try { nan(); expect.unreachable(); } catch (e) { expect((e as NetsizeError).code).toBe("BAD_WEIGHTS"); }
  });

  it("runs conv, pad, pooling and a residual add with the right shapes", () => {
    const rng = createRng(3);
    const w = Float64Array.from({ length: 2 * 1 * 3 * 3 }, () => rng.normal());
    const net = createNetwork([1, 6, 6], [
      { kind: "conv2d", inChannels: 1, outChannels: 2, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: w, bias: f64([0.1, -0.1]) },
      { kind: "activation", fn: "relu" },
      { kind: "conv2d", inChannels: 2, outChannels: 2, kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], weight: f64([1, 0, 0, 1]), bias: f64([0, 0]) },
      { kind: "add", inputs: [1, 2] },
      { kind: "maxpool", kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0] },
      { kind: "pad", pads: [1, 1, 1, 1], value: 0 },
      { kind: "avgpool", kernel: [5, 5], stride: [5, 5], pads: [0, 0, 0, 0] },
      { kind: "flatten" },
    ]);
    expect(net.layers.map((l) => l.shape)).toEqual([[2, 6, 6], [2, 6, 6], [2, 6, 6], [2, 6, 6], [2, 3, 3], [2, 5, 5], [2, 1, 1], [2]]);
    const x = Float64Array.from({ length: 36 }, (_, i) => Math.sin(i));
    const t = forwardTrace(net, x);
    // the identity 1x1 conv doubles the relu output; max pool then averages including the zero border
    const relu = t.values[1]!;
    let m00 = -Infinity;
    for (const [i, j] of [[0, 0], [0, 1], [1, 0], [1, 1]]) m00 = Math.max(m00, 2 * relu[i! * 6 + j!]!);
    expect(t.values[4]![0]).toBeCloseTo(m00, 15);
    const pooled = t.values[4]!;
    let sum0 = 0;
    for (let k = 0; k < 9; k++) sum0 += pooled[k]!;
    expect(t.output[0]).toBeCloseTo(sum0 / 25, 14);
  });

  it("batched reference equals per-sample forward", () => {
    const net = randomMlp([5, 7, 7, 3], { seed: 2, biasStd: 0.1 });
    const rng = createRng(9);
    const X = Float64Array.from({ length: 20 * 5 }, () => rng.normal());
    const b = forwardBatchReference(net, X, 20);
    for (let s = 0; s < 20; s++) {
      expect(Array.from(b.outputs.subarray(s * 3, s * 3 + 3))).toEqual(Array.from(forward(net, X.subarray(s * 5, s * 5 + 5))));
    }
    expect(b.unitLayers).toEqual([1, 3]);
    const t = forwardTrace(net, X.subarray(0, 5));
    expect(Array.from(b.preActivations[0]!.subarray(0, 7))).toEqual(Array.from(t.values[0]!));
  });
});
