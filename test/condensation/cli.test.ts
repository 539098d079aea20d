// `netsize condensation` on a model, a run folder and the shared MNIST networks; `netsize train`'s new options from the command line.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { errorLine, netsize } from "../cli/run.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), "netsize-cond-cli-"));

describe("netsize condensation", () => {
  it("a tanh run of the paper's 5-D setup: one line, two orientations at step 100; table, JSON and a PNG strip", async () => {
    const dir = path.join(tmp(), "run");
    const t = await netsize(["train", "--arch", "5-50-1", "--data", "sine5d", "--activation", "tanh", "--init-std", "1.6e-7", "--no-output-bias",
      "--adam-eps", "1e-8", "--batch", "full", "--steps", "100", "--snapshots", "0,100", "--formats", "json", "--seed", "0", "--quiet", "--out", dir]);
    expect(t.code, t.stderr).toBe(0);
    const cfg = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8")) as { batch: number; epochs: number; outputBias: boolean; initStd: number; epsilon: number };
    expect([cfg.batch, cfg.epochs, cfg.outputBias, cfg.initStd, cfg.epsilon]).toEqual([0, 100, false, 1.6e-7, 1e-8]);
    const png = path.join(path.dirname(dir), "strip.png"), json = path.join(path.dirname(dir), "c.json");
    const r = await netsize(["condensation", dir, "--png", png, "--json", json, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch-0100\s+100\s+[\d.]+\s+50\s+1\s+2\s/);
    const j = JSON.parse(readFileSync(json, "utf8")) as { schema: string; frames: { step: number; loss: number; layer: { lines: number; orientations: number; multiplicity: number } }[] };
    expect(j.schema).toBe("netsize.condensation.run/1");
    expect(j.frames.map((f) => f.step)).toEqual([0, 100]);
    expect([j.frames[1]!.layer.lines, j.frames[1]!.layer.orientations, j.frames[1]!.layer.multiplicity]).toEqual([1, 2, 1]);
    expect(j.frames[1]!.loss).toBeLessThan(j.frames[0]!.loss);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
    // one snapshot as a model: the merged network (2 orientations) is approximate for tanh, with its error on the training data
    const merged = path.join(path.dirname(dir), "merged.json");
    const m = await netsize(["condensation", path.join(dir, "snapshots", "epoch-0100.json"), "--data", "sine5d", "--merged", merged, "--json", "--quiet"]);
    expect(m.code, m.stderr).toBe(0);
    const mj = JSON.parse(m.stdout) as { merge: { widths: { after: number[] }; exact: boolean; errors: { n: number; maxAbsDiff: number }[] } };
    expect(mj.merge.widths.after).toEqual([2]);
    expect(mj.merge.exact).toBe(false);
    expect(mj.merge.errors[0]!.n).toBe(80);
    expect(existsSync(merged)).toBe(true);
  });

  it("bad options are one-line BAD_ARGUMENT errors, exit 2", async () => {
    const f = model("exactcompression/mnist_100-100_l1-0.onnx");
    for (const args of [["--rule", "single"], ["--threshold", "1.5"], ["--layer", "nope"]]) {
      const r = await netsize(["condensation", HAVE_SHARED ? f : "x.onnx", ...args]);
      expect(r.code).toBe(2);
      expect(errorLine(r).code).toBe(HAVE_SHARED ? "BAD_ARGUMENT" : errorLine(r).code);
    }
  });

  it.skipIf(!HAVE_SHARED)("the shared MNIST networks (standard training) show no condensation at τ = 0.95", async () => {
    for (const [file, eig] of [["vnncomp2021/mnist-net_256x2.onnx", [170, 119]], ["exactcompression/mnist_100-100_l1-0.onnx", [88, 59]]] as const) {
      const r = await netsize(["condensation", model(file), "--json", "--quiet"]);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { layers: { units: number; kept: number; lines: number; orientations: number; spectrum: { count: number } }[] };
      expect(j.layers.map((l) => [l.lines, l.orientations])).toEqual([[0, 0], [0, 0]]);
      expect(j.layers.map((l) => l.kept)).toEqual(j.layers.map((l) => l.units));
      expect(j.layers.map((l) => l.spectrum.count)).toEqual(eig);
    }
  });
});
