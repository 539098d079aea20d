import { describe, expect, it } from "vitest";
import { SYNTHETIC, parseSyntheticSpec, syntheticDataset } from "../../src/data/synthetic.js";

describe("synthetic data sets", () => {
  it("are seeded: the same spec gives the same data, another seed other data", () => {
    for (const name of Object.keys(SYNTHETIC)) {
      // sine1d's default grid does not depend on the seed; its uniform variant does
      const spec = name === "sine1d" ? "sine1d:grid=0" : name;
      const a = syntheticDataset(spec), b = syntheticDataset(spec), c = syntheticDataset(`${spec}${spec.includes(":") ? "," : ":"}seed=5`);
      expect(a.x, name).toEqual(b.x);
      expect(a.x, name).not.toEqual(c.x);
    }
  });

  it("2-D classification sets have balanced classes in [0, classes)", () => {
    for (const [spec, classes] of [["moons", 2], ["circles", 2], ["spiral:classes=3,n=301", 3], ["gaussians:classes=4,n=400", 4]] as const) {
      const d = syntheticDataset(spec);
      expect(d.shape).toEqual([2]);
      const counts = new Array(classes).fill(0);
      for (const l of d.labels!) counts[l]++;
      expect(Math.max(...counts) - Math.min(...counts), spec).toBeLessThanOrEqual(1);
    }
  });

  it("moons and circles lie on their curves without noise; XOR labels the quadrants", () => {
    const m = syntheticDataset("moons:noise=0,n=100");
    for (let i = 0; i < m.n; i++) {
      const [x, y] = [m.x[2 * i]!, m.x[2 * i + 1]!];
      const r = m.labels![i] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
      expect(r).toBeCloseTo(1, 12);
    }
    const c = syntheticDataset("circles:noise=0,factor=0.3");
    for (let i = 0; i < c.n; i++) expect(Math.hypot(c.x[2 * i]!, c.x[2 * i + 1]!)).toBeCloseTo(c.labels![i] === 0 ? 1 : 0.3, 12);
    const x = syntheticDataset("xor:n=200");
    for (let i = 0; i < x.n; i++) expect(x.labels![i]).toBe(x.x[2 * i]! * x.x[2 * i + 1]! > 0 ? 1 : 0);
  });

  it("the condensation targets: sin(3x)+sin(6x)/2 on [−1, 1.5] and Σ 3.5·sin(5x_k+1) on [−4, 2]^5", () => {
    const a = syntheticDataset("sine1d");
    expect(a.n).toBe(40);
    expect(a.x[0]).toBe(-1);
    expect(a.x[39]).toBeCloseTo(1.5, 12);
    for (let i = 0; i < a.n; i++) expect(a.y![i]).toBeCloseTo(Math.sin(3 * a.x[i]!) + Math.sin(6 * a.x[i]!) / 2, 12);
    const b = syntheticDataset("sine5d");
    expect(b.n).toBe(80);
    expect(b.shape).toEqual([5]);
    for (let i = 0; i < b.n; i++) {
      let s = 0;
      for (let k = 0; k < 5; k++) {
        const t = b.x[i * 5 + k]!;
        expect(t).toBeGreaterThanOrEqual(-4);
        expect(t).toBeLessThan(2);
        s += 3.5 * Math.sin(5 * t + 1);
      }
      expect(b.y![i]).toBeCloseTo(s, 12);
    }
  });

  it("rejects unknown sets and parameters with BAD_ARGUMENT", () => {
    expect(() => parseSyntheticSpec("blobs")).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    expect(() => parseSyntheticSpec("moons:sharpness=2")).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    expect(() => parseSyntheticSpec("moons:n=-3")).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    expect(parseSyntheticSpec("moons:n=10,noise=0.3").params).toEqual({ seed: 0, n: 10, noise: 0.3 });
  });
});
