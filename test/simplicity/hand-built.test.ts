// Hand-built networks whose dead and undead units, ranks and prunability are known in advance.
import { describe, expect, it } from "vitest";
import { mlp } from "../../src/core/network.js";
import type { Dataset } from "../../src/data/dataset.js";
import { effectiveRank, numericalRank, defaultRankTolerance, singularValues } from "../../src/core/linalg/svd.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { keepOrder, pruneNetwork, simplicity } from "../../src/lenses/simplicity/index.js";

// Hidden units on inputs in [0,1]²: u0 = x0 + x1 + 1 (on everywhere: undead, provably), u1 = −x0 − x1 − 1
// (off everywhere: dead, provably), u2 = x0 − 0.5 (switches), u3 = x0 + x1 − 1.9 (off on the samples,
// whose x0 + x1 ≤ 1.6, but on at the bounding box's corner (1, 1): observed dead, not certified).
const units = mlp([2, 4, 2], [
  { weight: Float64Array.of(1, 1, -1, -1, 1, 0, 1, 1), bias: Float64Array.of(1, -1, -0.5, -1.9) },
  { weight: Float64Array.of(1, -1, 1, 0, -1, 1, 0, 1), bias: Float64Array.of(0, 0) },
]);
const pts = [[0, 0], [1, 0], [0, 1], [0.8, 0.8], [0.25, 0.5], [0.75, 0.1], [0.6, 0.3], [0.1, 0.9]];
const unitData: Dataset = { name: "corners", n: pts.length, shape: [2], x: Float64Array.from(pts.flat()), labels: Int32Array.from(pts, (p) => (p[0]! > 0.5 ? 1 : 0)) };

describe("dead and undead units", () => {
  it("finds the dead, undead, certified and only-observed units with their margins", async () => {
    const r = await simplicity(units, unitData, { measures: "units", certify: "crown" });
    const l = r.units!.layers[0]!;
    expect(l.units).toBe(4);
    expect(l.deadUnits.map((d) => d.unit)).toEqual([1, 3]);
    expect(l.undeadUnits.map((d) => d.unit)).toEqual([0]);
    // u1's largest value is −1 (at (0,0)): margin 1; u3's is 1.6 − 1.9: margin 0.3; u0's smallest is 1.
    expect(l.deadUnits[0]!.margin).toBeCloseTo(1, 14);
    expect(l.deadUnits[1]!.margin).toBeCloseTo(0.3, 14);
    expect(l.undeadUnits[0]!.margin).toBeCloseTo(1, 14);
    expect(l.closestDead).toBeCloseTo(0.3, 14);
    expect(l.certified).toEqual({ dead: 1, undead: 1, onlyObservedDead: 1, onlyObservedUndead: 0, contradictions: 0 });
    expect(r.units!.certification!.box).toContain("bounding box");
    expect(l.activeFraction).toEqual([1, 0, 4 / 8, 0]);
  });

  it("representations: sparsity counts exact zeros, the rank and effective rank are those of the sample matrix", async () => {
    const r = await simplicity(units, unitData, { measures: "representations" });
    const rep = r.representations!.layers[0]!;
    // Zeros: u1 and u3 on all 8 samples, u2 on the 4 samples with x0 ≤ 0.5.
    expect(rep.sparsity).toBe((8 + 8 + 4) / 32);
    // Columns x0 + x1 + 1 and relu(x0 − 0.5) are independent, the other two are zero: rank 2.
    expect(rep.rank).toBe(2);
    expect(rep.constantUnits).toBe(2);
    expect(rep.effectiveRank).toBeGreaterThan(1);
    expect(rep.effectiveRank).toBeLessThan(2);
    const w = r.representations!.weights;
    expect(w.map((x) => [x.rows, x.cols, x.rank])).toEqual([[4, 2, 2], [2, 4, 2]]);
  });
});

describe("SVD, numerical rank and effective rank", () => {
  it("a rank-one outer product has one singular value ‖u‖·‖v‖ and effective rank 1", () => {
    const u = [1, 2, 3, 4, 5], v = [2, -1, 0.5];
    const a = Float64Array.from(u.flatMap((x) => v.map((y) => x * y)));
    const s = singularValues(a, 5, 3);
    expect(s[0]).toBeCloseTo(Math.hypot(...u) * Math.hypot(...v), 12);
    expect(numericalRank(s, defaultRankTolerance(s, 5, 3))).toBe(1);
    expect(effectiveRank(s)).toBeCloseTo(1, 10);
  });

  it("finds a dependent column that a Gram matrix's eigenvalues could not tell apart (σ below √ε·σ_max)", () => {
    const n = 200, m = 6, a = new Float64Array(n * m);
    for (let i = 0; i < n; i++) { for (let j = 0; j < 5; j++) a[i * m + j] = Math.sin(1 + i * (j + 1) * 0.37); a[i * m + 5] = a[i * m]! - 2 * a[i * m + 3]!; }
    const s = singularValues(a, n, m);
    expect(numericalRank(s, defaultRankTolerance(s, n, m))).toBe(5);
    expect(s[5]! / s[0]!).toBeLessThan(1e-13);
    expect(effectiveRank(Float64Array.of(3, 3, 3, 3))).toBeCloseTo(4, 12);
    expect(Array.from(singularValues(Float64Array.of(3, 0, 0, -4), 2, 2))).toEqual([4, 3]);
  });
});

// Logits z0 = 10·x0 + 0.001·x1, z1 = −10·x0 − 0.001·x1 on samples with x1 = 0: the two weights of
// magnitude 10 carry everything. Keeping k = round(4ρ) weights: k = 2 has exactly the full loss, k = 1
// (only z0's weight, by position among the tied 10s) a far larger one, so ρ* = 0.375 (round(1.5) = 2).
const linear = mlp([2, 2], [{ weight: Float64Array.of(10, 0.001, -10, -0.001), bias: Float64Array.of(0, 0) }]);
const xs = [1, 2, -1, -2, 0.5, -0.5];
const linData: Dataset = { name: "line", n: xs.length, shape: [2], x: Float64Array.from(xs.flatMap((x) => [x, 0])), labels: Int32Array.from(xs, (x) => (x > 0 ? 0 : 1)) };

describe("prunability", () => {
  it("ρ* is the smallest grid point keeping the two large weights, found by bisection", async () => {
    const r = await simplicity(linear, linData, { measures: "prunability", curvePoints: 11 });
    const p = r.prunability!;
    expect(p.weights).toBe(4);
    expect(p.rhoStar).toBe(0.375);
    expect(p.keptAtRhoStar).toBe(2);
    expect(p.steps).toBe(10);
    expect(p.accuracyFull).toBe(1);
    expect(p.curve.find((c) => c.rho === 0)!.loss).toBeCloseTo(Math.log(2), 14);
    expect(p.curve.find((c) => c.rho === 0.374)!.loss).toBeGreaterThan(p.threshold);
    expect(p.belowRhoStarPassing).toBe(0);
    expect(p.curve.map((c) => c.rho)).toEqual([...p.curve.map((c) => c.rho)].sort((a, b) => a - b));
  });

  it("ties are broken by position, and layer-wise pruning keeps the fraction in each layer", () => {
    const one = pruneNetwork(linear, keepOrder(linear, false), 0.25).network.layers[0] as { weight: Float64Array };
    expect(Array.from(one.weight)).toEqual([10, 0, 0, 0]);
    const two = mlp([2, 2, 2], [{ weight: Float64Array.of(1, 2, 3, 4), bias: new Float64Array(2) }, { weight: Float64Array.of(100, 200, 300, 400), bias: new Float64Array(2) }]);
    const g = pruneNetwork(two, keepOrder(two, false), 0.5);
    const lw = pruneNetwork(two, keepOrder(two, true), 0.5);
    expect(g.kept).toBe(4);
    expect(Array.from((g.network.layers[0] as { weight: Float64Array }).weight)).toEqual([0, 0, 0, 0]);
    expect(Array.from((lw.network.layers[0] as { weight: Float64Array }).weight)).toEqual([0, 0, 3, 4]);
    expect(Array.from((lw.network.layers[2] as { weight: Float64Array }).weight)).toEqual([0, 0, 300, 400]);
  });

  it("regression data get MSE; data without labels or targets, an unknown measure or a bad grid are refused", async () => {
    const reg: Dataset = { name: "reg", n: 3, shape: [2], x: Float64Array.of(1, 0, 2, 0, 3, 0), y: Float64Array.of(10, -10, 20, -20, 30, -30), targetSize: 2 };
    const r = await simplicity(linear, reg, { measures: "prunability", curvePoints: 0 });
    expect(r.prunability!.loss).toBe("mse");
    // Targets are exactly 10·x0 and −10·x0: loss 0 with the two large weights, as with all four.
    expect(r.prunability!.lossFull).toBe(0);
    expect(r.prunability!.rhoStar).toBe(0.375);
    const bare: Dataset = { name: "bare", n: 3, shape: [2], x: new Float64Array(6) };
    await expect(simplicity(linear, bare, { measures: "prunability" })).rejects.toSatisfy((e: unknown) => isNetsizeError(e, "BAD_DATA"));
    await expect(simplicity(linear, linData, { measures: "sizes" })).rejects.toSatisfy((e: unknown) => isNetsizeError(e, "BAD_ARGUMENT"));
    await expect(simplicity(linear, linData, { measures: "prunability", grid: 0.3 })).rejects.toSatisfy((e: unknown) => isNetsizeError(e, "BAD_ARGUMENT"));
  });
});
