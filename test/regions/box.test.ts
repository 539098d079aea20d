import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { randomMlp } from "../../src/core/build.js";
import { makeBox, uniformBox } from "../../src/core/domain.js";
import { activations } from "../../src/core/activations.js";
import { forwardTrace } from "../../src/core/engine/reference.js";
import { createNetwork, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { unitLayerIndices } from "../../src/core/summary.js";
import { boxRegions } from "../../src/lenses/regions/box.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadNetwork, saveNetwork } from "../../src/node/files.js";
import { parseVnnlib } from "../../src/core/io/index.js";
import { HAVE_SHARED, ROOT, model } from "../helpers/shared.js";
import { parseBoxSpec } from "../../src/cli/domain.js";
import { sliceRegions } from "../../src/lenses/regions/slice.js";
import { lineRegions } from "../../src/lenses/regions/line.js";

/** Run the CLI; resolves with exit code, stdout and stderr. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, "bin/netsize.js"), ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

type Pt = number[];

/** Pattern string of the exact forward pass at x (same encoding as the lens). */
function patternOf(net: Network, x: Pt): string {
  const t = forwardTrace(net, x);
  return unitLayerIndices(net).map((li) => Array.from(t.patterns[li]!, (p) => p.toString(36)).join("")).join("");
}

/**
 * Independent exact count for 1-D and 2-D boxes (no LP): start from the box as a segment or polygon,
 * and cut every cell, unit layer by unit layer, by each unit's switching functions (z - breakpoint; for
 * max pools, differences of window cells). On a cell the earlier layers' pattern is fixed, so these are
 * affine there and their values at the cell's vertices (exact forward passes) determine the cut. Cells
 * below `tiny` in size are dropped. The count is the number of distinct patterns of the final cells.
 */
function oracleCount(net: Network, lower: Pt, upper: Pt, free: number[]): number {
  const d = free.length;
  const at = (u: Pt): Pt => { const x = lower.map((l, i) => (l + upper[i]!) / 2); free.forEach((i, k) => { x[i] = lower[i]! + (u[k]! + 1) * (upper[i]! - lower[i]!) / 2; }); return x; };
  const size = (c: Pt[]): number => {
    if (d === 1) return Math.abs(c[1]![0]! - c[0]![0]!);
    let a = 0;
    for (let i = 0; i < c.length; i++) { const p = c[i]!, q = c[(i + 1) % c.length]!; a += p[0]! * q[1]! - q[0]! * p[1]!; }
    return Math.abs(a) / 2;
  };
  const tiny = 1e-14;
  let cells: Pt[][] = d === 1 ? [[[-1], [1]]] : [[[-1, -1], [1, -1], [1, 1], [-1, 1]]];
  const cut = (cell: Pt[], f: number[]): Pt[][] => {
    const pos: Pt[] = [], neg: Pt[] = [];
    const n = d === 1 ? 1 : cell.length;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % cell.length, p = cell[i]!, q = cell[j]!, fp = f[i]!, fq = f[j]!;
      if (fp >= 0) pos.push(p); if (fp <= 0) neg.push(p);
      if ((fp > 0 && fq < 0) || (fp < 0 && fq > 0)) { const s = fp / (fp - fq); const m = p.map((v, k) => v + s * (q[k]! - v)); pos.push(m); neg.push(m); }
      if (d === 1) { if (fq >= 0) pos.push(q); if (fq <= 0) neg.push(q); }
    }
    return [pos, neg].filter((c) => c.length >= d + 1 && size(c) > tiny);
  };
  for (const li of unitLayerIndices(net)) {
    const layer = net.layers[li]!;
    const fns = (x: Pt): number[] => {
      const t = forwardTrace(net, x);
      const z = layer.inputs[0] === -1 ? x : Array.from(t.values[layer.inputs[0]!]!);
      if (layer.kind === "activation") {
        const b = activations[layer.fn].breakpoints!(layer);
        return z.flatMap((v) => b.map((bk) => v - bk));
      }
      // global-width max pool over pairs of cells (the test network below): differences of each pair
      const out: number[] = [];
      for (let c = 0; c < z.length; c += 2) out.push(z[c]! - z[c + 1]!);
      return out;
    };
    const count = fns(at(free.map(() => 0))).length;
    for (let f = 0; f < count; f++) {
      cells = cells.flatMap((cell) => cut(cell, cell.map((u) => fns(at(u))[f]!)));
    }
  }
  const centroid = (c: Pt[]): Pt => c[0]!.map((_, k) => c.reduce((s, p) => s + p[k]!, 0) / c.length);
  return new Set(cells.map((c) => patternOf(net, at(centroid(c))))).size;
}

describe("exact box regions: 1-D and 2-D against an independent polygon-cutting count", () => {
  it("random 2-D ReLU nets of several depths", async () => {
    for (const [widths, seed] of [[[2, 8, 8, 1], 1], [[2, 12, 12, 12, 1], 2], [[2, 20, 1], 3], [[2, 6, 6, 6, 6, 3], 4]] as const) {
      const net = randomMlp(widths as unknown as number[], { seed, biasStd: 0.4 });
      const r = await boxRegions(net, uniformBox(2, -1, 1));
      expect(r.count).toBe(oracleCount(net, [-1, -1], [1, 1], [0, 1]));
      expect(r.complete).toBe(true);
      expect(r.unconfirmed).toBe(0);
      expect(r.crossingsFailed).toBe(0);
      expect(new Set(r.regions!.map((g) => g.pattern)).size).toBe(r.count);
      for (const g of r.regions!) {
        expect(patternOf(net, g.point)).toBe(g.pattern); // confirmed at an interior point
        expect(g.point.every((v) => v > -1 && v < 1)).toBe(true);
      }
    }
  });

  it("1-input nets: the count equals the exact number of intervals", async () => {
    for (const seed of [5, 6, 7]) {
      const net = randomMlp([1, 10, 10, 10, 1], { seed, biasStd: 0.5 });
      const r = await boxRegions(net, uniformBox(1, -3, 3));
      expect(r.count).toBe(oracleCount(net, [-3], [3], [0]));
      expect(r.count).toBeGreaterThan(5);
    }
  });

  it("bias-free nets, whose hyperplanes all pass through the box centre", async () => {
    const net = randomMlp([2, 7, 7, 1], { seed: 11 });
    const r = await boxRegions(net, uniformBox(2, -1, 1));
    expect(r.count).toBe(oracleCount(net, [-1, -1], [1, 1], [0, 1]));
  });

  it("leaky ReLU, abs and hard tanh (three pieces per unit)", async () => {
    for (const act of ["leakyrelu", "abs", "hardtanh"] as const) {
      const net = randomMlp([2, 6, 6, 1], { seed: 21, biasStd: 0.5, activation: act });
      const r = await boxRegions(net, uniformBox(2, -2, 2));
      expect(r.count).toBe(oracleCount(net, [-2, -2], [2, 2], [0, 1]));
    }
  });

  it("fixed inputs: a 4-input box with two inputs fixed is a 2-D cross-section", async () => {
    const net = randomMlp([4, 10, 10, 2], { seed: 31, biasStd: 0.3 });
    const lower = [-1, 0.3, 0, -0.2], upper = [1, 0.3, 0.5, -0.2];
    const r = await boxRegions(net, makeBox(Float64Array.from(lower), Float64Array.from(upper)));
    expect(r.freeInputs).toEqual([0, 2]);
    expect(r.count).toBe(oracleCount(net, lower, upper, [0, 2]));
    for (const g of r.regions!) { expect(g.point[1]).toBe(0.3); expect(g.point[3]).toBe(-0.2); }
  });

  it("max pooling: the argmax cell is part of the pattern", async () => {
    // input 1×1×2 → conv 1×1 with 6 channels → ReLU → max pool over the 2 cells → flatten → dense 1
    const rng = createRng(41);
    const w = Float64Array.from({ length: 6 }, () => rng.normal()), b = Float64Array.from({ length: 6 }, () => rng.normal() * 0.3);
    const net = createNetwork([1, 1, 2], [
      { kind: "conv2d", inChannels: 1, outChannels: 6, kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], weight: w, bias: b },
      { kind: "activation", fn: "relu" },
      { kind: "maxpool", kernel: [1, 2], stride: [1, 2], pads: [0, 0, 0, 0] },
      { kind: "flatten" },
      { kind: "dense", inSize: 6, outSize: 1, weight: Float64Array.from({ length: 6 }, () => rng.normal()), bias: new Float64Array(1) },
    ]);
    const r = await boxRegions(net, uniformBox(2, -1, 1));
    expect(r.count).toBe(oracleCount(net, [-1, -1], [1, 1], [0, 1]));
  });
});

describe("exact box regions agree with the exact slice and line lenses (independent algorithms)", () => {
  it("2-D boxes: the slice lens on the coordinate plane; 1-D boxes: the line lens", async () => {
    for (let seed = 0; seed < 4; seed++) {
      const net = randomMlp([2, 5 + 3 * seed, 6, ...(seed % 2 ? [6] : []), 2], { seed, biasStd: seed === 0 ? 0 : 0.4 });
      const box = await boxRegions(net, uniformBox(2, -1, 1), { listRegions: false });
      const plane = { origin: new Float64Array(2), basis: [Float64Array.from([1, 0]), Float64Array.from([0, 1])] as [Float64Array, Float64Array], anchors: [] };
      expect(box.count).toBe(sliceRegions(net, plane, { halfWidth: 1, details: false }).count);
    }
    for (let seed = 0; seed < 3; seed++) {
      const net = randomMlp([1, 10, 10, 10, 1], { seed, biasStd: 0.5 });
      const box = await boxRegions(net, uniformBox(1, -3, 3), { listRegions: false });
      expect(box.count).toBe(lineRegions(net, { point: [0], direction: [1], range: [-3, 3] }).count);
    }
  });
});

describe("exact box regions: sampled patterns are a subset (property)", () => {
  it("every pattern of random samples in the box is one of the listed regions", async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 }),
      async (d, width, depth, seed) => {
        const net = randomMlp([d, ...Array(depth).fill(width), 1], { seed, biasStd: 0.5 });
        const r = await boxRegions(net, uniformBox(d, -1.5, 1));
        const listed = new Set(r.regions!.map((g) => g.pattern));
        const rng = createRng(seed + 1), sampled = new Set<string>();
        for (let s = 0; s < 400; s++) sampled.add(patternOf(net, Array.from({ length: d }, () => -1.5 + 2.5 * rng.next())));
        for (const p of sampled) expect(listed.has(p)).toBe(true);
        expect(r.count).toBeGreaterThanOrEqual(sampled.size);
      },
    ), { numRuns: 25 });
  });
});

describe("exact box regions: limits and errors", () => {
  it("maxRegions → LIMIT_EXCEEDED carrying the partial count", async () => {
    const net = randomMlp([2, 8, 8, 1], { seed: 1, biasStd: 0.4 });
    try {
      await boxRegions(net, uniformBox(2, -1, 1), { maxRegions: 10 });
      expect.unreachable();
    } catch (e) {
      expect(isNetsizeError(e, "LIMIT_EXCEEDED")).toBe(true);
      const partial = (e as { partial: { count: number; complete: boolean } }).partial;
      expect(partial.count).toBe(10);
      expect(partial.complete).toBe(false);
    }
  });

  it("smooth activations → NOT_PIECEWISE_LINEAR; too many free inputs → BAD_ARGUMENT; wrong size → DOMAIN_MISMATCH", async () => {
    const tanh = randomMlp([2, 4, 1], { seed: 1, activation: "tanh" });
    await expect(boxRegions(tanh, uniformBox(2, 0, 1))).rejects.toMatchObject({ code: "NOT_PIECEWISE_LINEAR" });
    const wide = randomMlp([10, 4, 1], { seed: 1 });
    await expect(boxRegions(wide, uniformBox(10, 0, 1))).rejects.toMatchObject({ code: "BAD_ARGUMENT" });
    await expect(boxRegions(wide, uniformBox(3, 0, 1))).rejects.toMatchObject({ code: "DOMAIN_MISMATCH" });
  });

  it("a box with every input fixed is one region", async () => {
    const net = randomMlp([3, 4, 1], { seed: 2, biasStd: 0.5 });
    const r = await boxRegions(net, uniformBox(3, 0.25, 0.25));
    expect(r.count).toBe(1);
    expect(r.regions![0]!.pattern).toBe(patternOf(net, [0.25, 0.25, 0.25]));
  });
});

describe.skipIf(!HAVE_SHARED)("exact box regions of ACAS Xu (5 inputs, 6×50 ReLUs)", () => {
  it("a small sub-box of property 1: every sampled pattern is a listed region, each confirmed at its point", async () => {
    const net = await loadNetwork(model("vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx"));
    const prop = parseVnnlib(readFileSync(model("vnncomp2021/prop_1.vnnlib"), "utf8"));
    // 4% of prop_1's box around its centre (the whole box has tens of thousands of regions)
    const lo = prop.box.lower, hi = prop.box.upper, f = 0.04;
    const c = lo.map((l, i) => (l + hi[i]!) / 2), h = lo.map((l, i) => (f * (hi[i]! - l)) / 2);
    const box = makeBox(c.map((v, i) => v - h[i]!), c.map((v, i) => v + h[i]!));
    const r = await boxRegions(net, box);
    expect(r.complete).toBe(true);
    expect(r.unconfirmed + r.crossingsFailed + r.slivers).toBe(0);
    expect(r.count).toBeGreaterThan(30);
    const listed = new Set(r.regions!.map((g) => g.pattern));
    for (const g of r.regions!.slice(0, 40)) expect(patternOf(net, g.point)).toBe(g.pattern);
    const rng = createRng(3), sampled = new Set<string>();
    for (let s = 0; s < 1500; s++) sampled.add(patternOf(net, Array.from(box.lower, (l, i) => l + (box.upper[i]! - l) * rng.next())));
    for (const p of sampled) expect(listed.has(p)).toBe(true);
    expect(r.count).toBeGreaterThanOrEqual(sampled.size);
  });
});

describe("netsize regions --box (CLI)", () => {
  it("box specs: one interval for all inputs, one per input (a lone number fixes it), a VNN-LIB file", () => {
    const u = parseBoxSpec("-1:2.5", 3);
    expect([Array.from(u.lower), Array.from(u.upper)]).toEqual([[-1, -1, -1], [2.5, 2.5, 2.5]]);
    const p = parseBoxSpec("0:1,-2e-1,-0.5:-0.25", 3);
    expect([Array.from(p.lower), Array.from(p.upper)]).toEqual([[0, -0.2, -0.5], [1, -0.2, -0.25]]);
    for (const [spec, code] of [["0:1,0:1", "DOMAIN_MISMATCH"], ["a:1", "BAD_ARGUMENT"], ["0:1:2", "BAD_ARGUMENT"], ["1:0", "DOMAIN_MISMATCH"], ["missing.vnnlib", "IO_ERROR"]] as const) {
      try { parseBoxSpec(spec, 3); expect.unreachable(); } catch (e) { expect(isNetsizeError(e, code)).toBe(true); }
    }
    if (HAVE_SHARED) {
      const v = parseBoxSpec(model("vnncomp2021/prop_1.vnnlib"), 5);
      expect(Array.from(v.lower)).toEqual([0.6, -0.5, -0.5, 0.45, -0.5]);
      expect(v.source).toBe("prop_1.vnnlib");
    }
  });

  it("writes the JSON result, accepts per-input boxes, and exits 3 with the partial count at --max-regions", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-box-"));
    const net = randomMlp([2, 8, 8, 1], { seed: 1, biasStd: 0.4 });
    const file = path.join(dir, "net.json"), out = path.join(dir, "r.json");
    await saveNetwork(net, file);
    const expected = (await boxRegions(net, uniformBox(2, -1, 1))).count;
    const ok = await cli(["regions", file, "--box", "-1:1,-1:1", "--json", out, "--quiet"]);
    expect(ok.code).toBe(0);
    const json = JSON.parse(readFileSync(out, "utf8"));
    expect(json.schema).toBe("netsize.regions.box/1");
    expect(json.count).toBe(expected);
    expect(ok.stdout).toContain(`${expected} linear regions`);
    const limited = await cli(["regions", file, "--box", "-1:1", "--max-regions", "5", "--json", path.join(dir, "no.json"), "--quiet"]);
    expect(limited.code).toBe(3);
    expect(limited.stderr).toMatch(/^netsize: LIMIT_EXCEEDED: .*more than 5 regions/);
    expect(limited.stderr).toContain('"count":5');
    expect(() => readFileSync(path.join(dir, "no.json"))).toThrow(); // nothing partial written
    const bad = await cli(["regions", file, "--box", "0:1,0:1,0:1"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/DOMAIN_MISMATCH: box '0:1,0:1,0:1' has 3 intervals, the network has 2 inputs/);
  });
});
