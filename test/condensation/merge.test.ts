// The merged network: exactly parallel, same-sign ReLU neurons merge exactly; a smooth activation's
// merge is called approximate and its error is measured.
import { describe, expect, it } from "vitest";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { mlp, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { Dataset } from "../../src/data/dataset.js";
import { condensation } from "../../src/lenses/condensation/index.js";

/** 3-(groups × 4 + 2 loose)-2 network: each group's four rows are positive multiples of one direction. */
function parallelNet(act: "relu" | "tanh", seed: number): { net: Network; groups: number } {
  const rng = createRng(seed), d = 3, groups = 3;
  const dirs = [[1, 0.5, -0.25, 0.5], [-0.5, 1, 0.75, -1], [0.25, -1, 1, 0.125]];
  const rows: number[][] = [];
  for (let g = 0; g < groups; g++) for (const c of [1, 2, 0.5, 4]) rows.push(dirs[g]!.map((x) => c * x));
  rows.push([1, 1, 1, 1], [-1, 2, -3, 0.5]);
  const width = rows.length;
  const weight = Float64Array.from(rows.flatMap((r) => r.slice(0, d))), bias = Float64Array.from(rows.map((r) => r[d]!));
  const out = Float64Array.from({ length: 2 * width }, () => rng.normal());
  return { net: mlp([d, width, 2], [{ weight, bias }, { weight: out, bias: Float64Array.of(0.1, -0.2) }], act), groups };
}

function cloud(n: number, d: number, seed: number): Dataset {
  const rng = createRng(seed);
  return { name: "cloud", n, shape: [d], x: Float64Array.from({ length: n * d }, () => 3 * rng.normal()) };
}

describe("merging counted orientations", () => {
  it("exactly parallel ReLU neurons merge exactly: width 14 → 3 + 2 loose, max |f − f'| ≤ 1e-12", async () => {
    const { net } = parallelNet("relu", 1);
    const data = cloud(2000, 3, 2);
    const r = await condensation(net, data, { minShare: 0.2 });
    const l = r.layers[0]!;
    expect([l.lines, l.orientations]).toEqual([3, 3]);
    const m = r.merge!;
    expect(m.widths).toEqual({ before: [14], after: [5] });
    expect(m.exact).toBe(true);
    expect(m.errors[0]!.maxAbsDiff).toBeLessThanOrEqual(1e-12);
    // orientations only drops the two loose neurons: no longer exact, and the error shows it
    expect(m.orientationsOnly.widths).toEqual([3]);
    expect(m.orientationsOnly.exact).toBe(false);
    expect(m.orientationsOnly.errors[0]!.maxAbsDiff).toBeGreaterThan(1e-3);
    // the merged network is a real network: its own forward pass gives the reported difference
    const a = forwardBatchReference(net, data.x, data.n, { withUnits: false }).outputs;
    const b = forwardBatchReference(r.mergedNetwork!, data.x, data.n, { withUnits: false }).outputs;
    let mx = 0;
    for (let i = 0; i < a.length; i++) mx = Math.max(mx, Math.abs(a[i]! - b[i]!));
    expect(mx).toBe(m.errors[0]!.maxAbsDiff);
    expect(r.mergedNetwork!.layers.find((x) => x.kind === "dense")!.shape).toEqual([5]);
  });

  it("the same layout with tanh is an approximation, and says why", async () => {
    const { net } = parallelNet("tanh", 1);
    const r = await condensation(net, cloud(500, 3, 3), { minShare: 0.2 });
    expect(r.merge!.exact).toBe(false);
    expect(r.merge!.layers[0]!.reason).toMatch(/not positively homogeneous/);
    expect(r.merge!.errors[0]!.maxAbsDiff).toBeGreaterThan(1e-6);
  });

  it("opposite ReLU neurons are one line but two orientations, merged separately (still exact)", async () => {
    const weight = Float64Array.of(1, 2, 2, 4, -1, -2, -3, -6), bias = Float64Array.of(0.5, 1, -0.5, -1.5);
    const net = mlp([2, 4, 1], [{ weight, bias }, { weight: Float64Array.of(1, -2, 0.5, 3), bias: Float64Array.of(0) }], "relu");
    const r = await condensation(net, cloud(1000, 2, 4), {});
    expect([r.layers[0]!.lines, r.layers[0]!.orientations]).toEqual([1, 2]);
    expect(r.merge!.widths.after).toEqual([2]);
    expect(r.merge!.exact).toBe(true);
    expect(r.merge!.errors[0]!.maxAbsDiff).toBeLessThanOrEqual(1e-12);
  });
});
