// `netsize graph` on a model (table, JSON, drawing and distributions as PNG), on a run folder
// (per-snapshot table with the change between snapshots, line charts), its errors, and the shared MNIST nets.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { encodeNetwork } from "../../src/core/io/index.js";
import { errorLine, netsize } from "../cli/run.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "netsize-graph-cli-"));

describe("netsize graph", () => {
  it("a model: the table, the JSON and both pictures", async () => {
    const dir = tmp(), file = path.join(dir, "m.json");
    writeFileSync(file, encodeNetwork(randomMlp([6, 5, 3], { seed: 2 }), file) as string);
    const json = path.join(dir, "g.json"), png = path.join(dir, "d.png"), dist = path.join(dir, "dist.svg");
    const r = await netsize(["graph", file, "--json", json, "--png", png, "--dist-svg", dist, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/14 nodes, 45 edges/);
    expect(r.stdout).toMatch(/λ_max \d/);
    const j = JSON.parse(readFileSync(json, "utf8")) as { schema: string; layers: { size: number }[]; centrality: { converged: boolean; top: unknown[] } };
    expect(j.schema).toBe("netsize.graph/1");
    expect(j.layers.map((l) => l.size)).toEqual([6, 5, 3]);
    expect([j.centrality.converged, j.centrality.top.length]).toEqual([true, 5]);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
    expect(readFileSync(dist, "utf8")).toMatch(/^<svg/);
  });

  it("a run folder: one row per snapshot and layer, the change between snapshots, the training metrics", async () => {
    const dir = tmp(), run = path.join(dir, "run");
    mkdirSync(path.join(run, "snapshots"), { recursive: true });
    const index = [0, 1, 2].map((e) => ({ name: `epoch-000${e}`, epoch: e, step: 10 * e, files: [`snapshots/epoch-000${e}.json`] }));
    for (const [e, s] of index.entries()) writeFileSync(path.join(run, s.files[0]!), encodeNetwork(randomMlp([4, 3, 2], { seed: 1 + e }), "x.json") as string);
    writeFileSync(path.join(run, "snapshots", "index.json"), JSON.stringify(index));
    writeFileSync(path.join(run, "metrics.jsonl"), [1, 2].map((e) => JSON.stringify({ epoch: e, step: 10 * e, loss: 1 / e, testAccuracy: 0.5 + e / 10 })).join("\n") + "\n");
    const json = path.join(dir, "r.json"), png = path.join(dir, "run.png");
    const r = await netsize(["graph", run, "--json", json, "--png", png, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch-0002\s+20\s+70\.00 %/);
    const j = JSON.parse(readFileSync(json, "utf8")) as { schema: string; frames: { step: number; change?: { strength: number[]; centrality: number }; noChange?: string; metrics?: { testAccuracy: number } }[] };
    expect(j.schema).toBe("netsize.graph.run/1");
    expect(j.frames.map((f) => f.step)).toEqual([0, 10, 20]);
    expect(j.frames[0]!.noChange).toBe("the first snapshot");
    expect(j.frames[1]!.change!.strength).toHaveLength(3);
    expect(j.frames[1]!.change!.centrality).toBeGreaterThan(0);
    expect(j.frames[2]!.metrics!.testAccuracy).toBeCloseTo(0.7, 12);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
    const bad = await netsize(["graph", run, "--dist-png", path.join(dir, "x.png"), "--quiet"]);
    expect(errorLine(bad).code).toBe("BAD_ARGUMENT");
  });

  it("errors: --steps on a model, an unknown --view", async () => {
    const dir = tmp(), file = path.join(dir, "m.json");
    writeFileSync(file, encodeNetwork(randomMlp([2, 2], { seed: 2 }), file) as string);
    for (const args of [["--steps", "0"], ["--view", "flat"]]) {
      const r = await netsize(["graph", file, ...args, "--quiet"]);
      expect(r.code).toBe(2);
      expect(errorLine(r).code).toBe("BAD_ARGUMENT");
    }
  });

  it.skipIf(!HAVE_SHARED)("mnist-net_256x2: 1,306 nodes, 268,800 edges, centrality to ≤ 1e-9·λ_max", async () => {
    const r = await netsize(["graph", model("vnncomp2021/mnist-net_256x2.onnx"), "--json", "--quiet", "--no-graphology"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { graph: { nodes: number; edges: number }; centrality: { relativeResidual: number; lambdaMax: number }; layers: { strength: { mean: number } }[] };
    expect([j.graph.nodes, j.graph.edges]).toEqual([1306, 268800]);
    expect(j.centrality.relativeResidual).toBeLessThanOrEqual(1e-9);
    expect(j.centrality.lambdaMax).toBeCloseTo(60.5085, 3);
  });
});
