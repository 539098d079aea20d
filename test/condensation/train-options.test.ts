// The training options the reproduction needs: --init-std (weights and biases), --no-output-bias,
// --adam-eps, --batch full with --steps, and --init-from replaying a given initialisation.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isNetsizeError } from "../../src/core/errors.js";
import { Layer, Network } from "../../src/core/network.js";
import { saveNetwork } from "../../src/node/files.js";
import { resolveConfig } from "../../src/train/config.js";
import { train } from "../../src/train/run.js";

const dense = (n: Network): Extract<Layer, { kind: "dense" }>[] => n.layers.filter((l): l is Extract<Layer, { kind: "dense" }> => l.kind === "dense");
const std = (a: Float64Array): number => Math.sqrt(a.reduce((s, x) => s + x * x, 0) / a.length);

describe("training options for the condensation experiments", () => {
  it("--init-std 1.6e-7 draws every weight and bias of every layer with that std; --no-output-bias keeps the output bias 0; --batch full --steps 20 is 20 epochs of one step", async () => {
    const run = await train({ arch: "5-50-1", data: "sine5d", activation: "tanh", initStd: 1.6e-7, outputBias: false, epsilon: 1e-8, batch: 0, steps: 20, snapshots: [0], seed: 3 });
    expect(run.result.config.epochs).toBe(20);
    expect(run.result.epochs).toHaveLength(20);
    expect(run.result.epochs[19]!.step).toBe(20);
    expect(run.result.config.epsilon).toBe(1e-8);
    const init = run.snapshots.find((s) => s.info.step === 0)!.network;
    const [h, o] = dense(init);
    for (const a of [h!.weight, h!.bias, o!.weight]) expect(std(a) / 1.6e-7).toBeGreaterThan(0.7), expect(std(a) / 1.6e-7).toBeLessThan(1.3);
    expect([...o!.bias]).toEqual([0]);
    expect([...dense(run.network)[1]!.bias]).toEqual([0]);
    // the hidden layer did train (Adam's first steps are ≈ lr in size)
    expect(std(dense(run.network)[0]!.weight)).toBeGreaterThan(1e-4);
  });

  it("--init-from replays a given initialisation: the run's step-0 snapshot equals the file and, with the same seed, the run trains identically", async () => {
    const first = await train({ arch: "5-8-1", data: "sine5d", initStd: 0.01, epochs: 1, batch: 0, snapshots: [0], seed: 1 });
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "netsize-cond-")), "init.json");
    await saveNetwork(first.snapshots[0]!.network, file, { format: "json" });
    const again = await train({ arch: "5-8-1", data: "sine5d", initFrom: file, epochs: 1, batch: 0, snapshots: [0], seed: 1 });
    const a = dense(first.snapshots[0]!.network), b = dense(again.snapshots[0]!.network);
    a.forEach((l, i) => { expect([...b[i]!.weight]).toEqual([...l.weight]); expect([...b[i]!.bias]).toEqual([...l.bias]); });
    expect([...dense(again.network)[0]!.weight]).toEqual([...dense(first.network)[0]!.weight]);
    const wrong = await train({ arch: "5-9-1", data: "sine5d", initFrom: file, epochs: 1 }).catch((e: unknown) => e);
    expect(isNetsizeError(wrong, "BAD_ARGUMENT")).toBe(true);
    expect(String((wrong as Error).message)).toMatch(/layer 1 .* is dense 5→8, the architecture needs dense 5→9/);
  });

  it("--steps that is not a whole number of epochs, a non-positive ε and a negative std are refused", async () => {
    const e = await train({ arch: "5-8-1", data: "sine5d", batch: 32, steps: 5 }).catch((x: unknown) => x);
    expect(isNetsizeError(e, "BAD_ARGUMENT") && /not a whole number of epochs of 3 steps/.test((e as Error).message)).toBe(true);
    expect(() => resolveConfig({ arch: "5-8-1", data: "sine5d", epsilon: 0 })).toThrow(/adam-eps/);
    expect(() => resolveConfig({ arch: "5-8-1", data: "sine5d", initStd: -1 })).toThrow(/init-std/);
    expect(resolveConfig({ arch: "5-8-1", data: "sine5d" }).outputBias).toBe(true);
  });
});
