import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { uniformBox } from "../../src/core/domain.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { createNetwork, LayerSpec, mlp } from "../../src/core/network.js";
import { summarize } from "../../src/core/summary.js";
import { compress } from "../../src/lenses/stability/compress.js";
import { checkEquivalence } from "../../src/lenses/stability/equivalence.js";
import { independentRows } from "../../src/lenses/stability/fold.js";
import { stability } from "../../src/lenses/stability/stability.js";
import { biasedMlp, boxSamples } from "./nets.js";

const f64 = (a: number[]) => Float64Array.from(a);

/** max |f − f'| on n box samples with the reference engine. */
function maxDiff(a: ReturnType<typeof mlp>, b: ReturnType<typeof mlp>, box: ReturnType<typeof uniformBox>, n: number, seed: number): number {
  const X = boxSamples(box, n, seed);
  const ya = forwardBatchReference(a, X, n, { withUnits: false }).outputs, yb = forwardBatchReference(b, X, n, { withUnits: false }).outputs;
  let m = 0;
  for (let i = 0; i < ya.length; i++) m = Math.max(m, Math.abs(ya[i]! - yb[i]!));
  return m;
}

describe("folding linear algebra", () => {
  it("finds dependent rows and exact coefficients", () => {
    const rows = [f64([1, 0, 2]), f64([0, 1, 1]), f64([2, 3, 7]), f64([1, 1, 1]), f64([0, 0, 0])];
    const { basis, dependent } = independentRows(rows);
    expect(basis.slice(0, 2)).toEqual([0, 1]);
    expect(basis).toContain(3);
    const d2 = dependent.find((d) => d.row === 2)!;
    expect(d2.k[0]).toBeCloseTo(2, 12);
    expect(d2.k[1]).toBeCloseTo(3, 12);
    expect(dependent.find((d) => d.row === 4)).toBeDefined();
  });
});

describe("lossless compression", () => {
  it("removes stably inactive units, folds dependent stably active ones, and is equal on 10^5 domain points", async () => {
    // 3 inputs and 12 units, 7 of them pushed stably active: at most 3 rows are independent, 4+ must fold.
    const base = biasedMlp([3, 12, 10, 2], 4, { pStable: 0.6, shift: 4 });
    const first = base.layers[0]!;
    if (first.kind !== "dense") throw new Error("dense first");
    const bias = Float64Array.from(first.bias, (b, i) => (i < 7 ? 4 : i < 10 ? -4 : b));
    const net = createNetwork(base.inputShape, [{ ...first, bias }, ...base.layers.slice(1)] as LayerSpec[]);
    const box = uniformBox(3, 0, 1);
    const r = await stability(net, box, { method: "auto" });
    expect(r.complete).toBe(true);
    const { network, report } = compress(net, r);
    const l0 = r.layers[0]!, l1 = r.layers[1]!;
    expect(report.layers[0]!.removedConstant).toBe(l0.stablyInactive);
    expect(report.layers[1]!.removedConstant).toBe(l1.stablyInactive);
    // At most 3 independent linear rows over 3 inputs: the rest of layer 0's active units fold.
    expect(report.layers[0]!.folded).toBe(Math.max(0, l0.stablyActive - 3));
    expect(l0.stablyActive).toBeGreaterThanOrEqual(7);
    expect(report.layers[0]!.folded).toBeGreaterThan(0);
    expect(report.after.units).toBe(r.totals.units - report.layers.reduce((a, l) => a + l.removedConstant + l.folded, 0));
    expect(report.after.units).toBeLessThan(report.before.units);
    expect(report.after.params).toBe(summarize(network).params);
    const eq = await checkEquivalence(net, network, box, { points: 100_000 });
    expect(eq.points).toBe(100_000);
    expect(eq.sources.vertices).toBe(8);
    expect(eq.maxAbsDiff).toBeLessThan(1e-9);
    expect(eq.equal).toBe(true);
  });

  it("merges a layer that is entirely linear on the domain", async () => {
    // Layer 0: two units, both stably active on [0,1]^4 (big positive bias); layer 1 has 3 outputs.
    const net = mlp([4, 2, 3, 1], [
      { weight: f64([1, -1, 0.5, 0.2, -0.3, 0.4, 0.1, 1]), bias: f64([5, 5]) },
      { weight: f64([1, -1, 0.5, 2, -1, 1]), bias: f64([-1, 0, 0.5]) },
      { weight: f64([1, 1, 1]), bias: f64([0]) },
    ]);
    const box = uniformBox(4, 0, 1);
    const r = await stability(net, box, { method: "crown" });
    expect(r.layers[0]!.stablyActive).toBe(2);
    const merged = compress(net, r, { merge: "always" });
    expect(merged.report.layers[0]!.merged).toBe(true);
    expect(merged.network.layers.filter((l) => l.kind === "dense").length).toBe(2);
    expect(maxDiff(net, merged.network, box, 2000, 1)).toBeLessThan(1e-12);
    // "smaller" keeps it: 4→2→3 has 2·4+2+3·2 = 16 weights+biases, merging gives 4·3 = 12 — it merges too.
    expect(compress(net, r).report.layers[0]!.merged).toBe(true);
    expect(compress(net, r, { merge: "never" }).report.layers[0]!.merged).toBe(false);
  });

  it("compressed equals original on the domain for random nets of every piecewise-linear activation (property)", async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 1e6 }), fc.constantFrom("relu", "leakyrelu", "hardtanh", "abs"), fc.double({ min: 0.05, max: 1, noNaN: true }),
      async (seed, act, w) => {
        const net = biasedMlp([3, 8, 8, 2], seed, { act: act as "relu", pStable: 0.7, ...(act === "leakyrelu" ? { alpha: 0.1 } : {}) });
        const box = uniformBox(3, 0, w);
        const r = await stability(net, box, { method: "crown", samples: 200 });
        const { network, report } = compress(net, r);
        expect(report.after.units).toBeLessThanOrEqual(report.before.units);
        return maxDiff(net, network, box, 400, seed) < 1e-9;
      },
    ), { numRuns: 25 });
  });
});
