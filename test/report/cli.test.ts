// `netsize report` end to end on a training run folder: the last snapshot's full report plus the
// curves over the snapshots, one HTML page and the JSON beside it; and the argument errors.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { errorLine, netsize } from "../cli/run.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "netsize-report-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("netsize report", () => {
  it("reports a run folder: every lens of the last snapshot, and regions and stable units per snapshot", async () => {
    const run = path.join(dir, "run");
    const t = await netsize(["train", "--arch", "2-8-8-3", "--data", "gaussians:n=300,classes=3", "--epochs", "3", "--snapshots", "0,3", "--out", run, "--quiet"]);
    expect(t.code, t.stderr).toBe(0);
    const out = path.join(dir, "r.html");
    const r = await netsize(["report", run, "--box=-4:4", "--budget", "30", "-o", out, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote .*r\.html \([\d,]+ bytes\) and .*r\.json/);
    const html = readFileSync(out, "utf8");
    const j = JSON.parse(readFileSync(path.join(dir, "r.json"), "utf8")) as { schema: string; lenses: { lens: string; status: string; result?: { schema: string } }[]; run: { points: { epoch: number; regions?: number; stable?: number; units?: number }[]; lenses: { lens: string; status: string }[] } };
    expect(j.schema).toBe("netsize.report/1");
    const ok = j.lenses.filter((l) => l.status === "ok").map((l) => l.lens);
    expect(ok).toEqual(["info", "eval", "regions.bounds", "regions.line", "regions.slice", "regions.box", "regions.sampled", "compress", "simplicity", "condensation", "graph", "shallow", "ensemble"]);
    expect(j.run.points.map((p) => p.epoch)).toEqual([0, 3]);
    for (const p of j.run.points) { expect(p.regions).toBeGreaterThanOrEqual(1); expect(p.units).toBe(16); expect(p.stable).toBeGreaterThanOrEqual(0); }
    expect(j.run.lenses.map((l) => [l.lens, l.status])).toEqual([["condensation.run", "ok"], ["graph.run", "ok"]]);
    for (const id of ["run", "lens-condensation-run", "lens-graph-run", "lens-regions-slice", "lens-compress"]) expect(html, id).toContain(`<section id="${id}"`);
    expect(html).not.toMatch(/<script/i);
  }, 240_000);

  it("refuses an output that is not HTML and a missing model, writing nothing", async () => {
    const a = await netsize(["report", "nope.json", "-o", path.join(dir, "x.txt")]);
    expect(a.code).toBe(2);
    expect(errorLine(a).code).toBe("BAD_ARGUMENT");
    const b = await netsize(["report", path.join(dir, "missing.onnx"), "-o", path.join(dir, "y.html")]);
    expect(b.code).not.toBe(0);
    expect(existsSync(path.join(dir, "y.html"))).toBe(false);
  });
});
