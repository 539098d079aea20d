// The prediction models: ridge and logistic regression recover planted relations; k folds partition the runs.
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/random.js";
import { crossValidate, fitLogistic, fitRidge, kFolds, solveSpd, spearman } from "../../src/lenses/graph/index.js";

describe("prediction models", () => {
  it("Cholesky solves an SPD system", () => {
    const x = solveSpd(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 5), 2);
    expect(x[0]).toBeCloseTo(-0.5, 14); expect(x[1]).toBeCloseTo(2, 14);
  });

  it("ridge with a tiny penalty recovers y = 3 + 2a − b exactly; logistic separates its sign", () => {
    const rng = createRng(1);
    const X = Array.from({ length: 40 }, () => [rng.normal(), rng.normal()]);
    const y = X.map(([a, b]) => 3 + 2 * a! - b!);
    const f = fitRidge(X, y, 1e-9);
    expect(f([1, 1])).toBeCloseTo(4, 6);
    const p = fitLogistic(X, y.map((v) => (v > 3 ? 1 : 0)), 1e-3);
    expect(X.filter((x, i) => (p(x) > 0.5) === (y[i]! > 3)).length).toBe(40);
  });

  it("k folds partition 0…n−1; CV scores: a planted feature predicts, noise does not", () => {
    const folds = kFolds(23, 5, 3);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(folds.map((f) => f.length).sort()).toEqual([4, 4, 4, 5, 5, 5].slice(1));
    const rng = createRng(2);
    const sig = Array.from({ length: 60 }, () => rng.normal());
    const y = sig.map((s) => s + 0.1 * rng.normal());
    const good = crossValidate(sig.map((s) => [s]), y), noise = crossValidate(sig.map(() => [rng.normal()]), y);
    expect(good.r2).toBeGreaterThan(0.95);
    expect(good.accuracy).toBeGreaterThan(0.85);
    expect(noise.r2).toBeLessThan(0.1);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
  });
});
