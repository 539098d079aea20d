import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { randomMlp } from "../../src/core/build.js";
import { forwardTrace } from "../../src/core/engine/reference.js";
import { createNetwork, LayerSpec, mlp, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { unitLayerIndices } from "../../src/core/summary.js";
import { planeFromDirections, planePoint, planeThrough, qr2 } from "../../src/lenses/regions/anchors.js";
import { sliceCompute, sliceRegions } from "../../src/lenses/regions/slice.js";
import { cellPattern, edgeDistance, gridPatterns, gridPatternsDense, locate, sliceNetwork } from "./exact-helpers.js";
import { expectThrows } from "../helpers/errors.js";

const f64 = (a: number[]): Float64Array => Float64Array.from(a);

/** x-axis, y-axis and x+y = 0.5 as three ReLUs; output relu(x) − relu(y) − 0.25. */
function threeLines(): Network {
  return mlp([2, 3, 1], [
    { weight: f64([1, 0, 0, 1, 1, 1]), bias: f64([0, 0, -0.5]) },
    { weight: f64([1, -1, 0]), bias: f64([-0.25]) },
  ]);
}

/** A small DAG: conv → relu → pad → maxpool → conv → add (residual) → relu → avgpool → scale → flatten → dense → hardtanh → dense. */
function dagNet(seed: number): Network {
  const rng = createRng(seed);
  const r = (n: number, s = 0.5): Float64Array => Float64Array.from({ length: n }, () => rng.normal() * s);
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
  return createNetwork([1, 5, 5], specs);
}

describe("planeThrough", () => {
  it("centres on the mean, spans the points with an orthonormal basis, and uses LAPACK's (numpy's) signs", () => {
    const p = [f64([1, 2, 0, 1]), f64([3, -1, 2, 0]), f64([0, 0, 1, 5])];
    const plane = planeThrough(p[0]!, p[1]!, p[2]!);
    for (let i = 0; i < 4; i++) expect(plane.origin[i]).toBeCloseTo((p[0]![i]! + p[1]![i]! + p[2]![i]!) / 3, 14);
    const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(dot(plane.basis[0], plane.basis[0])).toBeCloseTo(1, 14);
    expect(dot(plane.basis[1], plane.basis[1])).toBeCloseTo(1, 14);
    expect(dot(plane.basis[0], plane.basis[1])).toBeCloseTo(0, 14);
    plane.anchors.forEach((a, i) => {
      const x = planePoint(plane, a[0], a[1]);
      for (let q = 0; q < 4; q++) expect(x[q]).toBeCloseTo(p[i]![q]!, 12);
    });
    // Householder (dlarfg): R11 = −sign(a11)·|a1|, so q1 = −sign(a11)·a1/|a1|; a11 = 0 counts as positive.
    const a1 = f64([2, -1, 0, 1]);
    expect(Array.from(qr2(a1, f64([0, 1, 1, 0]))[0])).toEqual(Array.from(a1, (x) => -x / Math.sqrt(6)).map((x) => expect.closeTo(x, 15)));
    const b1 = f64([0, 3, 4, 0]);
    expect(Array.from(qr2(b1, f64([1, 0, 0, 0]))[0])).toEqual([0, -0.6, -0.8, 0].map((x) => expect.closeTo(x, 15)));
  });

  it("rejects collinear points", () => {
    expectThrows(() => planeThrough([0, 0, 0], [1, 1, 1], [2, 2, 2]), "BAD_ARGUMENT");
  });
});

describe("sliceRegions on hand-built networks", () => {
  it("counts the 7 regions of three lines with their exact areas and the zero set of the output", () => {
    // Plane = the input plane itself; slice coordinates are ± the input coordinates (symmetric square).
    const r = sliceRegions(threeLines(), planeFromDirections([0, 0], [1, 0], [0, 1]), { halfWidth: 1, verify: true });
    expect(r.count).toBe(7);
    expect(r.perLayer.map((p) => p.regions)).toEqual([7]);
    const areas = r.regions!.map((x) => x.area).sort((a, b) => a - b);
    expect(areas).toEqual([0.125, 0.125, 0.125, 0.875, 0.875, 0.875, 1].map((x) => expect.closeTo(x, 13)));
    expect(r.areaSum).toBeCloseTo(4, 13);
    expect(new Set(r.regions!.map((x) => x.pattern)).size).toBe(7);
    // Zero set of relu(x) − relu(y) − 0.25: x = 0.25 for y < 0 (length 1), y = x − 0.25 for x, y > 0 (0.75·√2, cut in two at (0.375, 0.125)).
    expect(r.decisionBoundary.kind).toBe("zero");
    expect(r.decisionBoundary.length).toBeCloseTo(1 + 0.75 * Math.SQRT2, 12);
    expect(r.decisionBoundary.segments).toHaveLength(3);
    expect(r.verification).toMatchObject({ checked: 7, mismatches: 0 });
    expect(r.verification!.maxOutputError).toBeLessThan(1e-12);
  });

  it("finds the arg-max boundary of two outputs exactly", () => {
    // h = relu(x, y, x + y − 2); outputs (h1 + h3, h2). Below x + y = 2 class 0 wins where x > y; above it,
    // 2x + y − 2 > y where x > 1. On [0.1, 2.1]²: the diagonal from (0.1, 0.1) to (1, 1), then x = 1 up to y = 2.1.
    const net = mlp([2, 3, 2], [{ weight: f64([1, 0, 0, 1, 1, 1]), bias: f64([0, 0, -2]) }, { weight: f64([1, 0, 1, 0, 1, 0]), bias: f64([0, 0]) }]);
    const r = sliceRegions(net, planeFromDirections([1.1, 1.1], [1, 0], [0, 1]), { halfWidth: 1 });
    expect(r.count).toBe(2);
    expect(r.decisionBoundary.kind).toBe("argmax");
    expect(r.decisionBoundary.segments.every((x) => x.classes[0] === 0 && x.classes[1] === 1)).toBe(true);
    expect(r.decisionBoundary.length).toBeCloseTo(0.9 * Math.SQRT2 + 1.1, 12);
  });

  it("splits a DAG with conv, max-pool, residual add, pad, average pool, scale and hard-tanh exactly", () => {
    for (const seed of [1, 2]) {
      const net = dagNet(seed);
      const rng = createRng(100 + seed);
      const pts = [0, 1, 2].map(() => Float64Array.from({ length: 25 }, () => rng.normal()));
      const plane = planeThrough(pts[0]!, pts[1]!, pts[2]!);
      const { result: r, partition: P } = sliceCompute(net, plane, { halfWidth: 2, verify: true });
      expect(r.verification!.mismatches).toBe(0);
      expect(r.verification!.maxOutputError).toBeLessThan(1e-12);
      expect(r.areaSum).toBeCloseTo(16, 10);
      expect(r.count).toBeGreaterThan(10);
      const grid = gridPatterns(sliceNetwork(net, plane), 2, 48);
      expect(r.count).toBeGreaterThanOrEqual(grid);
      // Every grid point clear of the edges lies in a cell with its own pattern.
      const units = unitLayerIndices(net);
      for (let q = 0; q < 200; q++) {
        const u = -2 + 4 * rng.next(), v = -2 + 4 * rng.next();
        const i = locate(P, u, v);
        expect(i).toBeGreaterThanOrEqual(0);
        if (edgeDistance(P, i, u, v) < 1e-7) continue;
        const tr = forwardTrace(net, planePoint(plane, u, v));
        units.forEach((li, s) => expect(Array.from(cellPattern(P, i, s))).toEqual(Array.from(tr.patterns[li]!)));
      }
    }
  });
});

describe("sliceRegions on random networks (property)", () => {
  it("is exact: areas sum, every cell's pattern holds inside it, and no grid finds more patterns", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }), fc.array(fc.integer({ min: 2, max: 10 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }), fc.constantFrom("relu", "leakyrelu", "abs", "hardtanh" as const),
        fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.3, max: 3, noNaN: true }),
        (d, hidden, m, act, seed, h) => {
          const net = randomMlp([d, ...hidden, m], { seed, activation: act, biasStd: 0.3 });
          const rng = createRng(seed + 1);
          const pts = [0, 1, 2].map(() => Float64Array.from({ length: d }, () => rng.normal()));
          const plane = planeThrough(pts[0]!, pts[1]!, pts[2]!);
          const { result: r, partition: P } = sliceCompute(net, plane, { halfWidth: h, verify: true });
          expect(r.verification!.mismatches).toBe(0);
          expect(r.verification!.maxOutputError).toBeLessThan(1e-12);
          expect(Math.abs(r.areaSum - 4 * h * h)).toBeLessThan(1e-9 * h * h);
          expect(new Set(r.regions!.map((x) => x.pattern)).size).toBe(r.count);
          expect(r.count).toBeGreaterThanOrEqual(gridPatterns(sliceNetwork(net, plane), h, 48));
          const units = unitLayerIndices(net);
          for (let q = 0; q < 40; q++) {
            const u = -h + 2 * h * rng.next(), v = -h + 2 * h * rng.next();
            const i = locate(P, u, v);
            expect(i).toBeGreaterThanOrEqual(0);
            if (edgeDistance(P, i, u, v) < 1e-7) continue;
            const tr = forwardTrace(net, planePoint(plane, u, v));
            units.forEach((li, s) => expect(Array.from(cellPattern(P, i, s))).toEqual(Array.from(tr.patterns[li]!)));
          }
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  it("finds at least as many regions as a 1024 × 1024 grid", () => {
    const net = randomMlp([3, 12, 12, 3], { seed: 11, biasStd: 0.5 });
    const plane = planeThrough([1, 0, 0], [0, 1, 0], [0, 0, 1]);
    const r = sliceRegions(net, plane, { halfWidth: 3, details: false });
    const net2 = sliceNetwork(net, plane);
    const grid = gridPatternsDense(net2, 3, 1024);
    // The fast dense grid is the reference engine's arithmetic: same count on a coarser grid.
    expect(gridPatternsDense(net2, 3, 40)).toBe(gridPatterns(net2, 3, 40));
    expect(r.count).toBeGreaterThanOrEqual(grid);
    // A fine grid misses only slivers: it sees most regions of so small a net.
    expect(grid).toBeGreaterThan(0.8 * r.count);
  });
});

describe("sliceRegions errors and limits", () => {
  it("refuses networks that are not piecewise linear", () => {
    const net = randomMlp([3, 4, 2], { seed: 1, activation: "sigmoid" });
    expectThrows(() => sliceRegions(net, planeThrough([1, 0, 0], [0, 1, 0], [0, 0, 1])), "NOT_PIECEWISE_LINEAR");
  });

  it("checks the plane's dimension against the network", () => {
    expectThrows(() => sliceRegions(threeLines(), planeThrough([1, 0, 0], [0, 1, 0], [0, 0, 1])), "DOMAIN_MISMATCH");
  });

  it("stops at --max-regions with the partial count as a lower bound", () => {
    const net = randomMlp([2, 16, 16, 2], { seed: 3, biasStd: 0.5 });
    const plane = planeFromDirections([0, 0], [1, 0], [0, 1]);
    const full = sliceRegions(net, plane, { halfWidth: 2, details: false }).count;
    const e = expectThrows(() => sliceRegions(net, plane, { halfWidth: 2, maxRegions: 20 }), "LIMIT_EXCEEDED") as { partial: { regionsAtLeast: number } };
    expect(e.partial.regionsAtLeast).toBeGreaterThan(20);
    expect(e.partial.regionsAtLeast).toBeLessThanOrEqual(full);
  });

  it("takes a convex polygon as the domain and rejects a non-convex one", () => {
    const plane = planeFromDirections([0, 0], [1, 0], [0, 1]);
    const tri = sliceRegions(threeLines(), plane, { polygon: [[-1, -1], [1, -1], [-1, 1]] });
    expect(tri.areaSum).toBeCloseTo(2, 13);
    expectThrows(() => sliceRegions(threeLines(), plane, { polygon: [[0, 0], [2, 0], [1, 0.2], [1, 2]] }), "BAD_ARGUMENT");
  });
});
