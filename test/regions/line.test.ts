import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { randomMlp } from "../../src/core/build.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { createNetwork, mlp, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { lineRegions, LineResult } from "../../src/lenses/regions/line.js";
import { expectThrows } from "../helpers/errors.js";

const f64 = (a: number[]): Float64Array => Float64Array.from(a);

/** The interval of a line result containing t (by bisection on the sorted intervals). */
function intervalAt(r: LineResult, t: number): number {
  const iv = r.intervals!;
  let lo = 0, hi = iv.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (iv[mid]!.t0 <= t) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * Check a line result against n random points through the reference engine: every point's pattern
 * is the pattern of its interval (points within 1e-9 of a breakpoint excepted), so the exact count
 * is at least the number of distinct sampled patterns. Returns that number.
 */
function checkAgainstSamples(net: Network, point: Float64Array, dir: Float64Array, t0: number, t1: number, r: LineResult, n: number, seed: number): number {
  const d = point.length;
  const rng = createRng(seed);
  const X = new Float64Array(n * d), T = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const t = t0 + (t1 - t0) * rng.next();
    T[s] = t;
    for (let q = 0; q < d; q++) X[s * d + q] = point[q]! + t * dir[q]!;
  }
  const b = forwardBatchReference(net, X, n);
  const sizes = b.unitLayers.map((u) => net.layers[u]!.shape.reduce((a, c) => a * c, 1));
  const seen = new Set<string>();
  // Keys in patternString's format: base-36 digits, layers separated by '|'.
  const codes = new Uint16Array(sizes.reduce((a, c) => a + c + 1, -1));
  for (let s = 0; s < n; s++) {
    let at = 0;
    b.patterns.forEach((p, l) => {
      if (l > 0) codes[at++] = 124;
      for (let j = 0; j < sizes[l]!; j++) { const x = p[s * sizes[l]! + j]!; codes[at++] = x < 10 ? 48 + x : 87 + x; }
    });
    const key = String.fromCharCode(...codes);
    seen.add(key);
    const i = intervalAt(r, T[s]!), iv = r.intervals![i]!;
    if (T[s]! - iv.t0 < 1e-9 * (t1 - t0) || iv.t1 - T[s]! < 1e-9 * (t1 - t0)) continue;
    expect(key).toBe(iv.pattern);
  }
  expect(r.count).toBeGreaterThanOrEqual(seen.size);
  return seen.size;
}

describe("lineRegions on hand-built networks", () => {
  // f(t) = relu(t − 0.2) + relu(0.5 − t) + 0·relu(2t + 1): breakpoints −0.5, 0.2, 0.5; knots only at 0.2 and 0.5.
  const net = mlp([1, 3, 1], [{ weight: f64([1, -1, 2]), bias: f64([-0.2, 0.5, 1]) }, { weight: f64([1, 1, 0]), bias: f64([0]) }]);

  it("finds every breakpoint, the knots and each piece's slope", () => {
    const r = lineRegions(net, { point: [0], direction: [1], range: [-1, 1] }, { verify: true });
    expect(r.count).toBe(4);
    expect(r.breakpoints.map((b) => b.t)).toEqual([-0.5, 0.2, 0.5].map((t) => expect.closeTo(t, 15)));
    expect(r.breakpoints.map((b) => b.knot)).toEqual([false, true, true]);
    expect(r.breakpoints[0]!.units).toEqual([{ layer: 1, name: "relu0", unit: 2, from: 0, to: 1 }]);
    expect(r.knots).toEqual([0.2, 0.5].map((t) => expect.closeTo(t, 15)));
    expect(r.pieces).toBe(3);
    expect(r.intervals!.map((iv) => iv.slope[0])).toEqual([-1, -1, 0, 1].map((s) => expect.closeTo(s, 15)));
    // f(0.3) = 0.1 + 0.2 = 0.3 on the flat piece.
    const flat = r.intervals![2]!;
    expect(flat.slope[0]! * 0.3 + flat.offset[0]!).toBeCloseTo(0.3, 15);
    expect(r.verification).toMatchObject({ checked: 4, mismatches: 0 });
  });

  it("parameterises a polyline by segment: segment i is t in [i, i+1]", () => {
    const r = lineRegions(net, { points: [[-1], [1], [0]] });
    expect(r.path.segments.map((s) => [s.t0, s.t1, s.length])).toEqual([[0, 1, 2], [1, 2, 1]]);
    // Segment 0 runs −1 → 1 (breakpoints at x = −0.5, 0.2, 0.5 → t = 0.25, 0.6, 0.75); segment 1 runs 1 → 0 (x = 0.5, 0.2 → t = 1.5, 1.8).
    expect(r.breakpoints.map((b) => b.t)).toEqual([0.25, 0.6, 0.75, 1.5, 1.8].map((t) => expect.closeTo(t, 14)));
    expect(r.count).toBe(4 + 3);
    expect(r.pieces).toBe(3 + 3);
    // On segment 1, x = 1 − (t − 1) = 2 − t: f = x − 0.2 for x > 0.5 → slope −1 in t, value 0.8 at t = 1.
    const last = r.intervals!.find((iv) => iv.segment === 1 && iv.t0 === 1)!;
    expect(last.slope[0]).toBeCloseTo(-1, 15);
    expect(last.slope[0]! * 1 + last.offset[0]!).toBeCloseTo(0.8, 14);
  });

  it("follows hard-tanh's two breakpoints, leaky ReLU, abs and max-pool arg-max switches", () => {
    const rng = createRng(5);
    const r = (n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal());
    const net2 = createNetwork([1, 4, 4], [
      { kind: "conv2d", inChannels: 1, outChannels: 2, kernel: [2, 2], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], weight: r(8), bias: r(2) },
      { kind: "activation", fn: "hardtanh", min: -0.3, max: 0.4 },
      { kind: "maxpool", kernel: [2, 2], stride: [1, 1], pads: [0, 0, 0, 0] },
      { kind: "activation", fn: "abs" },
      { kind: "flatten" },
      { kind: "dense", inSize: 8, outSize: 4, weight: r(32), bias: r(4) },
      { kind: "activation", fn: "leakyrelu", alpha: 0.2 },
      { kind: "dense", inSize: 4, outSize: 2, weight: r(8), bias: r(2) },
    ]);
    const p = r(16), dir = r(16);
    const res = lineRegions(net2, { point: p, direction: dir, range: [-2, 2] }, { verify: true });
    expect(res.verification!.mismatches).toBe(0);
    expect(res.verification!.maxOutputError).toBeLessThan(1e-12);
    const seenPieces = new Set(res.intervals!.map((iv) => iv.pattern!.split("|")[0]!).join("")).size;
    expect(seenPieces).toBe(3); // hard-tanh states 0, 1 and 2 all occur
    const argmaxes = new Set(res.intervals!.map((iv) => iv.pattern!.split("|")[1]).join(""));
    expect(argmaxes.size).toBeGreaterThan(1);
    checkAgainstSamples(net2, p, dir, -2, 2, res, 20000, 9);
  });
});

describe("lineRegions on random networks", () => {
  it("has at least as many regions as 10^5 random points show patterns, and each point's pattern is its interval's (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 2, max: 12 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }), fc.constantFrom("relu", "leakyrelu", "abs", "hardtanh" as const), fc.integer({ min: 0, max: 1e6 }),
        (d, hidden, m, act, seed) => {
          const net = randomMlp([d, ...hidden, m], { seed, activation: act, biasStd: 0.5 });
          const rng = createRng(seed + 3);
          const p = Float64Array.from({ length: d }, () => rng.normal()), dir = Float64Array.from({ length: d }, () => rng.normal());
          const r = lineRegions(net, { point: p, direction: dir, range: [-3, 3] }, { verify: true });
          expect(r.verification!.mismatches).toBe(0);
          expect(new Set(r.intervals!.map((iv) => iv.pattern)).size).toBe(r.count);
          const iv = r.intervals!;
          for (let i = 1; i < iv.length; i++) expect(iv[i]!.t0).toBe(iv[i - 1]!.t1);
          checkAgainstSamples(net, p, dir, -3, 3, r, 100_000, seed);
        },
      ),
      { numRuns: 4, seed: 3 },
    );
  });

  it("has about one knot per neuron at standard initialisation (Chen, Gamst & Walker), over 100 seeds", () => {
    // He-normal weights, small random biases; by positive homogeneity the knot count on the whole line
    // does not depend on the bias scale, and with biases ~0.01 every knot lies well inside [−100, 100].
    for (const widths of [[1, 32, 32, 32, 1], [1, 50, 50, 1]]) {
      const neurons = widths.slice(1, -1).reduce((a, b) => a + b, 0);
      let knots = 0;
      for (let seed = 0; seed < 100; seed++) {
        const net = randomMlp(widths, { seed, biasStd: 0.01 });
        const r = lineRegions(net, { point: [0], direction: [1], range: [-100, 100] }, { details: false });
        knots += r.knots.length;
        expect(r.pieces).toBe(r.knots.length + 1);
      }
      const perNeuron = knots / 100 / neurons;
      // Band: 1 ± 5% (measured 0.99 for both shapes).
      expect(perNeuron).toBeGreaterThan(0.95);
      expect(perNeuron).toBeLessThan(1.05);
    }
  });
});

describe("lineRegions errors and limits", () => {
  const net = randomMlp([2, 6, 1], { seed: 2, biasStd: 0.5 });
  it("rejects bad paths", () => {
    expectThrows(() => lineRegions(net, { points: [[0, 0]] }), "BAD_ARGUMENT");
    expectThrows(() => lineRegions(net, { points: [[0, 0], [0, 0]] }), "BAD_ARGUMENT");
    expectThrows(() => lineRegions(net, { points: [[0, 0, 0], [1, 0, 0]] }), "DOMAIN_MISMATCH");
    expectThrows(() => lineRegions(net, { point: [0, 0], direction: [1, 0], range: [1, -1] }), "BAD_ARGUMENT");
  });
  it("refuses non-piecewise-linear networks and stops at the region limit", () => {
    expectThrows(() => lineRegions(randomMlp([2, 4, 1], { seed: 1, activation: "tanh" }), { points: [[0, 0], [1, 1]] }), "NOT_PIECEWISE_LINEAR");
    const big = randomMlp([1, 40, 1], { seed: 4, biasStd: 1 });
    const e = expectThrows(() => lineRegions(big, { point: [0], direction: [1], range: [-100, 100] }, { maxRegions: 10 }), "LIMIT_EXCEEDED") as { partial: { regionsAtLeast: number } };
    expect(e.partial.regionsAtLeast).toBe(11);
  });
});
