import { beforeAll, describe, expect, it } from "vitest";
import { initBackend, tf } from "../../src/train/backend.js";
import { parseArch } from "../../src/train/arch.js";
import { initParams } from "../../src/train/init/index.js";
import { createModel, disposeModel, predict, readParams } from "../../src/train/model.js";
import { exportNetwork } from "../../src/train/export.js";
import { createOptimizer } from "../../src/train/optimizers.js";
import { initialLoopState, tensorData, trainLoop } from "../../src/train/loop.js";
import { TRAIN_DEFAULTS } from "../../src/train/config.js";
import { forward } from "../../src/core/engine/reference.js";
import { createRng } from "../../src/core/random.js";
import { sizeOf } from "../../src/core/network.js";

beforeAll(async () => { await initBackend("wasm"); });

/**
 * Train briefly (so batch-norm running statistics and weights move), then compare the tfjs model's
 * inference-mode predictions with the float64 reference forward pass of the exported network.
 */
async function fidelity(spec: string, activation: "relu" | "tanh" | "gelu" | "x2tanh", norm: "none" | "l2" | "l1" | "linf", dropout = 0): Promise<{ maxErr: number; layers: string[] }> {
  const arch = parseArch(spec, { activation, norm, dropout });
  const d = sizeOf(arch.inputShape);
  const rng = createRng(4);
  const n = 48, k = sizeOf(arch.nodes[arch.nodes.length - 1]!.shape);
  const x = Float64Array.from({ length: n * d }, () => rng.normal());
  const labels = Int32Array.from({ length: n }, () => rng.int(k));
  const data = tensorData(x, n, d, { labels, classes: k });
  const model = createModel(arch, initParams(arch, { scheme: "he-normal", biasStd: 0.1 }, rng));
  const cfg = { ...TRAIN_DEFAULTS, lr: 0.01, seed: 1, batch: 16, loss: "ce" as const };
  const opt = createOptimizer(cfg);
  await trainLoop(model, opt, data, undefined, cfg, 3, initialLoopState());
  const pred = predict(model, data.x).dataSync();
  const net = exportNetwork(arch, readParams(model));
  let maxErr = 0;
  for (let s = 0; s < n; s++) {
    const y = forward(net, x.subarray(s * d, (s + 1) * d));
    for (let j = 0; j < k; j++) maxErr = Math.max(maxErr, Math.abs(y[j]! - pred[s * k + j]!));
  }
  opt.dispose(); disposeModel(model); tf.dispose([data.x, data.y, data.labels!]);
  return { maxErr, layers: net.layers.map((l) => l.kind) };
}

describe("a snapshot's exported network gives the trained model's outputs (to 1e-5)", () => {
  it("MLP with L2 batch norm (folded) and dropout (dropped)", async () => {
    const r = await fidelity("6-20-20-4", "relu", "l2", 0.2);
    expect(r.maxErr).toBeLessThan(1e-5);
    expect(r.layers).toEqual(["dense", "activation", "dense", "activation", "dense"]);
  });

  it("small CNN with L1 batch norm, max and average pooling", async () => {
    const r = await fidelity("cnn:2x8x8-c4k3p1-mp2-c3k3s2p1-ap2-10-3", "relu", "l1");
    expect(r.maxErr).toBeLessThan(1e-5);
    expect(r.layers).toEqual(["conv2d", "activation", "maxpool", "conv2d", "activation", "avgpool", "flatten", "dense", "activation", "dense"]);
  });

  it("residual MLP with L∞ batch norm and GELU; one-neuron bottleneck ResNet", async () => {
    const r = await fidelity("res:5-8x3-3", "gelu", "linf");
    expect(r.maxErr).toBeLessThan(1e-5);
    expect(r.layers.filter((l) => l === "add")).toHaveLength(3);
    const b = await fidelity("bottleneck:3-1x6-2", "relu", "none");
    expect(b.maxErr).toBeLessThan(1e-5);
    expect(b.layers.slice(0, 4)).toEqual(["dense", "activation", "dense", "add"]);
  });

  it("smooth activations of the condensation experiments (tanh, x²·tanh)", async () => {
    expect((await fidelity("5-16-16-1", "tanh", "none")).maxErr).toBeLessThan(1e-5);
    expect((await fidelity("5-16-1", "x2tanh", "l2")).maxErr).toBeLessThan(1e-5);
  });
});
