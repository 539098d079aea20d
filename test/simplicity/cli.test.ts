// The command line: `netsize simplicity` on a model and on a run folder, and `netsize transform --ion`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { encodeNetwork, networkFromBytes } from "../../src/core/io/index.js";
import { createRng } from "../../src/core/random.js";
import { errorLine, netsize } from "../cli/run.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-simplicity-"));
const net = randomMlp([3, 12, 12, 2], { seed: 2, biasStd: 0.2 });
const modelFile = path.join(dir, "net.json");
writeFileSync(modelFile, encodeNetwork(net, modelFile));
const rng = createRng(4);
const rows = Array.from({ length: 300 }, () => { const x = [rng.normal(), rng.normal(), rng.normal()]; return [...x, x[0]! + 0.3 * x[1]! > 0 ? 1 : 0]; });
const csv = path.join(dir, "data.csv");
writeFileSync(csv, "a,b,c,label\n" + rows.map((r) => r.join(",")).join("\n") + "\n");

describe("netsize simplicity", () => {
  it("prints the table, writes the JSON and the curve PNG", async () => {
    const json = path.join(dir, "s.json"), png = path.join(dir, "s.png");
    const r = await netsize(["simplicity", modelFile, "--data", csv, "--label-column", "label", "--json", json, "--png", png, "--gdv-per-class", "20", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/prunability ρ\* = [01](\.\d+)?/);
    expect(r.stdout).toMatch(/^relu0 +12 /m);
    expect(r.stdout).toMatch(/^logits /m);
    const j = JSON.parse(readFileSync(json, "utf8")) as { schema: string; samples: number; engine: string; prunability: { curve: unknown[] }; gdv: { points: number } };
    expect(j.schema).toBe("netsize.simplicity/1");
    expect(j.samples).toBe(300);
    expect(j.engine).toBe("onnxruntime");
    expect(j.gdv.points).toBe(40);
    expect(j.prunability.curve.length).toBeGreaterThanOrEqual(51);
    expect(Array.from(readFileSync(png).subarray(1, 4), (c) => String.fromCharCode(c)).join("")).toBe("PNG");
  });

  it("gives one row per snapshot of a run folder", async () => {
    const run = path.join(dir, "run");
    mkdirSync(path.join(run, "snapshots"), { recursive: true });
    for (const [name, seed] of [["epoch-0001", 2], ["epoch-0002", 3]] as const) {
      const f = path.join(run, "snapshots", `${name}.json`);
      writeFileSync(f, encodeNetwork(randomMlp([3, 12, 12, 2], { seed, biasStd: 0.2 }), f));
    }
    const out = path.join(dir, "series.json");
    const r = await netsize(["simplicity", run, "--data", csv, "--label-column", "label", "--measures", "units,representations", "--json", out, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^epoch-0001 /m);
    expect(r.stdout).toMatch(/^epoch-0002 /m);
    const j = JSON.parse(readFileSync(out, "utf8")) as { schema: string; snapshots: { name: string; result: { schema: string } }[] };
    expect(j.schema).toBe("netsize.simplicity.series/1");
    expect(j.snapshots.map((s) => s.name)).toEqual(["epoch-0001", "epoch-0002"]);
  });

  it("refuses an unknown measure with one error line", async () => {
    const r = await netsize(["simplicity", modelFile, "--data", csv, "--label-column", "label", "--measures", "size"]);
    expect(r.code).not.toBe(0);
    expect(errorLine(r).code).toBe("BAD_ARGUMENT");
  });
});

describe("netsize transform --ion", () => {
  it("writes an identical-output network whose outputs equal the model's to 1e-9", async () => {
    for (const map of ["scale", "affine"]) {
      const out = path.join(dir, `ion-${map}.onnx`);
      const r = await netsize(["transform", modelFile, "--ion", "9", "--map", map, "-o", out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`map ${map}`);
      const ion = networkFromBytes(readFileSync(out));
      expect(ion.layers.length).toBe(map === "scale" ? net.layers.length : net.layers.length + 2);
      const X = Float64Array.from({ length: 600 }, () => rng.normal());
      const a = forwardBatchReference(net, X, 200, { withUnits: false }).outputs, b = forwardBatchReference(ion, X, 200, { withUnits: false }).outputs;
      expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0)).toBeLessThan(1e-9);
    }
  });

  it("refuses to overwrite its input and a layer that cannot take the map", async () => {
    const r = await netsize(["transform", modelFile, "--ion", "1", "-o", modelFile]);
    expect(errorLine(r).code).toBe("BAD_ARGUMENT");
    const bad = await netsize(["transform", modelFile, "--ion", "1", "--layer", "dense0", "-o", path.join(dir, "x.json")]);
    expect(errorLine(bad).code).toBe("BAD_ARGUMENT");
    expect(existsSync(path.join(dir, "x.json"))).toBe(false);
  });
});
