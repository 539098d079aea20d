import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activations, ActivationName } from "../../src/core/activations.js";
import { randomMlp } from "../../src/core/build.js";
import { createBatchedEngine } from "../../src/node/engine/onnxruntime.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { createNetwork, inputSize, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { expectAgrees, maxRelDiff, patternMismatches } from "./agree.js";

function normals(n: number, seed: number, scale = 1): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.normal() * scale);
}

/** A small convolutional DAG with every layer kind: pad, strided/dilated conv, scale, residual add, both pools, reshape, dense. */
function convNet(seed: number): Network {
  const w = (n: number, s = 0.5): Float64Array => normals(n, seed++, s);
  return createNetwork([2, 9, 8], [
    { kind: "scale", perChannel: true, scale: Float64Array.from([2, -0.5]), shift: Float64Array.from([0.1, 0.3]) },
    { kind: "conv2d", inChannels: 2, outChannels: 3, kernel: [3, 2], stride: [1, 1], pads: [1, 0, 1, 1], dilation: [1, 1], weight: w(36), bias: w(3) },
    { kind: "activation", fn: "relu" },
    { kind: "conv2d", inChannels: 3, outChannels: 3, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: w(81), bias: w(3) },
    { kind: "activation", fn: "leakyrelu", alpha: 0.1 },
    { kind: "add", inputs: [4, 2] },
    { kind: "maxpool", kernel: [2, 2], stride: [2, 2], pads: [0, 0, 1, 1] },
    { kind: "pad", pads: [1, 1, 0, 0], value: 0.25 },
    { kind: "conv2d", inChannels: 3, outChannels: 4, kernel: [2, 2], stride: [2, 1], pads: [0, 1, 1, 0], dilation: [1, 2], weight: w(48), bias: w(4) },
    { kind: "activation", fn: "abs" },
    { kind: "avgpool", kernel: [2, 3], stride: [1, 2], pads: [1, 1, 0, 1], countIncludePad: false },
    { kind: "avgpool", kernel: [2, 2], stride: [1, 1], pads: [0, 1, 1, 0], countIncludePad: true },
    { kind: "flatten" },
    { kind: "reshape", shape: [2, 12] },
    { kind: "flatten" },
    { kind: "dense", inSize: 24, outSize: 5, weight: w(120), bias: w(5) },
    { kind: "activation", fn: "hardtanh", min: -0.5, max: 0.5 },
    { kind: "dense", inSize: 5, outSize: 3, weight: w(15), bias: w(3) },
  ]);
}

function codeOf(e: unknown): string {
  return isNetsizeError(e) ? e.code : `other: ${String(e)}`;
}

describe("batched onnxruntime engine", () => {
  it("agrees with the reference in float64 for every activation of the registry", async () => {
    for (const act of Object.keys(activations) as ActivationName[]) {
      const net = randomMlp([6, 12, 12, 4], { seed: 7, activation: act, biasStd: 0.5 });
      const n = 300, X = normals(n * 6, 11, 2);
      const engine = await createBatchedEngine(net);
      const got = await engine.run(X, n);
      await engine.dispose();
      // GELU's erf is a 1.2e-7 approximation in the reference, float32 in onnxruntime.
      expectAgrees(net, got, X, n, act === "gelu" ? 1e-6 : 1e-9);
    }
  });

  it("agrees on a convolutional DAG with pads, strides, dilation, residual add, max and average pools", async () => {
    const net = convNet(3);
    const n = 200, X = normals(n * inputSize(net), 5);
    const engine = await createBatchedEngine(net, { chunkSize: 64 });
    const got = await engine.run(X, n);
    const ref = expectAgrees(net, got, X, n);
    // Max-pool units carry the window argmax; make sure some are not the first cell, so the check means something.
    const mp = ref.unitLayers.indexOf(6);
    expect(new Set(ref.patterns[mp]).size).toBeGreaterThan(2);
    const f32 = await createBatchedEngine(net, { float: 32 });
    const g32 = await f32.run(X, n);
    expect(maxRelDiff(g32.outputs, ref.outputs, 3)).toBeLessThan(1e-5);
    expect(patternMismatches(g32, ref, 1e-4)).toBe(0);
    await engine.dispose();
    await f32.dispose();
    // A convolution and an average pool reading the network input itself.
    const direct = createNetwork([1, 6, 5], [
      { kind: "conv2d", inChannels: 1, outChannels: 2, kernel: [2, 2], stride: [2, 1], pads: [0, 0, 1, 0], dilation: [1, 1], weight: normals(8, 1), bias: normals(2, 2) },
      { kind: "activation", fn: "relu" },
      { kind: "avgpool", kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0], inputs: [-1] },
      { kind: "flatten" },
      { kind: "dense", inSize: 6, outSize: 2, weight: normals(12, 3), bias: normals(2, 4) },
    ]);
    const e2 = await createBatchedEngine(direct);
    const X2 = normals(50 * 30, 6);
    expectAgrees(direct, await e2.run(X2, 50), X2, 50);
    await e2.dispose();
  });

  it("gives the same result whatever the chunk size, with or without units", async () => {
    const net = randomMlp([10, 16, 16, 16, 3], { seed: 2, biasStd: 0.1 });
    const n = 103, X = normals(n * 10, 9);
    const whole = await createBatchedEngine(net, { chunkSize: 1000 });
    const small = await createBatchedEngine(net, { chunkSize: 7 });
    const a = await whole.run(X, n), b = await small.run(X, n);
    expect(b.outputs).toEqual(a.outputs);
    expect(b.patterns).toEqual(a.patterns);
    const progress: number[] = [];
    const c = await small.run(X, n, { withUnits: false, onProgress: (p) => progress.push(p.done) });
    expect(c.outputs).toEqual(a.outputs);
    expect([c.preActivations.length, c.patterns.length]).toEqual([0, 0]);
    expect(c.unitLayers).toEqual(a.unitLayers);
    expect(progress.length).toBe(15);
    expect(progress[progress.length - 1]).toBe(n);
    const empty = await whole.run(new Float64Array(0), 0);
    expect([empty.n, empty.outputs.length, empty.patterns[0]!.length]).toEqual([0, 0, 0]);
    await whole.dispose();
    await small.dispose();
    // float32: onnxruntime writes the pre-activations straight into the result's chunks (pre-allocated outputs).
    const w32 = await createBatchedEngine(net, { float: 32, chunkSize: 1000 });
    const s32 = await createBatchedEngine(net, { float: 32, chunkSize: 7 });
    const a32 = await w32.run(X, n), b32 = await s32.run(X, n);
    expect(b32.preActivations.every((p) => p instanceof Float32Array)).toBe(true);
    expect(b32.preActivations).toEqual(a32.preActivations);
    expect(b32.patterns).toEqual(a32.patterns);
    expect(b32.outputs).toEqual(a32.outputs);
    // Each chunk's pre-activations are its own samples': sample 100 (the last chunk) alone gives the same numbers.
    const one = await s32.run(X.subarray(100 * 10, 101 * 10), 1);
    expect(Array.from(one.preActivations[2]!)).toEqual(Array.from(b32.preActivations[2]!.subarray(100 * 16, 101 * 16)));
    expect(maxRelDiff(b32.outputs, a.outputs, 3)).toBeLessThan(1e-5);
    expect(b32.patterns.flatMap((p, j) => Array.from(p).filter((v, i) => v !== a.patterns[j]![i] && Math.abs(a.preActivations[j]![i]!) > 1e-4)).length).toBe(0);
    await w32.dispose();
    await s32.dispose();
  });

  it("rejects bad batches, cancelled runs and use after dispose with stable codes", async () => {
    const net = randomMlp([4, 5, 2], { seed: 1 });
    const engine = await createBatchedEngine(net, { chunkSize: 2 });
    await expect(engine.run(new Float64Array(7), 2)).rejects.toSatisfy((e) => codeOf(e) === "DOMAIN_MISMATCH");
    const ac = new AbortController();
    ac.abort();
    await expect(engine.run(new Float64Array(8), 2, { signal: ac.signal })).rejects.toSatisfy((e) => codeOf(e) === "ABORTED");
    await engine.dispose();
    await expect(engine.run(new Float64Array(8), 2)).rejects.toSatisfy((e) => codeOf(e) === "BAD_ARGUMENT");
    await expect(createBatchedEngine(net, { chunkSize: 0 })).rejects.toSatisfy((e) => codeOf(e) === "BAD_ARGUMENT");
  });

  it("agrees with the reference on random ReLU MLPs (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 40 }),
        async (widths, seed, n) => {
          const net = randomMlp(widths, { seed, biasStd: 0.3 });
          const X = normals(n * widths[0]!, seed + 1);
          const engine = await createBatchedEngine(net, { chunkSize: 1 + (seed % 16) });
          try {
            expectAgrees(net, await engine.run(X, n), X, n);
          } finally {
            await engine.dispose();
          }
          // The reference is the oracle; sanity: it is deterministic.
          expect(forwardBatchReference(net, X, n).outputs).toEqual(forwardBatchReference(net, X, n).outputs);
        },
      ),
      { numRuns: 25 },
    );
  });
});
