// The partition's fast paths (packed dense products after an activation, weight-column responses,
// dense deltas, the disc test before the vertex test) against the straightforward kernels
// (partitionPlain): the same cells with the same patterns, vertices and output maps, bit for bit.
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { createNetwork, inputSize, LayerSpec, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { sample } from "../../src/data/dataset.js";
import { loadNetwork } from "../../src/node/files.js";
import { firstOfClass, loadMnistAll } from "../../src/node/data.js";
import { planeThrough } from "../../src/lenses/regions/anchors.js";
import { Partition, partition, partitionPlain } from "../../src/lenses/regions/partition.js";
import { patternString, patternStrings } from "../../src/lenses/regions/verify.js";
import { decisionBoundary } from "../../src/lenses/regions/boundary.js";
import { gridPatterns, isChainMlp, planeGridPatterns } from "../../src/lenses/regions/grid-patterns.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";

/** Bytes of a typed array, for bit-for-bit comparison (-0 and +0, NaN payloads included). */
const bits = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSame(fast: Partition, plain: Partition): void {
  expect(fast.count).toBe(plain.count);
  expect(fast.perLayer).toEqual(plain.perLayer);
  expect(fast.slivers).toBe(plain.slivers);
  expect(fast.zeroRows).toBe(plain.zeroRows);
  expect(bits(fast.verts).equals(bits(plain.verts))).toBe(true);
  expect(bits(fast.cellLen).equals(bits(plain.cellLen))).toBe(true);
  expect(bits(fast.outMap).equals(bits(plain.outMap))).toBe(true);
  fast.patterns.forEach((p, s) => expect(bits(p).equals(bits(plain.patterns[s]!))).toBe(true));
  fast.ancestor.forEach((a, s) => expect(bits(a).equals(bits(plain.ancestor[s]!))).toBe(true));
}

function square(h: number): Float64Array {
  return Float64Array.from([-h, -h, h, -h, h, h, -h, h]);
}

describe("partition fast paths equal the straightforward kernels", () => {
  it("random deep ReLU nets (2 inputs, 8 layers of 24) and leaky ReLU / hard tanh nets: same cells, bit for bit", () => {
    for (const seed of [1, 2, 3]) {
      const net = randomMlp([2, 24, 24, 24, 24, 24, 24, 24, 24, 3], { seed, biasStd: 0.3 });
      const spec = { origin: new Float64Array(2), basis: [Float64Array.from([1, 0]), Float64Array.from([0, 1])], domain: square(2) };
      const fast = partition(net, spec), plain = partitionPlain(net, spec);
      expect(fast.count).toBeGreaterThan(300);
      expectSame(fast, plain);
    }
    for (const activation of ["leakyrelu", "hardtanh"] as const) {
      const net = randomMlp([2, 16, 16, 16, 2], { seed: 5, biasStd: 0.4, activation });
      const spec = { origin: new Float64Array(2), basis: [Float64Array.from([1, 0]), Float64Array.from([0, 1])], domain: square(2) };
      const fast = partition(net, spec);
      expect(fast.count).toBeGreaterThan(50);
      expectSame(fast, partitionPlain(net, spec));
    }
  });

  it("a unit whose row is numerically zero (decided by the disc test, then sent back through the general loop): same cells and zero-row count", () => {
    const net = createNetwork([2], [
      { kind: "dense", inSize: 2, outSize: 4, weight: Float64Array.from([1, 0, 0, 1, 1e-14, 0, 1, -1]), bias: Float64Array.from([0.1, -0.2, 5, 0.3]) },
      { kind: "activation", fn: "relu" },
      { kind: "dense", inSize: 4, outSize: 3, weight: Float64Array.from([1, -1, 0.5, 2, -0.5, 1, 1, -1, 0.3, 0.7, -2, 1]), bias: Float64Array.from([0.05, -0.1, 0.2]) },
      { kind: "activation", fn: "relu" },
      { kind: "dense", inSize: 3, outSize: 1, weight: Float64Array.from([1, -2, 0.5]), bias: Float64Array.from([0]) },
    ]);
    const spec = { origin: new Float64Array(2), basis: [Float64Array.from([1, 0]), Float64Array.from([0, 1])], domain: square(1) };
    const fast = partition(net, spec);
    expect(fast.zeroRows).toBe(1);
    expect(fast.count).toBe(6); // three concurrent lines (x = -0.1, y = 0.2, x - y = -0.3 meet at one point)
    expectSame(fast, partitionPlain(net, spec));
  });

  it("a DAG (conv, max-pool, residual add, pads, average pool, scale, hard tanh): same cells", () => {
    const rng = createRng(4);
    const r = (n: number, sd = 0.5): Float64Array => Float64Array.from({ length: n }, () => rng.normal() * sd);
    const specs: LayerSpec[] = [
      { kind: "conv2d", inChannels: 1, outChannels: 3, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: r(27), bias: r(3, 0.1) },
      { kind: "activation", fn: "relu" },
      { kind: "pad", pads: [0, 0, 1, 1], value: 0 },
      { kind: "maxpool", kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0] },
      { kind: "conv2d", inChannels: 3, outChannels: 3, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: r(81, 0.3), bias: r(3, 0.1) },
      { kind: "add", inputs: [4, 3] },
      { kind: "activation", fn: "leakyrelu", alpha: 0.1 },
      { kind: "avgpool", kernel: [2, 2], stride: [1, 1], pads: [0, 0, 0, 0] },
      { kind: "scale", perChannel: true, scale: r(3, 1), shift: r(3, 0.1) },
      { kind: "flatten" },
      { kind: "dense", inSize: 12, outSize: 6, weight: r(72), bias: r(6, 0.1) },
      { kind: "activation", fn: "hardtanh", min: -0.5, max: 0.5 },
      { kind: "dense", inSize: 6, outSize: 3, weight: r(18), bias: r(3, 0.1) },
    ];
    const net = createNetwork([1, 5, 5], specs);
    const p = [0, 1, 2].map(() => r(25, 1));
    const plane = planeThrough(p[0]!, p[1]!, p[2]!);
    const spec = { origin: plane.origin, basis: plane.basis, domain: square(2) };
    const fast = partition(net, spec);
    expect(fast.count).toBeGreaterThan(100);
    expectSame(fast, partitionPlain(net, spec));
  });

  it("a 1-D segment through a deep net: same intervals", () => {
    const net = randomMlp([3, 20, 20, 20, 20, 1], { seed: 7, biasStd: 0.5 });
    const spec = { origin: Float64Array.from([0.1, -0.2, 0.3]), basis: [Float64Array.from([1, 0.5, -0.25])], domain: Float64Array.from([-5, 5]) };
    const fast = partition(net, spec);
    expect(fast.count).toBeGreaterThan(40);
    expectSame(fast, partitionPlain(net, spec));
  });

  it("the pruned decision boundary has the segments of every pair of classes (12 outputs)", () => {
    for (const seed of [1, 2]) {
      const net = randomMlp([2, 20, 20, 12], { seed, biasStd: 0.3 });
      const P = partition(net, { origin: new Float64Array(2), basis: [Float64Array.from([1, 0]), Float64Array.from([0, 1])], domain: square(3) });
      const pruned = decisionBoundary(P), all = decisionBoundary(P, false);
      expect(pruned.classes.length).toBeGreaterThan(40);
      expect(bits(pruned.segments).equals(bits(all.segments))).toBe(true);
      expect(Array.from(pruned.classes)).toEqual(Array.from(all.classes));
      expect(pruned.length).toBe(all.length);
    }
  });

  it("the estimate's batched grid patterns are the reference engine's (random nets, 1–9 samples, ReLU and hard tanh)", () => {
    const rng = createRng(3);
    for (const [widths, activation] of [[[5, 9, 7, 3], "relu"], [[4, 6, 6, 6, 2], "hardtanh"], [[3, 8, 1], "leakyrelu"]] as const) {
      const net = randomMlp(widths as unknown as number[], { seed: 2, biasStd: 0.5, activation });
      expect(isChainMlp(net)).toBe(true);
      for (const n of [1, 4, 9]) {
        const X = Float64Array.from({ length: n * widths[0] }, () => rng.normal());
        const fast = gridPatterns(net, X, n), ref = forwardBatchReference(net, X, n).patterns;
        expect(fast.length).toBe(ref.length);
        fast.forEach((p, k) => expect(bits(p).equals(bits(ref[k]!))).toBe(true));
      }
    }
  });

  it("the estimate's plane patterns (first layer in the plane's affine form) are the reference's wherever a unit is not within 1e-9 of its breakpoint", () => {
    const rng = createRng(4);
    for (const [widths, activation] of [[[30, 16, 16, 4], "relu"], [[12, 9, 9, 2], "hardtanh"], [[8, 5, 3], "leakyrelu"]] as const) {
      const net = randomMlp(widths as unknown as number[], { seed: 5, biasStd: 0.5, activation });
      const d = widths[0];
      const origin = Float64Array.from({ length: d }, () => rng.normal());
      const basis: [Float64Array, Float64Array] = [Float64Array.from({ length: d }, () => rng.normal()), Float64Array.from({ length: d }, () => rng.normal())];
      const n = 200, uv = Float64Array.from({ length: 2 * n }, () => 3 * rng.normal());
      const X = new Float64Array(n * d);
      for (let s = 0; s < n; s++) for (let i = 0; i < d; i++) X[s * d + i] = origin[i]! + uv[2 * s]! * basis[0][i]! + uv[2 * s + 1]! * basis[1][i]!;
      const got = planeGridPatterns(net, origin, basis, uv, n), ref = forwardBatchReference(net, X, n);
      expect(got.length).toBe(ref.patterns.length);
      let compared = 0, switching = 0;
      got.forEach((p, k) => {
        const z = ref.preActivations[k]!, bps = activation === "hardtanh" ? [-1, 1] : [0];
        for (let i = 0; i < p.length; i++) {
          if (bps.some((b) => Math.abs(z[i]! - b) <= 1e-9 * (1 + Math.abs(z[i]!)))) continue;
          compared++;
          if (p[i] !== ref.patterns[k]![i]) switching++;
        }
        // Both pieces occur, so a wrong piece would show.
        expect(new Set(p).size).toBeGreaterThan(1);
      });
      expect(compared).toBeGreaterThan(n * (widths.length - 2) * 3);
      expect(switching).toBe(0);
    }
  });

  it("batched pattern strings are patternString's strings", () => {
    const net = randomMlp([2, 30, 30, 30, 2], { seed: 9, biasStd: 0.3 });
    const P = partition(net, { origin: new Float64Array(2), basis: [Float64Array.from([1, 0]), Float64Array.from([0, 1])], domain: square(3) });
    expect(P.count).toBeGreaterThan(600); // more than two batches
    const of = patternStrings(P);
    for (let i = 0; i < P.count; i++) expect(of(i)).toBe(patternString(P, i));
    expect(of(3)).toBe(patternString(P, 3)); // out of order
  });
});

/** The shared MLPs and a slice half-width that keeps both runs quick (thousands of regions each). */
const SHARED: [string, number][] = [
  ["exactcompression/mnist_100-100_l1-0.onnx", 10],
  ["vnncomp2021/mnist-net_256x4.onnx", 3],
  ["vnncomp2021/mnist_relu_9_200.onnx", 0.5],
  ["vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx", 1],
  ["exactcompression/cifar100_400-400_l1-7.5e-5_after-compression.onnx", 10],
];

function anchors(net: Network): Float64Array[] {
  const d = inputSize(net);
  if (d === 784) {
    const ds = loadMnistAll();
    return [0, 1, 2].map((c) => Float64Array.from(sample(ds, firstOfClass(c))));
  }
  const rng = createRng(1);
  return [0, 1, 2].map(() => Float64Array.from({ length: d }, () => rng.next()));
}

describe.skipIf(!HAVE_SHARED)("partition fast paths on the shared MLPs' slices", () => {
  for (const [rel, half] of SHARED) {
    it(`${rel} (half-width ${half}): same cells, patterns and maps as the straightforward kernels`, async () => {
      const net = await loadNetwork(model(rel));
      const p = anchors(net);
      const plane = planeThrough(p[0]!, p[1]!, p[2]!);
      const spec = { origin: plane.origin, basis: plane.basis, domain: square(half) };
      const fast = partition(net, spec);
      expect(fast.count).toBeGreaterThan(500);
      expectSame(fast, partitionPlain(net, spec));
      const pruned = decisionBoundary(fast), all = decisionBoundary(fast, false);
      expect(bits(pruned.segments).equals(bits(all.segments))).toBe(true);
      expect(Array.from(pruned.classes)).toEqual(Array.from(all.classes));
      // The slice estimate's grid pass: 7 points of the plane (not a multiple of 4), same patterns as the reference.
      const X = new Float64Array(7 * inputSize(net));
      for (let s = 0; s < 7; s++) for (let q = 0; q < inputSize(net); q++) X[s * inputSize(net) + q] = plane.origin[q]! + (s - 3) * plane.basis[0][q]! + 0.5 * s * plane.basis[1][q]!;
      const g = gridPatterns(net, X, 7), ref = forwardBatchReference(net, X, 7).patterns;
      g.forEach((p, k) => expect(bits(p).equals(bits(ref[k]!))).toBe(true));
    });
  }
});
