import { describe, expect, it } from "vitest";
import { affineNodes, parseArch } from "../../src/train/arch.js";
import { learningRateAt } from "../../src/train/optimizers.js";
import { TRAIN_DEFAULTS, resolveConfig } from "../../src/train/config.js";
import { deriveSeed, epochPermutation } from "../../src/train/loop.js";

describe("architecture specs", () => {
  it("MLP: dense layers with norm, activation and dropout between them", () => {
    const a = parseArch("784-100-100-10", { activation: "relu", norm: "l1", dropout: 0.5 });
    expect(a.nodes.map((n) => n.kind)).toEqual(["dense", "norm", "activation", "dropout", "dense", "norm", "activation", "dropout", "dense"]);
    expect(affineNodes(a).map((n) => n.shape[0])).toEqual([100, 100, 10]);
  });

  it("residual, bottleneck (one-neuron) and CNN shapes", () => {
    const r = parseArch("res:3-18x6-1", { activation: "tanh" });
    expect(r.nodes.filter((n) => n.kind === "add")).toHaveLength(6);
    const b = parseArch("bottleneck:2-1x5-3", { activation: "relu" });
    expect(affineNodes(b).map((n) => (n.kind === "dense" ? `${n.inSize}>${n.outSize}` : ""))).toEqual(
      ["2>1", "1>2", "2>1", "1>2", "2>1", "1>2", "2>1", "1>2", "2>1", "1>2", "2>3"]);
    const c = parseArch("cnn:1x28x28-c8k5-mp2-c16k3s2p1-ap2-64-10", { activation: "relu" });
    const shapes = c.nodes.map((n) => n.shape.join("x"));
    expect(shapes).toContain("8x24x24");
    expect(shapes).toContain("8x12x12");
    expect(shapes).toContain("16x6x6");
    expect(shapes).toContain("16x3x3");
    expect(shapes).toContain("144");
  });

  it("rejects bad specs with BAD_ARGUMENT", () => {
    for (const s of ["784", "784-x-10", "res:3-18-1", "cnn:28x28-c8k3-10", "cnn:1x4x4-c8k5-10", "cnn:1x8x8-c2k3", "cnn:1x8x8-q3-10", "conv:1-2"]) {
      expect(() => parseArch(s, { activation: "relu" }), s).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    }
    expect(() => parseArch("2-3-1", { activation: "swish" as never })).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
  });
});

describe("run settings", () => {
  it("step learning-rate schedule", () => {
    const c = { ...TRAIN_DEFAULTS, lr: 0.1, lrStep: 50, lrGamma: 0.1 };
    expect(learningRateAt(c, 0)).toBe(0.1);
    expect(learningRateAt(c, 49)).toBe(0.1);
    expect(learningRateAt(c, 50)).toBeCloseTo(0.01, 15);
    expect(learningRateAt(c, 120)).toBeCloseTo(0.001, 15);
  });

  it("AdamW defaults to decoupled decay 0.01; invalid values are BAD_ARGUMENT", () => {
    expect(resolveConfig({ arch: "2-2", data: "moons", optimizer: "adamw" }).weightDecay).toBe(0.01);
    expect(resolveConfig({ arch: "2-2", data: "moons", optimizer: "adam" }).weightDecay).toBe(0);
    for (const bad of [{ lr: 0 }, { batch: -1 }, { batch: 1.5 }, { dropout: 1 }, { l1: -1 }, { optimizer: "rmsprop" }, { norm: "l3" }, { seed: -1 }]) {
      expect(() => resolveConfig({ arch: "2-2", data: "moons", ...(bad as object) })).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    }
  });

  it("per-epoch permutations depend only on (seed, epoch)", () => {
    const p = epochPermutation(100, 3, 7);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(epochPermutation(100, 3, 7)).toEqual(p);
    expect(epochPermutation(100, 3, 8)).not.toEqual(p);
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
  });
});
