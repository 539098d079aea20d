// The graph lens on hand-made networks: the graph's nodes and edges, strengths, Scabini's signed
// sums, core numbers, thresholds and hypercores, with values worked out by hand.
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { createNetwork, LayerSpec } from "../../src/core/network.js";
import { hypercoreNumbers } from "../../src/core/weights/hypercore.js";
import { buildGraph, coreNumbers, csrOf, graphMeasures, thresholdEdges, toGraphology } from "../../src/lenses/graph/index.js";

const dense = (inSize: number, outSize: number, w: number[]): LayerSpec => ({ kind: "dense", inSize, outSize, weight: Float64Array.from(w), bias: new Float64Array(outSize).fill(0.5) });
// 2 → 3 → 1: W1 = [[1, −2], [0, 3], [4, 0]], W2 = [1, 1, −1]
const hand = createNetwork([2], [dense(2, 3, [1, -2, 0, 3, 4, 0]), { kind: "activation", fn: "relu" }, dense(3, 1, [1, 1, -1])]);

describe("the graph of a network", () => {
  it("one node per unit, one edge per non-zero weight with |w| and w; biases are not edges", () => {
    const g = buildGraph(hand);
    expect(g.nodes).toBe(6);
    expect(g.layers.map((l) => [l.name, l.kind, l.size])).toEqual([["input", "input", 2], [hand.layers[0]!.name, "hidden", 3], [hand.layers[2]!.name, "output", 1]]);
    expect(g.src.length).toBe(7);
    expect(Array.from(g.signed)).toEqual([1, -2, 3, 4, 1, 1, -1]);
    expect(Array.from(g.abs)).toEqual([1, 2, 3, 4, 1, 1, 1]);
    expect(g.notes[0]).toMatch(/biases .* ignored/);
    const gg = toGraphology(g);
    expect([gg.order, gg.size]).toEqual([6, 7]);
    expect(gg.getEdgeAttributes(gg.edge("1", "2")!)).toEqual({ weight: 2, signed: -2, block: 0 });
  });

  it("strengths per layer (mean, population variance, max), Scabini's signed sums, core numbers", async () => {
    const r = await graphMeasures(hand, undefined, { threshold: 0, perNode: true });
    // s: inputs 1+4 = 5, 2+3 = 5; hidden 1+2+1 = 4, 3+1 = 4, 4+1 = 5; output 1+1+1 = 3
    expect(r.perNode!.strength).toEqual([5, 5, 4, 4, 5, 3]);
    expect(r.layers[0]!.strength).toMatchObject({ mean: 5, variance: 0, max: 5 });
    expect(r.layers[1]!.strength.mean).toBeCloseTo(13 / 3, 14);
    expect(r.layers[1]!.strength.variance).toBeCloseTo(2 / 9, 14);
    expect(r.layers[1]!.fluctuation).toBeCloseTo(Math.sqrt(2 / 9), 14);
    expect(r.layers[1]!.inStrengthMean).toBeCloseTo(10 / 3, 14);
    // column sums of W1: 5, 1 (variance 4); row sums −1, 3, 4 (mean 2, variance 14/3)
    expect(r.matrices[0]).toMatchObject({ rows: 3, cols: 2, columnSumVariance: 4, columnSumMean: 3 });
    expect(r.matrices[0]!.rowSumVariance).toBeCloseTo(14 / 3, 14);
    expect(r.matrices[0]!.score).toBeCloseTo((4 + 14 / 3) / 2, 14);
    // degrees: inputs 2, 2; hidden 3, 2, 2; output 3 — every node has ≥ 2 neighbours (a 2-core), and peeling the degree-2 nodes empties any 3-core
    expect(r.perNode!.core).toEqual([2, 2, 2, 2, 2, 2]);
    expect(r.cores.degeneracy).toBe(2);
  });

  it("core numbers of a triangle with a pendant node, and of a complete layered graph", () => {
    const tri = csrOf(4, Int32Array.of(0, 1, 2, 0), Int32Array.of(1, 2, 0, 3), Float64Array.of(1, 1, 1, 1));
    expect(Array.from(coreNumbers(tri))).toEqual([2, 2, 2, 1]);
    const full = randomMlp([2, 3, 4], { seed: 1 });
    const g = buildGraph(full);
    // K_{2,3} + K_{3,4}: inputs degree 3, hidden 2 + 4 = 6, outputs 3 → everything in the 3-core, the hidden nodes' 4 … no 4-core (outputs have 3)
    expect(Array.from(coreNumbers(csrOf(g.nodes, g.src, g.dst, g.abs)))).toEqual(new Array(9).fill(3));
  });

  it("the threshold keeps |w| at or above the quantile per matrix (0.9 of 10 distinct weights: the largest)", () => {
    const net = createNetwork([10], [dense(10, 1, [0.1, -0.9, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8, 0.2, -1.0])]);
    const g = buildGraph(net);
    const t9 = thresholdEdges(g, 0.9), t5 = thresholdEdges(g, 0.5), t0 = thresholdEdges(g, 0);
    expect([t9.kept[0], t9.cuts[0]]).toEqual([1, 1.0]);
    expect([t5.kept[0], t5.cuts[0]]).toEqual([5, 0.6]);
    expect(t0.kept[0]).toBe(10);
  });

  it("k-hypercore numbers are the training lab's, per weight matrix; counts at the max", async () => {
    const net = randomMlp([6, 5, 3], { seed: 4 });
    const r = await graphMeasures(net, undefined, { hypercoreLambda: 0.5 });
    const d0 = net.layers[0]! as { weight: Float64Array };
    const ref = hypercoreNumbers(d0.weight.map(Math.abs), 5, 6, { lambda: 0.5 });
    let max = 0;
    for (const v of ref) max = Math.max(max, v);
    expect(r.layers[0]!.hypercore).toEqual({ matrix: net.layers[0]!.name, max, count: ref.filter((v) => v === max).length, mean: ref.reduce((a, b) => a + b, 0) / 6 });
    expect(r.layers[2]!.hypercore).toBeUndefined();
  });

  it("with and without graphology the measures are the same", async () => {
    const net = randomMlp([7, 6, 5, 3], { seed: 9 });
    const a = await graphMeasures(net, undefined, { perNode: true }), b = await graphMeasures(net, undefined, { graphology: false, perNode: true });
    expect(a.perNode).toEqual(b.perNode);
    expect(a.centrality.lambdaMax).toBe(b.centrality.lambdaMax);
    expect(a.graph.graphology && !b.graph.graphology).toBe(true);
  });

  it("bad options are BAD_ARGUMENT", async () => {
    for (const o of [{ threshold: 1.5 }, { centrality: "naive" }, { tol: 0 }, { view: "flat" }]) {
      const e = await graphMeasures(hand, undefined, o as never).catch((x: unknown) => x);
      expect(isNetsizeError(e, "BAD_ARGUMENT"), JSON.stringify(o)).toBe(true);
    }
  });
});

describe("conv, pooling and residual graphs", () => {
  // input 2×3×3 → conv 2→3 k2 (no pad) → 3×2×2 → maxpool 2 → 3×1×1 → flatten → dense 3→2
  const K = Array.from({ length: 3 * 2 * 4 }, (_, i) => ((i * 7) % 5) - 2);
  const conv: LayerSpec = { kind: "conv2d", inChannels: 2, outChannels: 3, kernel: [2, 2], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], weight: Float64Array.from(K), bias: new Float64Array(3) };
  const cnn = createNetwork([2, 3, 3], [conv, { kind: "activation", fn: "relu" }, { kind: "maxpool", kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0] }, { kind: "flatten" }, dense(3, 2, [1, 2, 3, -4, 5, 6])]);

  it("rolled: one node per channel, edge ‖K_oc‖₂ and ΣK_oc; pooling keeps the channel nodes", () => {
    const g = buildGraph(cnn);
    expect(g.layers.map((l) => l.size)).toEqual([2, 3, 2]);
    const slice = K.slice(4, 8); // (o = 0, c = 1)
    const e = Array.from(g.src).findIndex((s, i) => s === 1 && g.dst[i] === 2);
    expect(g.abs[e]).toBeCloseTo(Math.hypot(...slice), 14);
    expect(g.signed[e]).toBe(slice.reduce((a, b) => a + b, 0));
    expect(g.notes.join(" ")).toMatch(/pooling keeps the channel nodes/);
  });

  it("unrolled: one node per (channel, pixel), an edge per in-bounds kernel weight; max pooling edges of weight 1", () => {
    const g = buildGraph(cnn, { view: "unrolled" });
    expect(g.layers.map((l) => l.size)).toEqual([18, 12, 3, 2]);
    const nz = K.filter((w) => w !== 0).length;
    expect(g.blocks[0]!.end - g.blocks[0]!.start).toBe(nz * 4); // each kernel weight meets 2×2 output pixels
    expect(g.blocks[1]!.kind).toBe("pool");
    expect(g.blocks[1]!.end - g.blocks[1]!.start).toBe(12);
    expect(Array.from(g.abs.slice(g.blocks[1]!.start, g.blocks[1]!.end)).every((w) => w === 1)).toBe(true);
  });

  it("a residual addition is a layer of sum nodes with identity edges from both operands", () => {
    const res = createNetwork([3], [dense(3, 3, [1, 0, 0, 0, 2, 0, 0, 0, 3]), { kind: "activation", fn: "relu" }, { kind: "add", inputs: [-1, 1] }, dense(3, 1, [1, 1, 1])]);
    const g = buildGraph(res);
    expect(g.layers.map((l) => [l.op, l.size])).toEqual([["input", 3], ["dense", 3], ["add", 3], ["dense", 1]]);
    const b = g.blocks.find((x) => x.kind === "identity")!;
    expect(b.end - b.start).toBe(6);
    expect(Array.from(g.abs.slice(b.start, b.end))).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
