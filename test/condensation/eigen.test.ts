// The Jacobi eigensolver against known spectra.
import { describe, expect, it } from "vitest";
import { symmetricEigen } from "../../src/core/eigen.js";
import { createRng } from "../../src/core/random.js";
import { isNetsizeError } from "../../src/core/errors.js";

/** Q diag(λ) Qᵀ with Q a product of Householder reflections from a seeded generator. */
function withSpectrum(lambda: number[], seed: number): Float64Array {
  const n = lambda.length, rng = createRng(seed);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let r = 0; r < 3; r++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    const vv = v.reduce((s, x) => s + x * x, 0);
    // Q ← Q (I − 2vvᵀ/vᵀv)
    for (let i = 0; i < n; i++) {
      let qv = 0;
      for (let j = 0; j < n; j++) qv += Q[i * n + j]! * v[j]!;
      for (let j = 0; j < n; j++) Q[i * n + j] -= (2 * qv * v[j]!) / vv;
    }
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += Q[i * n + k]! * lambda[k]! * Q[j * n + k]!;
    A[i * n + j] = s;
  }
  return A;
}

describe("symmetricEigen (Jacobi)", () => {
  it("2×2 [[2,1],[1,2]] has eigenvalues 3 and 1 with eigenvectors (1,1)/√2 and (−1,1)/√2 up to sign", () => {
    const e = symmetricEigen([2, 1, 1, 2], 2);
    expect(e.values[0]).toBeCloseTo(3, 14);
    expect(e.values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(e.vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(e.vectors[0]! * e.vectors[1]!).toBeGreaterThan(0);
    expect(e.vectors[2]! * e.vectors[3]!).toBeLessThan(0);
  });

  it("the all-ones n×n matrix has eigenvalues n, 0, …, 0", () => {
    const n = 7;
    const e = symmetricEigen(new Float64Array(n * n).fill(1), n);
    expect(e.values[0]).toBeCloseTo(n, 12);
    for (let k = 1; k < n; k++) expect(Math.abs(e.values[k]!)).toBeLessThan(1e-12);
    for (let i = 0; i < n; i++) expect(e.vectors[i]).toBeCloseTo(1 / Math.sqrt(n), 12);
  });

  it("recovers a planted spectrum (with a repeated and a negative eigenvalue) to 1e-12, and A v = λ v", () => {
    const lambda = [5, 3, 3, 1.5, 0.25, 0, -2, -4.5, 7, 0.001];
    const n = lambda.length;
    const A = withSpectrum(lambda, 11);
    const e = symmetricEigen(A, n);
    const sorted = [...lambda].sort((a, b) => b - a);
    sorted.forEach((l, k) => expect(Math.abs(e.values[k]! - l)).toBeLessThan(1e-12));
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += A[i * n + j]! * e.vectors[k * n + j]!;
        expect(Math.abs(av - e.values[k]! * e.vectors[k * n + i]!)).toBeLessThan(1e-11);
      }
    }
    expect(e.sweeps).toBeLessThan(15);
  });

  it("refuses a non-finite entry and a wrong size", () => {
    expect(() => symmetricEigen([1, NaN, NaN, 1], 2)).toThrow(/finite/);
    try { symmetricEigen([1, 2, 3], 2); } catch (e) { expect(isNetsizeError(e, "SHAPE_MISMATCH")).toBe(true); }
  });
});
