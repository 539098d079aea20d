// The blocked dense backward step (crown-dense.ts) against the plain definition, on every path it
// takes (scatter for sparse rows, blocked product, the shared L·W with (U − L)·W on few units), and
// ibp's reuse of earlier nodes against a full recomputation on a real model.
import { describe, expect, it } from "vitest";
import { makeBox } from "../../src/core/domain.js";
import { DenseOp } from "../../src/core/network.js";
import { denseBack, denseBackPair } from "../../src/lenses/stability/crown-dense.js";
import { crownNode } from "../../src/lenses/stability/crown.js";
import { ibp, ibpTightened, ibpUpTo } from "../../src/lenses/stability/ibp.js";
import { loadNetwork } from "../../src/node/files.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
}

function op(inSize: number, outSize: number, r: () => number): DenseOp {
  return { kind: "dense", inSize, outSize, weight: Float64Array.from({ length: inSize * outSize }, r), bias: Float64Array.from({ length: outSize }, r) };
}

/** Rows with the given share of non-zeros (column-wise: a column is all zero with probability 1 − density). */
function rows(m: number, n: number, density: number, r: () => number): Float64Array {
  const A = new Float64Array(m * n);
  for (let o = 0; o < n; o++) if (r() + 0.5 < density) for (let k = 0; k < m; k++) A[k * n + o] = r();
  return A;
}

function naive(W: DenseOp, A: Float64Array, m: number): { Ain: Float64Array; d: Float64Array; mag: Float64Array } {
  const Ain = new Float64Array(m * W.inSize), d = new Float64Array(m), mag = new Float64Array(m);
  for (let k = 0; k < m; k++) for (let o = 0; o < W.outSize; o++) {
    const a = A[k * W.outSize + o]!;
    d[k] += a * W.bias[o]!; mag[k] += Math.abs(a * W.bias[o]!);
    for (let i = 0; i < W.inSize; i++) Ain[k * W.inSize + i] += a * W.weight[o * W.inSize + i]!;
  }
  return { Ain, d, mag };
}

const close = (a: Float64Array, b: Float64Array) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b[i]!)));
};

describe("blocked dense backward step", () => {
  it("denseBack equals A·W on dense, sparse, odd-sized and empty rows, adding into what is there", () => {
    const r = rng(7);
    for (const [m, inSize, outSize, density] of [[5, 13, 9, 1], [4, 8, 30, 0.05], [1, 7, 3, 1], [6, 11, 10, 0], [3, 1, 1, 1], [7, 17, 12, 0.6]] as const) {
      const W = op(inSize, outSize, r), A = rows(m, outSize, density, r);
      const start = Float64Array.from({ length: m * inSize }, r);
      const Ain = Float64Array.from(start), off = { d: new Float64Array(m).fill(1), mag: new Float64Array(m).fill(2) };
      denseBack(W, A, m, Ain, off);
      const want = naive(W, A, m);
      close(Ain, want.Ain.map((v, i) => v + start[i]!));
      close(off.d, want.d.map((v) => v + 1)); close(off.mag, want.mag.map((v) => v + 2));
    }
  });

  it("denseBackPair equals both products whether L and U are equal, differ on a few units or everywhere", () => {
    const r = rng(11);
    const m = 5, inSize = 19, outSize = 16;
    const W = op(inSize, outSize, r), L = rows(m, outSize, 0.8, r);
    const few = Float64Array.from(L); for (let k = 0; k < m; k++) { few[k * outSize + 3] = r(); few[k * outSize + 9] += 0.25; }
    const many = rows(m, outSize, 1, r);
    for (const U of [Float64Array.from(L), few, many]) {
      const tL = new Float64Array(m * inSize), tU = Float64Array.from({ length: m * inSize }, r), u0 = Float64Array.from(tU);
      const offL = { d: new Float64Array(m), mag: new Float64Array(m) }, offU = { d: new Float64Array(m), mag: new Float64Array(m) };
      denseBackPair(W, L, U, m, tL, tU, offL, offU);
      const wl = naive(W, L, m), wu = naive(W, U, m);
      close(tL, wl.Ain); close(tU, wu.Ain.map((v, i) => v + u0[i]!));
      close(offL.d, wl.d); close(offU.d, wu.d); close(offL.mag, wl.mag); close(offU.mag, wu.mag);
    }
  });
});

describe("ibp reuse", () => {
  it.skipIf(!HAVE_SHARED)("keeping the nodes before a tightened one gives the same bounds as recomputing all (mnist-net_256x4)", async () => {
    const net = await loadNetwork(model("vnncomp2021/mnist-net_256x4.onnx"));
    const r = rng(3);
    const c = Float64Array.from({ length: 784 }, () => r() + 0.5);
    const box = makeBox(c.map((v) => Math.max(0, v - 0.01)), c.map((v) => Math.min(1, v + 0.01)));
    let full = ibp(net, box), part = full;
    // Layer by layer as the CROWN stage runs it: each node once (ibpUpTo to the next layer, ibpTightened after).
    let lazy = ibp(net, box, undefined, undefined, 1);
    expect(lazy.layers.length).toBe(2);
    const tight = new Map<number, { lower: Float64Array; upper: Float64Array }>();
    net.layers.forEach((layer) => {
      if (layer.kind !== "activation") return;
      const pre = layer.inputs[0]!, I = full.layers[pre]!;
      lazy = ibpUpTo(net, box, tight, lazy, pre);
      expect(lazy.layers.length).toBe(pre + 1);
      expect(lazy.layers[pre]!.lower).toEqual(I.lower);
      expect(lazy.layers[pre]!.upper).toEqual(I.upper);
      const rowsIdx = Int32Array.from(Array.from(I.lower.keys()).filter((i) => I.lower[i]! <= 0 && I.upper[i]! > 0));
      const cb = crownNode(net, box, full, pre, rowsIdx);
      const lower = Float64Array.from(I.lower), upper = Float64Array.from(I.upper);
      rowsIdx.forEach((i, k) => { lower[i] = Math.max(lower[i]!, cb.lower[k]!); upper[i] = Math.min(upper[i]!, cb.upper[k]!); });
      tight.set(pre, { lower, upper });
      full = ibp(net, box, tight);
      part = ibp(net, box, tight, { prev: part, from: pre });
      full.layers.forEach((l, j) => { expect(part.layers[j]!.lower).toEqual(l.lower); expect(part.layers[j]!.upper).toEqual(l.upper); expect(part.layers[j]!.mag).toEqual(l.mag); });
      lazy = ibpTightened(net, box, tight, lazy, pre);
      expect(lazy.layers.length).toBe(pre + 1);
      expect(lazy.layers[pre]!.lower).toEqual(full.layers[pre]!.lower);
      expect(lazy.layers[pre]!.upper).toEqual(full.layers[pre]!.upper);
      expect(lazy.layers[pre]!.mag).toEqual(full.layers[pre]!.mag);
    });
    lazy = ibpUpTo(net, box, tight, lazy);
    full.layers.forEach((l, j) => { expect(lazy.layers[j]!.lower).toEqual(l.lower); expect(lazy.layers[j]!.upper).toEqual(l.upper); expect(lazy.layers[j]!.mag).toEqual(l.mag); });
    // CROWN tightened something, so the check above compared changed bounds, not only IBP's.
    expect(full.layers.at(-1)!.upper.some((v, i) => v < ibp(net, box).layers.at(-1)!.upper[i]!)).toBe(true);
  });
});
