// Olson et al.'s LP decomposition: the members' average reproduces the network on the training points.
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { forward } from "../../src/core/engine/reference.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { syntheticDataset } from "../../src/data/synthetic.js";
import { ensembleDecomposition, memberOutputs, pearson } from "../../src/lenses/shallow/index.js";

describe("ensemble decomposition", () => {
  const ds = syntheticDataset("moons:n=80,noise=0.2,flip=0.15,seed=3");

  it("flip= flips about that fraction of labels and keeps the points", () => {
    const clean = syntheticDataset("moons:n=80,noise=0.2,seed=3");
    expect(ds.x).toEqual(clean.x);
    const flipped = ds.labels!.filter((y, i) => y !== clean.labels![i]).length;
    expect(flipped).toBeGreaterThan(4);
    expect(flipped).toBeLessThan(24);
  });

  it.each([2, 3])("a %i-output net: members on half the units each, average = network to 1e-12", async (C) => {
    const data = C === 2 ? ds : syntheticDataset("gaussians:n=60,classes=3,seed=1");
    const net = randomMlp([2, 16, 12, C], { seed: 4, biasStd: 0.2 });
    const r = await ensembleDecomposition(net, data, { members: 4, support: 0.5 });
    expect(r.members.length).toBe(4);
    expect(r.membersPerUnit).toBe(2);
    for (const m of r.members) expect(m.units.length).toBe(6);
    const outs = memberOutputs(net, r, data);
    let worst = 0;
    for (let i = 0; i < data.n; i++) {
      const f = forward(net, data.x.subarray(2 * i, 2 * i + 2));
      for (let c = 0; c < C; c++) worst = Math.max(worst, Math.abs(outs.reduce((s, o) => s + o[i * C + c]!, 0) / 4 - f[c]!));
    }
    expect(worst).toBeLessThan(1e-12);
    expect(r.maxAbsDiff).toBeLessThan(1e-12);
    // every unit is owned by exactly r members
    const owners = new Array(12).fill(0);
    for (const m of r.members) for (const j of m.units) owners[j]++;
    expect(owners).toEqual(new Array(12).fill(2));
    expect(r.residualCorrelation[0]![0]).toBeCloseTo(1, 12);
  });

  it("members fit the training data at least as well as the plain split (the LP's starting point)", async () => {
    const net = randomMlp([2, 20, 2], { seed: 7, biasStd: 0.3 });
    const r = await ensembleDecomposition(net, ds, { members: 4 });
    // The plain split (every member = the network on its units scaled by K/r) has hinge ≥ the LP's optimum.
    const plain = { members: r.members.map((m) => ({ ...m })), outputs: 2 };
    const out = net.layers[2] as { weight: Float64Array; bias: Float64Array };
    for (const m of plain.members) { m.weight = [...m.units.map((j) => 2 * out.weight[j]!), ...m.units.map((j) => 2 * out.weight[20 + j]!)]; m.bias = Array.from(out.bias); }
    const hinge = (o: Float64Array): number => { let s = 0; for (let i = 0; i < ds.n; i++) { const y = ds.labels![i]!; s += Math.max(0, r.margin - (o[2 * i + y]! - o[2 * i + 1 - y]!)); } return s; };
    const lpH = memberOutputs(net, r, ds).reduce((s, o) => s + hinge(o), 0), plainH = memberOutputs(net, plain, ds).reduce((s, o) => s + hinge(o), 0);
    expect(lpH).toBeLessThanOrEqual(plainH + 1e-6);
    expect(lpH).toBeCloseTo(r.lp.objective, 4);
  });

  it("pearson, and errors for unlabelled data", async () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 15);
    expect(pearson([1, 1, 1], [2, 4, 6])).toBeNull();
    const net = randomMlp([2, 4, 2], { seed: 1 });
    const e = await ensembleDecomposition(net, { ...ds, labels: undefined }).catch((x: unknown) => x);
    expect(isNetsizeError(e, "BAD_DATA")).toBe(true);
  });
});
