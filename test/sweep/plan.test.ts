// Plans: grid × random expansion, job ids that depend on the configuration only, bad plans refused by code.
import { describe, expect, it } from "vitest";
import { isNetsizeError } from "../../src/core/errors.js";
import { canonicalJson, headlineScalars, parsePlan } from "../../src/sweep/index.js";

const PLAN = `
train: { arch: "2-8-8-2", data: "moons:n=100", epochs: 2, backend: cpu }
grid: { seed: [0, 1, 2], l1: [0, 0.001] }
snapshots: [0, 1]
lenses:
  - lens: regions.slice
    plane: [[-1, -1], [2, -1], [-1, 2]]
`;

const code = (f: () => unknown): string => { try { f(); return "no error"; } catch (e) { return isNetsizeError(e) ? e.code : String(e); } };

describe("sweep plans", () => {
  it("expands a grid to its product, keeps the last epoch among the snapshots, and names jobs by their configuration", () => {
    const p = parsePlan(PLAN, "/tmp/p.yaml");
    expect(p.jobs.length).toBe(6);
    expect(p.jobs.map((j) => j.params)).toEqual([
      { seed: 0, l1: 0 }, { seed: 0, l1: 0.001 }, { seed: 1, l1: 0 }, { seed: 1, l1: 0.001 }, { seed: 2, l1: 0 }, { seed: 2, l1: 0.001 },
    ]);
    expect(p.jobs[0]!.snapshots).toEqual([0, 1, 2]);
    expect(new Set(p.jobs.map((j) => j.id)).size).toBe(6);
    expect(p.store).toBe("/tmp/p.duckdb");
    // Same plan, keys in another order and a default spelled out: the same ids (re-submitting is idempotent).
    const q = parsePlan(PLAN.replace("epochs: 2, backend: cpu", "backend: cpu, epochs: 2, optimizer: adam"), "/tmp/q.yaml");
    expect(q.jobs.map((j) => j.id)).toEqual(p.jobs.map((j) => j.id));
    // Another setting: other ids.
    const r = parsePlan(PLAN.replace("epochs: 2", "epochs: 3"), "/tmp/r.yaml");
    expect(r.jobs.some((j) => p.jobs.some((k) => k.id === j.id))).toBe(false);
  });

  it("draws random settings reproducibly from the plan's seed, within their ranges", () => {
    const text = `train: { arch: "2-4-2", data: moons }\nrandom: { count: 5, seed: 7, lr: { min: 0.0001, max: 0.1, log: true }, seed: 3, activation: [relu, leakyrelu] }\nlenses: [{ lens: info }]\n`;
    // 'seed' inside random is the draw's seed; a train seed is drawn with another key name — here the duplicate key is a YAML error.
    expect(code(() => parsePlan(text, "p.yaml"))).toBe("BAD_ARGUMENT");
    const ok = `train: { arch: "2-4-2", data: moons }\nrandom: { count: 5, seed: 7, lr: { min: 0.0001, max: 0.1, log: true }, activation: [relu, leakyrelu] }\nlenses: [{ lens: info }]\n`;
    const a = parsePlan(ok, "p.yaml"), b = parsePlan(ok, "p.yaml");
    expect(a.jobs.length).toBe(5);
    expect(a.jobs.map((j) => j.params)).toEqual(b.jobs.map((j) => j.params));
    for (const j of a.jobs) {
      expect(j.train.lr).toBeGreaterThanOrEqual(0.0001);
      expect(j.train.lr).toBeLessThanOrEqual(0.1);
      expect(["relu", "leakyrelu"]).toContain(j.train.activation);
    }
  });

  it("refuses bad plans with one error naming what to fix", () => {
    const bad = (s: string): string => code(() => parsePlan(s, "p.yaml"));
    expect(bad("train: { arch: 2-4-2, data: moons }\nlenses: [{ lens: nosuch }]\n")).toBe("BAD_ARGUMENT");
    expect(bad("train: { arch: 2-4-2, data: moons, colour: red }\nlenses: [{ lens: info }]\n")).toBe("BAD_ARGUMENT");
    expect(bad("train: { arch: 2-4-2, data: moons }\ngrid: { lr: [0.1, -1] }\nlenses: [{ lens: info }]\n")).toBe("BAD_ARGUMENT");
    expect(bad("train: { arch: 2-4-2, data: moons }\nlenses: [{ lens: regions.slice, options: { nosuch: 1 } }]\n")).toBe("BAD_ARGUMENT");
    expect(bad("train: { arch: 2-4-2, data: moons }\nlenses: [{ lens: regions.slice, plane: [[0, 0], [1, 0]] }]\n")).toBe("BAD_ARGUMENT");
    expect(bad("train: { arch: 2-4-2, data: moons }\ngrid: { seed: [" + Array.from({ length: 400 }, (_, i) => i).join(",") + "], lr: [" + Array.from({ length: 300 }, (_, i) => (i + 1) / 1000).join(",") + "] }\nlenses: [{ lens: info }]\n")).toBe("LIMIT_EXCEEDED");
    expect(bad("[1, 2")).toBe("BAD_ARGUMENT");
  });

  it("canonical JSON sorts keys at every depth; headline scalars of known lenses", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 2, y: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":3,"z":2}]},"b":1}');
    expect(headlineScalars("stability", { totals: { units: 16, stablyActive: 3, stablyInactive: 2, unstable: 11, unknown: 0 } }))
      .toEqual({ stable_units: 5, stably_active: 3, stably_inactive: 2, unstable_units: 11, unknown_units: 0, units: 16 });
    expect(headlineScalars("regions.slice", { count: 42, decisionBoundary: { length: 1.5 } })).toEqual({ regions: 42, boundary_length: 1.5 });
    expect(headlineScalars("graph", { schema: "x", nodes: 7, density: 0.5 })).toEqual({ graph_nodes: 7, graph_density: 0.5 });
  });
});
