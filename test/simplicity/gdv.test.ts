// The GDV reproduces the FAU group's TestGDV numbers: two 2-D Gaussians, means (0,0) and (1,1),
// 1000 points each, np.random.seed(978820) before each np.random.multivariate_normal draw. The draws
// are numpy's own (its legacy MT19937 generator reimplemented bit for bit), so the values are the
// reference's exactly, not a sample estimate of them.
import { describe, expect, it } from "vitest";
import { firstPerClass, gdv } from "../../src/lenses/simplicity/gdv.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { numpyRandomState } from "./numpy-random.js";

/** np.random.seed(978820); np.random.multivariate_normal(mean, v·I, 1000): for a diagonal covariance numpy's SVD gives V = I, so x = z·√v + mean. */
function fauGaussian(mean: [number, number], variance: number): Float64Array {
  const z = numpyRandomState(978820).standardNormal(2000);
  const sd = Math.sqrt(variance);
  return Float64Array.from(z, (v, i) => v * sd + mean[i % 2]!);
}

function twoGaussians(variance: number): { X: Float64Array; labels: Int32Array } {
  const a = fauGaussian([0, 0], variance), b = fauGaussian([1, 1], variance);
  const X = new Float64Array(4000);
  X.set(a); X.set(b, 2000);
  return { X, labels: Int32Array.from({ length: 2000 }, (_, i) => (i < 1000 ? 0 : 1)) };
}

describe("GDV", () => {
  it("draws numpy's own normals (np.random.seed(978820); standard_normal(4))", () => {
    expect(Array.from(numpyRandomState(978820).standardNormal(4))).toEqual([0.6201970848340247, -0.4095932324758564, -1.1197026655805247, -1.6452330647171907]);
  });

  it("gives the FAU test's −0.7225 (σ² = 0.04) and −0.1384 (σ² = 1)", () => {
    const narrow = twoGaussians(0.04), wide = twoGaussians(1);
    expect(gdv(narrow.X, 2000, narrow.labels, 2).gdv.toFixed(4)).toBe("-0.7225");
    expect(gdv(wide.X, 2000, wide.labels, 2).gdv.toFixed(4)).toBe("-0.1384");
  });

  it("is invariant to translation, positive scaling of a dimension and permutation of dimensions; constant dimensions count in D", () => {
    const { X, labels } = twoGaussians(0.25);
    const base = gdv(X, 2000, labels, 2).gdv;
    const moved = Float64Array.from(X, (v, i) => (i % 2 === 0 ? 7 * v + 3 : v - 5));
    expect(gdv(moved, 2000, labels, 2).gdv).toBeCloseTo(base, 12);
    const swapped = Float64Array.from(X, (_, i) => X[i % 2 === 0 ? i + 1 : i - 1]!);
    expect(gdv(swapped, 2000, labels, 2).gdv).toBeCloseTo(base, 12);
    const padded = new Float64Array(2000 * 4);
    for (let i = 0; i < 2000; i++) { padded[4 * i] = X[2 * i]!; padded[4 * i + 1] = 1.5; padded[4 * i + 2] = X[2 * i + 1]!; padded[4 * i + 3] = 0; }
    const g = gdv(padded, 2000, labels, 4);
    expect(g.constantDims).toBe(2);
    expect(g.gdv).toBeCloseTo((base * Math.sqrt(2)) / 2, 12);
  });

  it("hand-computable: two classes of two points on a line", () => {
    // x = 0, 1 (class 0) and 10, 11 (class 1): μ = 5.5, σ = √25.25 (population), s = (x − 5.5)/(2σ).
    const g = gdv(Float64Array.of(0, 1, 10, 11), 4, [0, 0, 1, 1], 1);
    const u = 2 * Math.sqrt(25.25);
    expect(g.intra).toBeCloseTo(1 / u, 14);
    expect(g.inter).toBeCloseTo((10 + 11 + 9 + 10) / 4 / u, 14);
    expect(g.gdv).toBeCloseTo(-9 / u, 14);
  });

  it("needs two classes of at least two points", () => {
    expect(() => gdv(Float64Array.of(0, 1, 2), 3, [0, 0, 0], 1)).toThrowError(expect.objectContaining({ code: "BAD_ARGUMENT" }) as Error);
    try { gdv(Float64Array.of(0, 1, 2), 3, [0, 0, 1], 1); expect.unreachable(); } catch (e) { expect(isNetsizeError(e, "BAD_ARGUMENT")).toBe(true); }
  });

  it("takes the first points of each class in data order", () => {
    expect(firstPerClass([2, 0, 2, 2, 1, 0, 0], 2)).toEqual([0, 1, 2, 4, 5]);
  });
});
