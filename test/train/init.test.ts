import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/random.js";
import { parseArch } from "../../src/train/arch.js";
import { activationMoments, gaussianExpectation, planAutoInit } from "../../src/train/init/autoinit.js";
import { initParams, weightDraws } from "../../src/train/init/index.js";
import { drawVariance, sampleDraw, standardDraw } from "../../src/train/init/standard.js";
import { variance } from "../../src/core/weights/strength.js";

describe("AutoInit variance propagation", () => {
  it("moments of ReLU on N(0,1) by quadrature", () => {
    const m = activationMoments("relu", {}, { mean: 0, variance: 1 });
    expect(m.mean).toBeCloseTo(0.398942, 6);
    expect(m.variance).toBeCloseTo(0.340845, 6);
  });

  it("ReLU recovers He: Var(W)·fan_in = 2.0 after a ReLU layer, 1.0 on the unit-variance input", () => {
    const plan = planAutoInit(parseArch("784-100-100-10", { activation: "relu" }));
    expect(plan.weightVariance[0]! * 784).toBeCloseTo(1, 9);
    expect(plan.weightVariance[1]! * 100).toBeCloseTo(2.0, 6);
    expect(plan.weightVariance[2]! * 100).toBeCloseTo(2.0, 6);
  });

  it("tanh: Var(W)·fan_in ≈ 2.536 (v = 0.394294 on N(0,1))", () => {
    expect(activationMoments("tanh", {}, { mean: 0, variance: 1 }).variance).toBeCloseTo(0.394294, 6);
    const plan = planAutoInit(parseArch("10-50-50-1", { activation: "tanh" }));
    expect(plan.weightVariance[1]! * 50).toBeCloseTo(2.536, 3);
  });

  it("propagates through dropout, residual sums and pooling", () => {
    const drop = planAutoInit(parseArch("4-8-8-1", { activation: "relu", dropout: 0.5 }));
    // inverted dropout doubles E[x²]: 0.5 → 1, so Var(W)·fan_in halves to 1
    expect(drop.weightVariance[1]! * 8).toBeCloseTo(1, 6);
    const resArch = parseArch("res:3-6x2-1", { activation: "relu" });
    const res = planAutoInit(resArch);
    const adds = res.moments.filter((_, i) => resArch.nodes[i]!.kind === "add");
    // first add: relu(block) + relu(stem): mean 2·0.398942, variance 2·0.340845
    expect(adds[0]!.mean).toBeCloseTo(2 * 0.398942, 5);
    expect(adds[0]!.variance).toBeCloseTo(2 * 0.340845, 5);
    const cnn = parseArch("cnn:1x4x4-c2k1-ap2-mp2-3", { activation: "identity" });
    const p = planAutoInit(cnn);
    const avg = p.moments[cnn.nodes.findIndex((n) => n.kind === "avgpool")]!;
    expect(avg.variance).toBeCloseTo(1 / 4, 9);
    const max = p.moments[cnn.nodes.findIndex((n) => n.kind === "maxpool")]!;
    // the max of 4 i.i.d. normals N(0, 1/4): E = 1.029375·0.5
    expect(max.mean).toBeCloseTo(1.0293754 * 0.5, 5);
  });

  it("integrates E[Z²] exactly for any Gaussian", () => {
    expect(gaussianExpectation((x) => x * x, { mean: 1.5, variance: 0.25 })).toBeCloseTo(1.5 ** 2 + 0.25, 10);
  });
});

describe("standard initialisations", () => {
  it("He, Glorot and the small init have the documented variances", () => {
    expect(drawVariance(standardDraw("he-normal", 200, 50))).toBeCloseTo(2 / 200, 12);
    expect(drawVariance(standardDraw("he-uniform", 200, 50))).toBeCloseTo(2 / 200, 12);
    expect(drawVariance(standardDraw("glorot-normal", 200, 50))).toBeCloseTo(2 / 250, 12);
    expect(drawVariance(standardDraw("glorot-uniform", 200, 50))).toBeCloseTo(2 / 250, 12);
    expect(drawVariance(standardDraw("small", 50, 10, 2))).toBeCloseTo(50 ** -4, 15);
  });

  it("samples match their variance and the uniform limit", () => {
    const rng = createRng(3);
    const u = sampleDraw(standardDraw("he-uniform", 100, 10), 100000, rng);
    expect(Math.max(...u)).toBeLessThanOrEqual(Math.sqrt(6 / 100));
    expect(variance(u) * 100).toBeCloseTo(2, 1);
    const n = sampleDraw(standardDraw("glorot-normal", 100, 100), 100000, rng);
    expect(variance(n) * 100).toBeCloseTo(1, 1);
  });

  it("initParams is seeded, sized per layer, and gives biases only where asked", () => {
    const arch = parseArch("cnn:1x6x6-c3k3-mp2-4", { activation: "relu", norm: "l1" });
    const a = initParams(arch, { scheme: "he-normal" }, createRng(5));
    const b = initParams(arch, { scheme: "he-normal" }, createRng(5));
    expect(a.affine.map((p) => p.weight.length)).toEqual([3 * 9, 4 * 12]);
    expect(a.affine[0]!.weight).toEqual(b.affine[0]!.weight);
    expect([...a.affine[0]!.bias]).toEqual([0, 0, 0]);
    expect(a.norm).toHaveLength(1);
    expect([...a.norm[0]!.gamma]).toEqual([1, 1, 1]);
    const small = initParams(parseArch("5-50-1", { activation: "tanh" }), { scheme: "small", gamma: 3 }, createRng(1));
    expect(small.affine[0]!.bias.some((v) => v !== 0)).toBe(true);
    expect(Math.sqrt(variance(small.affine[0]!.weight))).toBeLessThan(3 * 5 ** -3);
    expect(weightDraws(parseArch("5-50-1", { activation: "tanh" }), { scheme: "autoinit" })[0]).toEqual({ dist: "normal", std: Math.sqrt(1 / 5) });
  });
});
