// The partition's fast paths (packed dense products after an activation, weight-column responses,
// dense deltas, the disc test before the vertex test) against the straightforward kernels
// (partitionPlain): the same cells with the same patterns, vertices and output maps, bit for bit.
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { inputSize, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { sample } from "../../src/data/dataset.js";
import { loadNetwork } from "../../src/node/files.js";
import { firstOfClass, loadMnistAll } from "../../src/node/data.js";
import { planeThrough } from "../../src/lenses/regions/anchors.js";
import { Partition, partition, partitionPlain } from "../../src/lenses/regions/partition.js";
import { patternString, patternStrings } from "../../src/lenses/regions/verify.js";
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

  it("a 1-D segment through a deep net: same intervals", () => {
    const net = randomMlp([3, 20, 20, 20, 20, 1], { seed: 7, biasStd: 0.5 });
    const spec = { origin: Float64Array.from([0.1, -0.2, 0.3]), basis: [Float64Array.from([1, 0.5, -0.25])], domain: Float64Array.from([-5, 5]) };
    const fast = partition(net, spec);
    expect(fast.count).toBeGreaterThan(40);
    expectSame(fast, partitionPlain(net, spec));
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
    });
  }
});
