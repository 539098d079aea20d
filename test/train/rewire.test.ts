import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createRng } from "../../src/core/random.js";
import { paRewire, stabilizeStrength } from "../../src/train/rewire.js";
import { strengthScore, strengths, variance } from "../../src/core/weights/strength.js";
import { edgeMagnitudes, hypercoreNumbers, hypercoreScales, scaleInputs } from "../../src/core/weights/hypercore.js";

function heMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const std = Math.sqrt(2 / cols);
  return Float64Array.from({ length: rows * cols }, () => rng.normal() * std);
}

const sorted = (a: Float64Array): Float64Array => Float64Array.from(a).sort();

describe("preferential-attachment rewiring (Scabini et al.)", () => {
  it("keeps the multiset of a 256×512 He matrix and cuts both strength variances at least 10×", () => {
    const w = heMatrix(256, 512, 123);
    const before = strengths(w, 256, 512);
    const vin0 = variance(before.input), vout0 = variance(before.output);
    // analytic expectations: var(out-strength) = 2, var(in-strength) = 2·256/512
    expect(vout0).toBeGreaterThan(1.5);
    expect(vin0).toBeGreaterThan(0.7);
    const orig = sorted(w);
    paRewire(w, 256, 512, createRng(7));
    expect(sorted(w)).toEqual(orig);
    const after = strengths(w, 256, 512);
    expect(variance(after.input)).toBeLessThan(vin0 / 10);
    expect(variance(after.output)).toBeLessThan(vout0 / 10);
  });

  it("is a permutation of the weights for any shape (property)", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.nat(1000), (r, c, seed) => {
      const w = heMatrix(r, c, seed);
      const orig = sorted(w);
      paRewire(w, r, c, createRng(seed + 1));
      return sorted(w).every((v, i) => v === orig[i]);
    }), { numRuns: 100 });
  });

  it("stabilize keeps the draw with the lowest strength score", () => {
    const rng = createRng(11);
    const scores: number[] = [];
    const best = stabilizeStrength(() => { const w = heMatrix(20, 30, rng.int(1e9)); scores.push(strengthScore(w, 20, 30)); return w; }, 20, 30, 8);
    expect(scores).toHaveLength(8);
    expect(strengthScore(best, 20, 30)).toBe(Math.min(...scores));
  });
});

describe("k-hypercore numbers (reconstruction after Limnios et al.)", () => {
  it("with λ = 0 they are the running max of the sorted input degrees", () => {
    // 2 hyperedges (rows) over 4 inputs; degrees of inputs: 3, 1, 4, 2
    const a = Float64Array.from([1, 0.5, 2, 1, 2, 0.5, 2, 1]);
    expect([...hypercoreNumbers(a, 2, 4, { lambda: 0 })]).toEqual([3, 1, 4, 2]);
  });

  it("dropping weak hyperedges lowers the cores of the inputs they held", () => {
    // row 0 is strong on inputs 0,1; row 1 weak, only on input 2; mean row degree = (10 + 1)/2
    const a = Float64Array.from([5, 5, 0, 0, 0, 1]);
    const c = hypercoreNumbers(a, 2, 3, { lambda: 0.5 });
    // row 1 (degree 1 < 2.75) is dropped first, so input 2 has degree 0 and core 0
    expect(c[2]).toBe(0);
    expect(c[0]).toBe(5);
    expect(c[1]).toBe(5);
  });

  it("scales have root mean square 1 and keep the order of the cores", () => {
    const s = hypercoreScales(Float64Array.from([1, 2, 4, 0]));
    expect(Math.sqrt(s.reduce((x, v) => x + v * v, 0) / s.length)).toBeCloseTo(1, 12);
    expect(s[2]! > s[1]! && s[1]! > s[0]! && s[3] === 0).toBe(true);
  });

  it("conv edges are kernel-slice norms and scaling hits whole slices", () => {
    // 1 output channel, 2 input channels, 2 kernel cells
    const w = Float64Array.from([3, 4, 0, 1]);
    expect([...edgeMagnitudes(w, 1, 2, 2)]).toEqual([5, 1]);
    expect([...scaleInputs(Float64Array.from(w), 1, 2, 2, Float64Array.from([2, 10]))]).toEqual([6, 8, 0, 10]);
  });
});
