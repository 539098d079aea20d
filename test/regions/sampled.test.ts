import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { randomMlp } from "../../src/core/build.js";
import { uniformBox } from "../../src/core/domain.js";
import { forwardTrace } from "../../src/core/engine/reference.js";
import { createRng } from "../../src/core/random.js";
import { unitLayerIndices } from "../../src/core/summary.js";
import { Network, createNetwork } from "../../src/core/network.js";
import { Dataset } from "../../src/data/dataset.js";
import { boxRegions } from "../../src/lenses/regions/box.js";
import { sampledRegions, uniformSamples, gaussianSamples, dataSamples } from "../../src/lenses/regions/sampled.js";
import { localComplexityRaw } from "../../src/lenses/regions/local-complexity.js";

function patterns(net: Network, X: Float64Array, n: number, layers = unitLayerIndices(net)): string[] {
  const d = X.length / n;
  return Array.from({ length: n }, (_, s) => {
    const t = forwardTrace(net, X.subarray(s * d, (s + 1) * d));
    return layers.map((li) => Array.from(t.patterns[li]!).join("")).join("|");
  });
}

describe("sampled patterns", () => {
  it("distinct patterns equal a direct count and never exceed the exact box count", async () => {
    const net = randomMlp([2, 10, 10, 1], { seed: 4, biasStd: 0.4 });
    const box = uniformBox(2, -1, 1, "[-1,1]^2");
    const set = uniformSamples(box, 3000, 9);
    const r = await sampledRegions(net, set, { engine: "reference" });
    const direct = patterns(net, set.X, set.n);
    expect(r.distinctPatterns).toBe(new Set(direct).size);
    const exact = await boxRegions(net, box, { listRegions: false });
    expect(r.distinctPatterns).toBeLessThanOrEqual(exact.count);
    expect(r.distinctPatterns).toBeGreaterThan(exact.count / 2); // 3000 samples in 2-D see most regions
    const counts = new Map<string, number>();
    for (const p of direct) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect(r.singletons).toBe([...counts.values()].filter((c) => c === 1).length);
    expect(r.maxMultiplicity).toBe(Math.max(...counts.values()));
    expect(r.samples).toEqual({ n: 3000, source: "uniform in [-1,1]^2" });
    expect(r.seed).toBe(9);
  });

  it("per-layer counts: own patterns, cumulative patterns, never/always-active units", async () => {
    const net = randomMlp([5, 12, 8, 6, 2], { seed: 5, biasStd: 0.5 });
    const set = uniformSamples(uniformBox(5, -2, 2), 500, 1);
    const r = await sampledRegions(net, set, { engine: "reference" });
    const units = unitLayerIndices(net);
    r.layers.forEach((l, k) => {
      expect(l.distinct).toBe(new Set(patterns(net, set.X, set.n, [units[k]!])).size);
      expect(l.distinctUpTo).toBe(new Set(patterns(net, set.X, set.n, units.slice(0, k + 1))).size);
      const d = 5, active = new Array<number>(l.units).fill(0);
      for (let s = 0; s < set.n; s++) forwardTrace(net, set.X.subarray(s * d, (s + 1) * d)).patterns[units[k]!]!.forEach((p, i) => { active[i] += p; });
      expect(l.neverActive).toBe(active.filter((a) => a === 0).length);
      expect(l.alwaysActive).toBe(active.filter((a) => a === set.n).length);
    });
    expect(r.layers[r.layers.length - 1]!.distinctUpTo).toBe(r.distinctPatterns);
    expect(r.units).toBe(26);
  });

  it("smooth activations: patterns by the sign of the pre-activation", async () => {
    const net = randomMlp([3, 7, 7, 1], { seed: 6, biasStd: 0.5, activation: "tanh" });
    const set = uniformSamples(uniformBox(3, -1, 1), 400, 2);
    const r = await sampledRegions(net, set, { engine: "reference", radius: 0.2 });
    const d = 3, units = unitLayerIndices(net), signs = new Set<string>();
    for (let s = 0; s < set.n; s++) {
      const t = forwardTrace(net, set.X.subarray(s * d, (s + 1) * d));
      signs.add(units.map((li) => Array.from(t.values[net.layers[li]!.inputs[0]!]!, (z) => (z > 0 ? 1 : 0)).join("")).join("|"));
    }
    expect(r.distinctPatterns).toBe(signs.size);
    expect(r.localComplexity!.count.mean).toBeGreaterThan(0);
  });

  it("sample sets: data rows, Gaussian around data (sigma 0 = the data), seeded", () => {
    const ds: Dataset = { name: "toy", n: 4, shape: [2], x: Float64Array.from([0, 0, 1, 1, 2, 2, 3, 3]) };
    expect(dataSamples(ds).X).toBe(ds.x);
    const sub = dataSamples(ds, 2, 3);
    expect(sub.n).toBe(2);
    const g0 = gaussianSamples(ds, 8, 0, 1);
    for (let s = 0; s < 8; s++) expect(g0.X[2 * s]).toBe(g0.X[2 * s + 1]); // exact copies of rows (v, v)
    expect(new Set(Array.from(g0.X)).size).toBe(4);
    const g = gaussianSamples(ds, 100, 0.5, 2, [0, 3]);
    expect(Math.min(...g.X)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...g.X)).toBeLessThanOrEqual(3);
    expect(Array.from(gaussianSamples(ds, 10, 0.5, 2).X)).toEqual(Array.from(gaussianSamples(ds, 10, 0.5, 2).X));
  });
});

describe("local complexity", () => {
  it("one hidden layer: exactly the units with |w·x + b| / |w| <= r", async () => {
    const net = randomMlp([4, 15, 1], { seed: 7, biasStd: 0.5 });
    const set = uniformSamples(uniformBox(4, -1, 1), 60, 3);
    const r = 0.3;
    const lc = await localComplexityRaw(net, set.X, set.n, r);
    const dense = net.layers[0]! as { weight: Float64Array; bias: Float64Array };
    for (let s = 0; s < set.n; s++) {
      let c = 0, near = Infinity;
      for (let u = 0; u < 15; u++) {
        let z = dense.bias[u]!, w2 = 0;
        for (let i = 0; i < 4; i++) { z += dense.weight[u * 4 + i]! * set.X[s * 4 + i]!; w2 += dense.weight[u * 4 + i]! ** 2; }
        const dist = Math.abs(z) / Math.sqrt(w2);
        if (dist <= r) c++;
        near = Math.min(near, dist);
      }
      expect(lc.counts[s]).toBe(c);
      expect(lc.nearest[s]).toBeCloseTo(near, 12);
    }
  });

  it("the MLP fast paths (forward Jacobian, Gram) agree with the generic tangent propagation and with finite differences", async () => {
    const net = randomMlp([6, 20, 20, 20, 3], { seed: 3, biasStd: 0.3 });
    const rng = createRng(1), n = 30, d = 6;
    const X = Float64Array.from({ length: n * d }, () => rng.normal());
    const runs = await Promise.all((["generic", "mlp-forward", "mlp-gram"] as const).map((m) => localComplexityRaw(net, X, n, 0.1, {}, { method: m })));
    for (const r of runs.slice(1)) {
      expect(Array.from(r.counts)).toEqual(Array.from(runs[0]!.counts));
      r.nearest.forEach((v, s) => expect(v).toBeCloseTo(runs[0]!.nearest[s]!, 10));
    }
    // nearest boundary by central differences of the exact forward pass (within the sample's region)
    for (let s = 0; s < 3; s++) {
      const x = X.slice(s * d, (s + 1) * d), t = forwardTrace(net, x);
      let best = Infinity;
      for (const li of [0, 2, 4]) {
        t.values[li]!.forEach((z, u) => {
          let q = 0;
          for (let c = 0; c < d; c++) {
            const xp = x.slice(), xm = x.slice(); xp[c]! += 1e-6; xm[c]! -= 1e-6;
            q += ((forwardTrace(net, xp).values[li]![u]! - forwardTrace(net, xm).values[li]![u]!) / 2e-6) ** 2;
          }
          best = Math.min(best, Math.abs(z) / Math.sqrt(q));
        });
      }
      expect(runs[0]!.nearest[s]! / best).toBeCloseTo(1, 6);
    }
  });

  it("generic path on a conv + max-pool net: each unit's distance matches finite differences", async () => {
    const rng = createRng(41);
    const net = createNetwork([1, 1, 2], [
      { kind: "conv2d", inChannels: 1, outChannels: 4, kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], weight: Float64Array.from({ length: 4 }, () => rng.normal()), bias: Float64Array.from({ length: 4 }, () => rng.normal() * 0.3) },
      { kind: "activation", fn: "relu" },
      { kind: "maxpool", kernel: [1, 2], stride: [1, 2], pads: [0, 0, 0, 0] },
      { kind: "flatten" },
      { kind: "dense", inSize: 4, outSize: 1, weight: Float64Array.from({ length: 4 }, () => rng.normal()), bias: new Float64Array(1) },
    ]);
    const set = uniformSamples(uniformBox(2, -1, 1), 25, 5), r = 0.2;
    const lc = await localComplexityRaw(net, set.X, set.n, r);
    expect(lc.method).toBe("generic");
    const grad = (x: Float64Array, f: (y: Float64Array) => number): number => {
      let q = 0;
      for (let c = 0; c < 2; c++) { const xp = x.slice(), xm = x.slice(); xp[c]! += 1e-7; xm[c]! -= 1e-7; q += ((f(xp) - f(xm)) / 2e-7) ** 2; }
      return Math.sqrt(q);
    };
    for (let s = 0; s < set.n; s++) {
      const x = set.X.slice(2 * s, 2 * s + 2), t = forwardTrace(net, x);
      const dists: number[] = [];
      for (let u = 0; u < 8; u++) dists.push(Math.abs(t.values[0]![u]!) / grad(x, (y) => forwardTrace(net, y).values[0]![u]!));
      for (let c = 0; c < 4; c++) {
        const a = t.values[1]!, win = a[2 * c + 1]! > a[2 * c]! ? 2 * c + 1 : 2 * c, other = win ^ 1;
        const g = grad(x, (y) => { const v = forwardTrace(net, y).values[1]!; return v[win]! - v[other]!; });
        if (g > 1e-9) dists.push((a[win]! - a[other]!) / g);
      }
      expect(lc.counts[s]).toBe(dists.filter((v) => v <= r).length);
      expect(lc.nearest[s]! / Math.min(...dists)).toBeCloseTo(1, 6);
    }
  });

  it("counts grow with the radius and are bounded by the unit count (property)", async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.01, max: 2, noNaN: true }), async (seed, r) => {
      const net = randomMlp([3, 6, 6, 2], { seed, biasStd: 0.5 });
      const set = uniformSamples(uniformBox(3, -1, 1), 20, seed);
      const a = await localComplexityRaw(net, set.X, set.n, r), b = await localComplexityRaw(net, set.X, set.n, 2 * r);
      for (let s = 0; s < set.n; s++) {
        expect(a.counts[s]).toBeLessThanOrEqual(b.counts[s]!);
        expect(b.counts[s]).toBeLessThanOrEqual(12);
        expect(a.perLayer[0]![s]! + a.perLayer[1]![s]!).toBe(a.counts[s]);
        expect(a.counts[s]! > 0).toBe(a.nearest[s]! <= r);
      }
    }), { numRuns: 30 });
  });

  it("summaries in the sampled result", async () => {
    const net = randomMlp([2, 16, 16, 1], { seed: 8, biasStd: 0.3 });
    const set = uniformSamples(uniformBox(2, -1, 1), 200, 4);
    const res = await sampledRegions(net, set, { engine: "reference", radius: 0.05, localSamples: 50 });
    const lc = res.localComplexity!;
    const raw = await localComplexityRaw(net, set.X.subarray(0, 100), 50, 0.05);
    const mean = Array.from(raw.counts).reduce((a, b) => a + b, 0) / 50;
    expect(lc.samples).toBe(50);
    expect(lc.count.mean).toBeCloseTo(mean, 12);
    expect(lc.perLayer.reduce((s, l) => s + l.mean, 0)).toBeCloseTo(mean, 12);
    expect(lc.count.min).toBeLessThanOrEqual(lc.count.median);
    expect(lc.count.median).toBeLessThanOrEqual(lc.count.max);
  });
});

describe("netsize regions --sample (CLI)", () => {
  it("box sampling with local complexity writes the JSON result; bad specs are BAD_ARGUMENT (exit 2)", async () => {
    const { execFile } = await import("node:child_process");
    const { mkdtempSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = (await import("node:path")).default;
    const { saveNetwork } = await import("../../src/node/files.js");
    const { ROOT } = await import("../helpers/shared.js");
    const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => new Promise((resolve) => {
      execFile(process.execPath, [path.join(ROOT, "bin/netsize.js"), ...args], { cwd: ROOT }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }));
    });
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-sample-"));
    const net = randomMlp([3, 9, 9, 2], { seed: 12, biasStd: 0.4 });
    const file = path.join(dir, "net.json"), out = path.join(dir, "s.json");
    await saveNetwork(net, file);
    const r = await cli(["regions", file, "--sample", "box:-1:1", "--count", "500", "--seed", "4", "--radius", "0.1", "--json", out, "--quiet"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, "utf8"));
    const direct = await sampledRegions(net, uniformSamples(uniformBox(3, -1, 1), 500, 4), { radius: 0.1, engine: "reference" });
    expect(json.schema).toBe("netsize.regions.sampled/1");
    expect(json.distinctPatterns).toBe(direct.distinctPatterns);
    expect(json.localComplexity.count.mean).toBeCloseTo(direct.localComplexity!.count.mean, 12);
    expect(r.stdout).toContain(`${direct.distinctPatterns} distinct activation patterns among 500 samples`);
    const bad = await cli(["regions", file, "--sample", "grid:3"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/BAD_ARGUMENT: --sample 'grid:3'/);
  });
});
