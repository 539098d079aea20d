import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { binomial, zaslavsky, serraUpperBound, montufar17UpperBound, montufar14LowerBound, lineMaximum, regionBounds, parseArchitecture } from "../../src/lenses/regions/bounds.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { architectureOf } from "../../src/lenses/regions/bounds.js";
import { randomMlp } from "../../src/core/build.js";
import { createNetwork } from "../../src/core/network.js";

/** Serra's sum by brute-force enumeration of J (independent of the DP). */
function serraBrute(w: number[]): bigint {
  const L = w.length - 1;
  let total = 0n;
  const rec = (l: number, cap: number, prod: bigint): void => {
    if (l > L) { total += prod; return; }
    for (let j = 0; j <= Math.min(cap, w[l]!); j++) rec(l + 1, Math.min(cap, w[l]! - j), prod * binomial(w[l]!, j));
  };
  rec(1, w[0]!, 1n);
  return total;
}

describe("region bounds: known values", () => {
  it("1-3-4-5: Serra upper bound 120 = 1-D maximum", () => {
    expect(serraUpperBound([1, 3, 4, 5])).toBe(120n);
    expect(lineMaximum([1, 3, 4, 5])).toBe(120n);
  });

  it("2-32-32-32: Serra = Montúfar17 = 148,035,889; Montúfar14 lower = 34,668,544", () => {
    expect(serraUpperBound([2, 32, 32, 32])).toBe(148_035_889n);
    expect(montufar17UpperBound([2, 32, 32, 32])).toBe(148_035_889n);
    expect(montufar14LowerBound([2, 32, 32, 32])).toBe(34_668_544n);
  });

  it("784-n1-n2 with 22 units: the narrow-first bottleneck table", () => {
    const table: [number, number, bigint, bigint][] = [
      [1, 21, 23n, 44n], [4, 18, 9109n, 64768n], [8, 14, 600370n, 3305216n],
      [11, 11, 2449868n, 4194304n], [14, 8, 3913704n, 4194304n], [21, 1, 4194303n, 4194304n],
    ];
    for (const [a, b, serra, m17] of table) {
      expect(serraUpperBound([784, a, b])).toBe(serra);
      expect(montufar17UpperBound([784, a, b])).toBe(m17);
    }
  });

  it("shallow reference and line maximum: T=96 in 2-D gives 4657; 1-D 3×32 gives 35,937", () => {
    expect(zaslavsky(96, 2)).toBe(4657n);
    expect(regionBounds([2, 32, 32, 32]).bounds.shallowSameUnits).toBe("4657");
    expect(lineMaximum([1, 32, 32, 32])).toBe(35_937n);
  });

  it("binomials and Zaslavsky's count match small cases", () => {
    expect(binomial(10, 3)).toBe(120n);
    expect(binomial(100, 50)).toBe(100891344545564193334812497256n);
    expect(binomial(5, 7)).toBe(0n);
    expect(zaslavsky(3, 5)).toBe(8n); // n <= d: every sign pattern
    expect(zaslavsky(4, 2)).toBe(11n);
  });
});

describe("region bounds: invariants", () => {
  const widthsArb = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 5 });
  it("Serra's DP equals brute-force enumeration of J, and lower bound <= Serra <= Montúfar17 <= 2^T", () => {
    fc.assert(fc.property(widthsArb, (w) => {
      const s = serraUpperBound(w);
      expect(s).toBe(serraBrute(w));
      expect(s <= montufar17UpperBound(w)).toBe(true);
      const T = w.slice(1).reduce((a, b) => a + b, 0);
      expect(s <= 1n << BigInt(T)).toBe(true);
      const lo = montufar14LowerBound(w);
      if (lo !== undefined) expect(lo <= s).toBe(true);
      else expect(w.slice(1).some((n) => n < w[0]!)).toBe(true);
    }), { numRuns: 200 });
  });

  it("one hidden layer: every bound is Zaslavsky's exact count; n0 = 1: Serra is the line maximum", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), (n0, n1) => {
      const z = zaslavsky(n1, n0);
      expect(serraUpperBound([n0, n1])).toBe(z);
      expect(montufar17UpperBound([n0, n1])).toBe(z);
      if (n1 >= n0) expect(montufar14LowerBound([n0, n1])).toBe(z);
    }));
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), (h) => {
      const product = h.reduce((p, n) => p * BigInt(n + 1), 1n);
      expect(lineMaximum([1, ...h])).toBe(serraUpperBound([1, ...h]));
      if (h.slice(0, -1).every((n) => n >= 2)) expect(lineMaximum([7, ...h])).toBe(product);
      else expect(lineMaximum([1, ...h]) < product).toBe(true);
    }));
    expect(lineMaximum([1, 1, 1])).toBe(3n); // relu(x) is constant on one side: the second unit cuts only the other
  });
});

describe("regionBounds result and architecture strings", () => {
  it("784-100-100-10 drops the output layer and reports every bound as a decimal string", () => {
    const { widths, outputWidth } = parseArchitecture("784-100-100-10");
    expect(widths).toEqual([784, 100, 100]);
    expect(outputWidth).toBe(10);
    const r = regionBounds(widths, { outputWidth, measured: 1000 });
    expect(r.schema).toBe("netsize.bounds/1");
    expect(r.hiddenUnits).toBe(200);
    expect(r.bounds.trivialUpper).toBe((1n << 200n).toString());
    expect(r.bounds.montufar14Lower).toBeUndefined(); // 100 < 784: the construction does not apply
    // n0 >= every width: each layer can realise all its sign patterns, but the second is capped by the first.
    expect(BigInt(r.bounds.serraUpper)).toBe(serraBrute([784, 100, 100]));
    expect(r.measured!.ofSerraUpper).toBeCloseTo(1000 / Number(BigInt(r.bounds.serraUpper)), 12);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("--no-output reading and bad strings", () => {
    expect(parseArchitecture("2x32x32", false)).toEqual({ widths: [2, 32, 32] });
    for (const bad of ["784-100", "784--a", "3-0-2"]) {
      try { parseArchitecture(bad); expect.unreachable(); } catch (e) { expect(isNetsizeError(e, "BAD_ARGUMENT")).toBe(true); }
    }
  });
});

describe("bounds of a model file", () => {
  it("reads input, hidden and output widths of an MLP and refuses convolutional nets", () => {
    expect(architectureOf(randomMlp([3, 4, 5, 2], { seed: 1 }))).toEqual({ widths: [3, 4, 5], outputWidth: 2 });
    const conv = createNetwork([1, 2, 2], [
      { kind: "conv2d", inChannels: 1, outChannels: 2, kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], weight: new Float64Array(2), bias: new Float64Array(2) },
      { kind: "activation", fn: "relu" },
    ]);
    try { architectureOf(conv); expect.unreachable(); } catch (e) {
      expect(isNetsizeError(e, "BAD_ARGUMENT")).toBe(true);
      expect((e as Error).message).toMatch(/is fed by a conv2d layer/);
    }
  });
});
