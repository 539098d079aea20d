import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../../src/train/backend.js";
import { L1_NORM_CONSTANT, NORM_EPSILON, batchNorm, foldNorm, linfConstant } from "../../src/train/normalization.js";
import { createRng } from "../../src/core/random.js";

beforeAll(async () => { await initBackend("wasm"); });

function vars(c: number): { gamma: tf.Variable; beta: tf.Variable; mean: tf.Variable; scale: tf.Variable } {
  return { gamma: tf.variable(tf.ones([c])), beta: tf.variable(tf.zeros([c])), mean: tf.variable(tf.zeros([c]), false), scale: tf.variable(tf.ones([c]), false) };
}

describe("batch norm with L2, L1 and L∞ statistics (Hoffer et al.)", () => {
  it("has the constants of the notes: √(π/2) and C(n)", () => {
    expect(L1_NORM_CONSTANT).toBeCloseTo(1.253314, 6);
    expect(linfConstant(256)).toBeCloseTo(0.4635, 4);
    expect(linfConstant(1000)).toBeCloseTo(0.4153, 4);
    expect(linfConstant(32768)).toBeCloseTo(0.3385, 4);
    expect(linfConstant(131072)).toBeCloseTo(0.3179, 4);
  });

  it("normalises each channel by its statistic in training mode and updates the running ones", () => {
    const rng = createRng(2);
    const n = 1000, c = 3;
    const data = Float32Array.from({ length: n * c }, (_, i) => 2 + (i % c) + (1 + (i % c)) * rng.normal());
    const x = tf.tensor2d(data, [n, c]);
    for (const kind of ["l2", "l1", "linf"] as const) {
      const v = vars(c);
      const y = batchNorm(x, kind, v, true);
      const ya = y.arraySync() as number[][];
      const xa = x.arraySync() as number[][];
      for (let j = 0; j < c; j++) {
        const col = xa.map((r) => r[j]!), out = ya.map((r) => r[j]!);
        const mu = col.reduce((a, b) => a + b, 0) / n;
        const dev = col.map((v2) => v2 - mu);
        const s = kind === "l2" ? Math.sqrt(dev.reduce((a, b) => a + b * b, 0) / n + NORM_EPSILON)
          : kind === "l1" ? L1_NORM_CONSTANT * dev.reduce((a, b) => a + Math.abs(b), 0) / n + NORM_EPSILON
          : linfConstant(n) * Math.max(...dev.map(Math.abs)) + NORM_EPSILON;
        for (let i = 0; i < n; i += 97) expect(out[i]!).toBeCloseTo(dev[i]! / s, 4);
        expect(v.mean.dataSync()[j]!).toBeCloseTo(0.1 * mu, 4);
        expect(v.scale.dataSync()[j]!).toBeCloseTo(0.9 + 0.1 * s, 4);
      }
      if (kind === "l2") {
        // unit variance per channel
        const std = tf.moments(y, 0).variance.dataSync();
        for (const s2 of std) expect(s2).toBeCloseTo(1, 3);
      }
      if (kind === "linf") {
        // the L∞ constant is not an unbiased σ estimate: Gaussian inputs come out with std ≈ 1/1.44
        const std = Math.sqrt(tf.moments(y, 0).variance.dataSync()[0]!);
        expect(std).toBeGreaterThan(0.6);
        expect(std).toBeLessThan(0.8);
      }
    }
  });

  it("folds inference-mode batch norm into the affine layer before it", () => {
    const affine = { weight: Float64Array.from([1, 2, 3, 4, 5, 6]), bias: Float64Array.from([0.5, -1]) };
    const norm = { gamma: Float64Array.from([2, 0.5]), beta: Float64Array.from([1, -1]), mean: Float64Array.from([0.1, 0.2]), scale: Float64Array.from([4, 0.25]) };
    const f = foldNorm(affine, norm);
    const x = [0.3, -0.7, 1.1];
    for (let r = 0; r < 2; r++) {
      const z = affine.bias[r]! + x.reduce((a, xi, i) => a + xi * affine.weight[r * 3 + i]!, 0);
      const y = (norm.gamma[r]! * (z - norm.mean[r]!)) / norm.scale[r]! + norm.beta[r]!;
      const folded = f.bias[r]! + x.reduce((a, xi, i) => a + xi * f.weight[r * 3 + i]!, 0);
      expect(folded).toBeCloseTo(y, 12);
    }
  });
});
