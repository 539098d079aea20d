import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadNetwork, saveNetwork } from "../../src/node/files.js";
import { randomMlp } from "../../src/core/build.js";
import { summarize } from "../../src/core/summary.js";
import { domainFromOptions, parseBoxSpec } from "../../src/cli/domain.js";
import { errorLine, netsize, netsizeAll } from "../cli/run.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";
import { biasedMlp } from "./nets.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-stability-"));
const small = path.join(dir, "small.json"), mnistNet = path.join(dir, "mnist.json"), smooth = path.join(dir, "tanh.json");

beforeAll(async () => {
  await saveNetwork(biasedMlp([3, 12, 10, 2], 4, { pStable: 0.8, shift: 4 }), small);
  await saveNetwork(randomMlp([784, 16, 10], { seed: 2, biasStd: 0.5 }), mnistNet);
  await saveNetwork(randomMlp([3, 4, 1], { seed: 1, activation: "tanh" }), smooth);
});

describe("domain options", () => {
  it("parses uniform, per-input, JSON, CSV and VNN-LIB boxes", () => {
    expect(Array.from(parseBoxSpec("0:1", 3).upper)).toEqual([1, 1, 1]);
    const b = parseBoxSpec("-1:1,0.5,2:3", 3);
    expect(Array.from(b.lower)).toEqual([-1, 0.5, 2]);
    expect(Array.from(b.upper)).toEqual([1, 0.5, 3]);
    const j = path.join(dir, "box.json"), c = path.join(dir, "box.csv");
    writeFileSync(j, JSON.stringify({ lower: [0, -1], upper: [1, 2] }));
    writeFileSync(c, "lo,hi\n0,1\n-1,2\n");
    expect(Array.from(parseBoxSpec(j, 2).upper)).toEqual([1, 2]);
    expect(Array.from(parseBoxSpec(c, 2).lower)).toEqual([0, -1]);
    expect(() => parseBoxSpec("0:1,0:1", 3)).toThrow(expect.objectContaining({ code: "DOMAIN_MISMATCH" }));
    expect(() => parseBoxSpec("1:0", 2)).toThrow(expect.objectContaining({ code: "DOMAIN_MISMATCH" }));
    expect(() => parseBoxSpec("a:1", 2)).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    if (HAVE_SHARED) {
      const v = parseBoxSpec(model("vnncomp2021/prop_1.vnnlib"), 5);
      expect(v.lower[0]).toBeCloseTo(0.6, 12);
      expect(v.upper[0]).toBeCloseTo(0.679857769, 12);
    }
  });

  it("builds the L∞ ball around an MNIST digit, clipped to [0,1]", () => {
    const d = domainFromOptions({ ball: "0.1", data: "mnist", index: "3" }, 784);
    const x = d.data!.x.subarray(3 * 784, 4 * 784);
    for (let i = 0; i < 784; i++) {
      expect(d.box.lower[i]).toBe(Math.max(0, x[i]! - 0.1));
      expect(d.box.upper[i]).toBe(Math.min(1, x[i]! + 0.1));
    }
    expect(d.box.source).toContain("mnist[3]");
    expect(() => domainFromOptions({ ball: "0.1", data: "mnist" }, 784)).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    expect(() => domainFromOptions({ box: "0:1", ball: "0.1" }, 784)).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    expect(() => domainFromOptions({}, 784)).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
  });
});

describe("netsize stability / compress", () => {
  it("stability prints the per-layer table and writes the JSON result", async () => {
    const json = path.join(dir, "stab.json");
    const r = await netsize(["stability", small, "--box", "0:1", "--json", json, "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("stably active");
    expect(r.stdout).toContain("complete: every unit is proven");
    const res = JSON.parse(readFileSync(json, "utf8"));
    expect(res.schema).toBe("netsize.stability/1");
    expect(res.totals.units).toBe(22);
    expect(res.layers[0].state).toHaveLength(12);
    // Three inputs: the auto mode also splits the input box.
    expect(res.stages.map((s: { stage: string }) => s.stage)).toEqual(["ibp", "sampling", "crown", "lp", "split", "milp"]);
  });

  it("compress writes a smaller ONNX equal to the original and reports the check", async () => {
    const out = path.join(dir, "small.onnx"), rep = path.join(dir, "rep.json");
    const r = await netsize(["compress", small, "--box", "0:1", "-o", out, "--json", rep, "--points", "20000", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/units 22 → \d+, parameters/);
    const report = JSON.parse(readFileSync(rep, "utf8"));
    expect(report.equivalence.points).toBe(20000);
    expect(report.equivalence.maxAbsDiff).toBeLessThan(1e-9);
    expect(report.equivalence.exported.float).toBe(64);
    expect(report.equivalence.exported.maxAbsDiff).toBeLessThan(1e-9);
    const back = await loadNetwork(out);
    expect(summarize(back).units).toBe(report.compression.after.units);
    expect(report.compression.after.units).toBeLessThan(22);
  });

  it("reads a ball around a data point", async () => {
    const r = await netsize(["stability", mnistNet, "--ball", "0.02", "--data", "mnist", "--index", "0", "--method", "crown", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ball eps=0.02 around mnist[0] clipped to [0, 1] (784 inputs), method crown");
  });

  it("fails with one line and the right code, writing nothing", async () => {
    const out = path.join(dir, "never.onnx");
    const runs = await netsizeAll([
      ["stability", small, "--quiet"],
      ["stability", small, "--box", "0:1,0:1", "--quiet"],
      ["stability", smooth, "--box", "0:1", "--method", "milp", "--quiet"],
      ["stability", small, "--box", "0:1", "--method", "exact", "--quiet"],
      ["compress", small, "--box", "0:1", "-o", path.join(dir, "x.txt"), "--quiet"],
      ["compress", smooth, "--box", "0:1", "-o", out, "--quiet"],
    ]);
    expect(runs.map((r) => errorLine(r).code)).toEqual(["BAD_ARGUMENT", "DOMAIN_MISMATCH", "NOT_PIECEWISE_LINEAR", "BAD_ARGUMENT", "BAD_ARGUMENT", "NOT_PIECEWISE_LINEAR"]);
    expect(runs.map((r) => r.code)).toEqual([2, 1, 1, 2, 2, 1]);
    expect(existsSync(out)).toBe(false);
  });
});
