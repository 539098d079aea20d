import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { train } from "../../src/train/run.js";
import { loadNetwork } from "../../src/node/files.js";
import { forward } from "../../src/core/engine/reference.js";
import { Network } from "../../src/core/network.js";
import { loadMnist } from "../../src/node/data.js";
import { isNetsizeError } from "../../src/core/errors.js";

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "netsize-train-"));

function weightsOf(net: Network): number[] {
  return net.layers.flatMap((l) => (l.kind === "dense" || l.kind === "conv2d" ? [...l.weight, ...l.bias] : []));
}

describe("netsize train runs", () => {
  it("784-32-10 on MNIST for 2 epochs is well above chance on the held-out digits", async () => {
    const run = await train({ arch: "784-32-10", data: "mnist", epochs: 2, seed: 1, batch: 64 });
    const f = run.result.final!;
    expect(run.result.data.trainSize).toBe(8000);
    expect(run.result.data.testSize).toBe(2000);
    expect(f.testAccuracy!).toBeGreaterThanOrEqual(0.8);
    // the exported network classifies the test digits as the trained model did
    const test = loadMnist("test");
    let correct = 0;
    for (let i = 0; i < 500; i++) {
      const y = forward(run.network, test.x.subarray(i * 784, (i + 1) * 784));
      let arg = 0;
      for (let j = 1; j < 10; j++) if (y[j]! > y[arg]!) arg = j;
      if (arg === test.labels![i]) correct++;
    }
    expect(correct / 500).toBeGreaterThan(0.8);
  });

  it("writes config, metrics, snapshots (JSON + ONNX that load back equal) and a checkpoint", async () => {
    const out = tmp();
    const run = await train({ arch: "2-8-2", data: "moons:n=200", epochs: 3, batch: 50, seed: 4, snapshots: [0, 1], snapshotSteps: [2] }, { out });
    expect(readdirSync(out).sort()).toEqual(["checkpoint", "config.json", "metrics.jsonl", "result.json", "snapshots"]);
    const cfg = JSON.parse(readFileSync(path.join(out, "config.json"), "utf8"));
    expect(cfg.seed).toBe(4);
    expect(cfg.arch).toBe("2-8-2");
    const lines = readFileSync(path.join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(lines.map((m) => m.step)).toEqual([4, 8, 12]);
    expect(run.result.snapshots.map((s) => s.name)).toEqual(["epoch-0000", "step-000002", "epoch-0001", "epoch-0003"]);
    const last = await loadNetwork(path.join(out, "snapshots", "epoch-0003.json"));
    expect(weightsOf(last)).toEqual(weightsOf(run.network));
    const onnx = await loadNetwork(path.join(out, "snapshots", "epoch-0003.onnx"));
    const x = Float64Array.from([0.3, -0.2]);
    const a = forward(onnx, x), b = forward(run.network, x);
    for (let j = 0; j < 2; j++) expect(a[j]!).toBeCloseTo(b[j]!, 5);
    expect(last.meta.epoch).toBe(3);
    expect(last.meta.step).toBe(12);
    expect(existsSync(path.join(out, "checkpoint", "state.json"))).toBe(true);
  });

  it("a resumed run ends bit-identical to an uninterrupted one (optimiser state, shuffling and dropout continue)", async () => {
    const base = { arch: "2-16-16-2", data: "spiral:n=160", batch: 32, seed: 9, dropout: 0.3, norm: "l2" as const, optimizer: "adam" as const, lr: 0.01 };
    const straight = await train({ ...base, epochs: 4 });
    const out = tmp();
    await train({ ...base, epochs: 2 }, { out });
    const resumed = await train({ epochs: 4 }, { out, resume: true });
    expect(resumed.result.resumedFrom).toEqual({ epoch: 2, step: 10 });
    expect(weightsOf(resumed.network)).toEqual(weightsOf(straight.network));
    expect(resumed.result.epochs.map((m) => m.loss)).toEqual(straight.result.epochs.map((m) => m.loss));
  });

  it("an interrupted run (mid-epoch) checkpoints and resumes to the same weights", async () => {
    const base = { arch: "2-12-2", data: "xor:n=150", batch: 16, seed: 2, optimizer: "sgd" as const, lr: 0.05, epochs: 3, dropout: 0.1 };
    const straight = await train(base);
    const out = tmp();
    const ac = new AbortController();
    let err: unknown;
    try {
      await train(base, { out }, { signal: ac.signal, onProgress: (p) => { if (p.done >= 13) ac.abort(); } });
    } catch (e) { err = e; }
    expect(isNetsizeError(err, "ABORTED")).toBe(true);
    expect((err as Error).message).toMatch(/--resume/);
    const state = JSON.parse(readFileSync(path.join(out, "checkpoint", "state.json"), "utf8")).state;
    expect(state.step).toBe(16);
    expect(state.batchInEpoch).toBe(6);
    const resumed = await train({}, { out, resume: true });
    expect(weightsOf(resumed.network)).toEqual(weightsOf(straight.network));
  });

  it("refuses to overwrite a run, to resume with other settings, and data that does not fit", async () => {
    const out = tmp();
    await train({ arch: "2-4-2", data: "circles:n=40", epochs: 1, batch: 20 }, { out });
    await expect(train({ arch: "2-4-2", data: "circles:n=40", epochs: 1 }, { out })).rejects.toMatchObject({ code: "BAD_ARGUMENT" });
    await expect(train({ arch: "2-5-2", epochs: 2 }, { out, resume: true })).rejects.toMatchObject({ code: "BAD_ARGUMENT" });
    await expect(train({ arch: "3-4-2", data: "moons", epochs: 1 })).rejects.toMatchObject({ code: "SHAPE_MISMATCH" });
    await expect(train({ arch: "2-4-1", data: "gaussians:classes=3", epochs: 1 })).rejects.toMatchObject({ code: "SHAPE_MISMATCH" });
    await expect(train({ arch: "1-4-1", data: "sine1d", loss: "ce", epochs: 1 })).rejects.toMatchObject({ code: "BAD_ARGUMENT" });
  });

  it("regression on the condensation 1-D target with MSE, and Hcore-Init re-initialisation", async () => {
    const r = await train({ arch: "1-50-1", data: "sine1d", activation: "tanh", epochs: 200, batch: 40, lr: 0.01 });
    expect(r.result.task).toBe("regression");
    expect(r.result.epochs[0]!.loss).toBeGreaterThan(r.result.final!.loss * 5);
    const h = await train({ arch: "2-16-2", data: "moons:n=200", epochs: 1, batch: 50, hypercoreEpochs: 1 });
    expect(h.result.hypercore!.layers).toHaveLength(2);
    expect(h.result.hypercore!.layers[0]!.inputs).toBe(2);
    expect(h.result.hypercore!.layers[1]!.scaleMax).toBeGreaterThan(h.result.hypercore!.layers[1]!.scaleMin);
  });
});
