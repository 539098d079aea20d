// Planted condensation: k orientations (some opposite, forming lines) with noise are recovered by
// every rule at every threshold; the counts, the spectrum and the 5 % rule on hand-built layers.
import { describe, expect, it } from "vitest";
import { mlp } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { condensation, greedyLines, completeLines, CLUSTER_RULES } from "../../src/lenses/condensation/index.js";

/** A d-(width)-1 tanh network whose neurons' u_k = r_k·(dir_g + noise): `lines` lines, the first `opposite` of them used in both directions. */
function planted(seed: number, d: number, lines: number, opposite: number, perOrientation: number, noise: number) {
  const rng = createRng(seed);
  const D = d + 1;
  const dirs: Float64Array[] = [];
  while (dirs.length < lines) {
    const v = Float64Array.from({ length: D }, () => rng.normal());
    const nv = Math.hypot(...v);
    v.forEach((x, i) => (v[i] = x / nv));
    // keep lines well apart: |cos| < 0.5 with every earlier one
    if (dirs.every((u) => Math.abs(u.reduce((s, x, i) => s + x * v[i]!, 0)) < 0.5)) dirs.push(v);
  }
  const rows: Float64Array[] = [];
  dirs.forEach((u, g) => {
    for (const sign of g < opposite ? [1, -1] : [1]) {
      for (let j = 0; j < perOrientation; j++) {
        const r = 0.5 + rng.next();
        rows.push(Float64Array.from(u, (x) => r * (sign * x + noise * rng.normal())));
      }
    }
  });
  const width = rows.length;
  const weight = new Float64Array(width * d), bias = new Float64Array(width);
  rows.forEach((r, k) => { weight.set(r.subarray(0, d), k * d); bias[k] = r[d]!; });
  const out = Float64Array.from({ length: width }, () => rng.normal());
  return { net: mlp([d, width, 1], [{ weight, bias }, { weight: out, bias: new Float64Array(1) }], "tanh"), orientations: lines + opposite, lines };
}

describe("planted orientations", () => {
  for (const [seed, lines, opposite] of [[1, 1, 1], [2, 3, 2], [3, 4, 0], [4, 2, 2]] as const) {
    it(`${lines} line(s), ${opposite} of them two-sided (seed ${seed}), noise 1e-3: every rule at 0.9, 0.95, 0.99 counts them`, async () => {
      const p = planted(seed, 5, lines, opposite, 8, 1e-3);
      const r = await condensation(p.net, undefined, { merge: false });
      const l = r.layers[0]!;
      expect(l.units).toBe(p.orientations * 8);
      expect(l.kept).toBe(l.units);
      expect(l.counts).toHaveLength(2 * 3);
      for (const c of l.counts) {
        expect([c.rule, c.threshold, c.lines, c.orientations]).toEqual([c.rule, c.threshold, p.lines, p.orientations]);
        expect(c.fractionInOrientations).toBe(1);
      }
      expect(CLUSTER_RULES).toEqual(["greedy", "complete"]);
      // the threshold-free figure: one eigenvalue per line carries (almost) all of the trace
      expect(l.spectrum.count).toBe(p.lines);
      // by-cluster order lists each orientation's neurons together
      expect(l.order.cluster.length).toBe(l.kept);
    });
  }

  it("noise 0.05 breaks the lines apart at τ = 0.99 but not at 0.9", async () => {
    const p = planted(5, 5, 2, 0, 20, 0.05);
    const r = await condensation(p.net, undefined, { merge: false });
    const at = (rule: string, t: number) => r.layers[0]!.counts.find((c) => c.rule === rule && c.threshold === t)!;
    expect(at("greedy", 0.9).lines).toBe(2);
    expect(at("complete", 0.9).lines).toBe(2);
    expect(at("greedy", 0.9).fractionInLines).toBe(1);
    // at 0.99 the noise leaves neurons out: greedy's star around a leader keeps more than complete linkage's cliques
    expect(at("greedy", 0.99).fractionInLines).toBeLessThan(1);
    expect(at("complete", 0.99).fractionInLines).toBeLessThanOrEqual(at("greedy", 0.99).fractionInLines);
  });

  it("greedy: the neuron with most neighbours leads; complete linkage splits a chain greedy would join", () => {
    // three unit vectors in a plane at 0°, 10°, 20°: cos(10°) = 0.985 ≥ 0.98 but cos(20°) = 0.940 < 0.98
    const a = [0, 10, 20].map((deg) => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)]);
    const S = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) S[i * 3 + j] = a[i]![0]! * a[j]![0]! + a[i]![1]! * a[j]![1]!;
    const g = greedyLines(S, 3, 0.98);
    expect(g.map((l) => [l.leader, l.members])).toEqual([[1, [0, 1, 2]]]);
    const c = completeLines(S, 3, 0.98);
    expect(c.map((l) => l.members.length).sort()).toEqual([1, 2]);
  });

  it("the 5 % rule: a cluster of 2 of 50 kept neurons does not count, 3 do; neurons below the norm cut are left out", async () => {
    const d = 2, rng = createRng(9);
    const rows: number[][] = [];
    for (let k = 0; k < 47; k++) rows.push([1 + 0.001 * rng.normal(), 0.001 * rng.normal(), 0.001 * rng.normal()]);
    rows.push([0, 1, 0], [0, 1.01, 0.001]); // two along another line
    rows.push([1e-6, 1e-6, 0]); // below 1e-3 × the largest norm
    const weight = Float64Array.from(rows.flatMap((r) => r.slice(0, d))), bias = Float64Array.from(rows.map((r) => r[d]!));
    const net = mlp([d, rows.length, 1], [{ weight, bias }, { weight: new Float64Array(rows.length).fill(1), bias: new Float64Array(1) }], "relu");
    const l = (await condensation(net, undefined, { merge: false })).layers[0]!;
    expect([l.units, l.kept, l.belowNorm]).toEqual([50, 49, 1]);
    expect([l.lines, l.orientations]).toEqual([1, 1]);
    expect(l.fractionInLines).toBeCloseTo(47 / 49, 12);
    expect(l.clusters.filter((c) => !c.counted).map((c) => c.size)).toEqual([2]);
  });
});
