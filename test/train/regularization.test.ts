import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { initBackend, tf } from "../../src/train/backend.js";
import { parseArch } from "../../src/train/arch.js";
import { createModel, disposeModel, readParams } from "../../src/train/model.js";
import { createOptimizer, restoreOptimizerState, saveOptimizerState } from "../../src/train/optimizers.js";
import { LoopConfig, disposeData, initialLoopState, tensorData, trainLoop } from "../../src/train/loop.js";
import { TRAIN_DEFAULTS } from "../../src/train/config.js";
import { foldNorm } from "../../src/train/normalization.js";

beforeAll(async () => { await initBackend("wasm"); });

const W0 = [0.5, -0.25, 1, -2, 0.125, 0.75];

/**
 * One step on a single-layer net fed zeros: the data loss has no gradient w.r.t. W (dW = xᵀ·dy = 0),
 * so W moves only by the regulariser — which isolates L1, L2 and decoupled decay.
 */
async function oneStep(over: Partial<LoopConfig>): Promise<number[]> {
  const arch = parseArch("3-2", { activation: "relu" });
  const model = createModel(arch, { affine: [{ weight: Float64Array.from(W0), bias: new Float64Array(2) }], norm: [] });
  const data = tensorData(new Float64Array(3), 1, 3, { y: [1, -1], size: 2 });
  const cfg: LoopConfig = { ...TRAIN_DEFAULTS, optimizer: "sgd", momentum: 0, lr: 0.1, batch: 1, seed: 0, loss: "mse", ...over };
  const opt = createOptimizer(cfg);
  await trainLoop(model, opt, data, undefined, cfg, 1, initialLoopState());
  const w = [...readParams(model).affine[0]!.weight];
  opt.dispose(); disposeModel(model); disposeData(data);
  return w;
}

describe("regularisation: L1, L2 penalty, decoupled weight decay", () => {
  it("L1 moves every weight by lr·l1·sign(w)", async () => {
    const w = await oneStep({ l1: 0.5 });
    w.forEach((v, i) => expect(v).toBeCloseTo(W0[i]! - 0.1 * 0.5 * Math.sign(W0[i]!), 6));
  });

  it("with plain SGD an L2 penalty and decoupled decay give the same step w·(1 − lr·λ)", async () => {
    const a = await oneStep({ l2: 0.5 }), b = await oneStep({ weightDecay: 0.5 });
    a.forEach((v, i) => expect(v).toBeCloseTo(W0[i]! * (1 - 0.05), 6));
    b.forEach((v, i) => expect(v).toBeCloseTo(W0[i]! * (1 - 0.05), 6));
  });

  it("with Adam they differ: the L2 gradient is normalised (step ≈ lr·sign(w)), AdamW's decay is not", async () => {
    const adamL2 = await oneStep({ optimizer: "adam", lr: 0.01, l2: 0.5 });
    const adamW = await oneStep({ optimizer: "adamw", lr: 0.01, weightDecay: 0.5 });
    adamL2.forEach((v, i) => expect(v).toBeCloseTo(W0[i]! - 0.01 * Math.sign(W0[i]!), 5));
    adamW.forEach((v, i) => expect(v).toBeCloseTo(W0[i]! * (1 - 0.005), 6));
  });

  it("optimiser state round-trips (Adam moments and step count)", async () => {
    const v = tf.variable(tf.tensor1d([1, -1, 2]));
    const cfg = { ...TRAIN_DEFAULTS, optimizer: "adam" as const };
    const a = createOptimizer(cfg);
    for (let i = 0; i < 3; i++) a.applyGradients([{ name: v.name, tensor: tf.tensor1d([0.1 * i, 0.2, -0.3]) }]);
    const s = await saveOptimizerState(a);
    expect(s.iterations).toBe(3);
    expect(s.slots).toHaveLength(2);
    const b = createOptimizer(cfg);
    await restoreOptimizerState(b, s);
    const w = tf.variable(tf.tensor1d([...v.dataSync()]));
    a.applyGradients([{ name: v.name, tensor: tf.tensor1d([0.5, 0.5, 0.5]) }]);
    b.applyGradients([{ name: w.name, tensor: tf.tensor1d([0.5, 0.5, 0.5]) }]);
    expect([...w.dataSync()]).toEqual([...v.dataSync()]);
  });

  it("batch-norm folding is exact for any affine layer and statistics (property)", () => {
    const small = fc.double({ min: -3, max: 3, noNaN: true });
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.array(small, { minLength: 40, maxLength: 40 }),
      fc.array(fc.double({ min: 0.05, max: 4, noNaN: true }), { minLength: 4, maxLength: 4 }),
      (rows, cols, r, scales) => {
        const weight = Float64Array.from(r.slice(0, rows * cols)), bias = Float64Array.from(r.slice(16, 16 + rows));
        const norm = { gamma: Float64Array.from(r.slice(20, 20 + rows)), beta: Float64Array.from(r.slice(24, 24 + rows)), mean: Float64Array.from(r.slice(28, 28 + rows)), scale: Float64Array.from(scales.slice(0, rows)) };
        const f = foldNorm({ weight, bias }, norm);
        const x = r.slice(32, 32 + cols);
        for (let o = 0; o < rows; o++) {
          const z = bias[o]! + x.reduce((s, xi, i) => s + xi * weight[o * cols + i]!, 0);
          const y = (norm.gamma[o]! * (z - norm.mean[o]!)) / norm.scale[o]! + norm.beta[o]!;
          const yf = f.bias[o]! + x.reduce((s, xi, i) => s + xi * f.weight[o * cols + i]!, 0);
          if (Math.abs(y - yf) > 1e-9 * (1 + Math.abs(y))) return false;
        }
        return true;
      },
    ), { numRuns: 200 });
  });
});
