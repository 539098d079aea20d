import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Box, makeBox, uniformBox } from "../../src/core/domain.js";
import { parseVnnlib } from "../../src/core/io/vnnlib.js";
import { Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { loadMnist } from "../../src/node/data.js";
import { createBatchedEngine } from "../../src/node/engine/onnxruntime.js";
import { loadNetwork, readTextFile } from "../../src/node/files.js";
import { alphaBoundGradientForTest, alphaCrownChain, alphaCrownRows, PreBounds } from "../../src/lenses/stability/alpha-crown.js";
import { alphaCrownNode, dagBoundGradientForTest } from "../../src/lenses/stability/alpha-dag.js";
import { toChain } from "../../src/lenses/stability/chain.js";
import { crownNode } from "../../src/lenses/stability/crown.js";
import { ibp, Interval, nodeInterval } from "../../src/lenses/stability/ibp.js";
import { stability } from "../../src/lenses/stability/stability.js";
import { widenLower, widenUpper } from "../../src/lenses/stability/state.js";
import { errorLine, netsizeAll } from "../cli/run.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";
import { biasedMlp, boxSamples, smallConvNet } from "./nets.js";
import { contradictions } from "./soundness.js";

/** CROWN on every unit layer in turn (each intersected with IBP), then the output — as bench/bounds.ts runs it. */
function crownAll(net: Network, box: Box): { out: Interval; pre: (PreBounds | undefined)[] } {
  const tight = new Map<number, { lower: Float64Array; upper: Float64Array }>();
  let bounds = ibp(net, box);
  const all = (j: number): Int32Array => Int32Array.from({ length: nodeInterval(bounds, j).lower.length }, (_, i) => i);
  for (const layer of net.layers) {
    if (layer.kind !== "activation") continue;
    const src = layer.inputs[0]!;
    if (src === -1) continue;
    const cb = crownNode(net, box, bounds, src, all(src));
    const I = nodeInterval(bounds, src);
    // Sound (widened) and intersected with IBP, as the stability lens keeps them.
    tight.set(src, { lower: cb.lower.map((v, i) => Math.max(I.lower[i]!, widenLower(v, cb.mag[i]!))), upper: cb.upper.map((v, i) => Math.min(I.upper[i]!, widenUpper(v, cb.mag[i]!))) });
    bounds = ibp(net, box, tight);
  }
  const out = net.layers.length - 1;
  const chain = toChain(net);
  const pre = chain.layers.map((l) => (l.act ? copy(nodeInterval(bounds, net.layers[l.act.layer]!.inputs[0]!)) : undefined));
  return { out: crownNode(net, box, bounds, out, all(out)), pre };
}

const copy = (I: { lower: Float64Array; upper: Float64Array }): PreBounds => ({ lower: Float64Array.from(I.lower), upper: Float64Array.from(I.upper) });
const meanWidth = (I: { lower: ArrayLike<number>; upper: ArrayLike<number> }): number => { let s = 0; for (let i = 0; i < I.lower.length; i++) s += I.upper[i]! - I.lower[i]!; return s / I.lower.length; };
const tol = (z: number): number => 1e-9 * (1 + Math.abs(z));

/** Violations of the interval by the rows of Z (n × width). */
function outside(I: { lower: ArrayLike<number>; upper: ArrayLike<number> }, Z: Float64Array | Float32Array, n: number): number {
  const w = I.lower.length;
  let bad = 0;
  for (let s = 0; s < n; s++) for (let i = 0; i < w; i++) { const z = Z[s * w + i]!; if (z < I.lower[i]! - tol(z) || z > I.upper[i]! + tol(z)) bad++; }
  return bad;
}

/** Intervals of `a` not inside those of `b` (beyond rounding). */
function notInside(a: { lower: ArrayLike<number>; upper: ArrayLike<number> }, b: { lower: ArrayLike<number>; upper: ArrayLike<number> }): number {
  let bad = 0;
  for (let i = 0; i < a.lower.length; i++) if (a.lower[i]! < b.lower[i]! - tol(b.lower[i]!) || a.upper[i]! > b.upper[i]! + tol(b.upper[i]!)) bad++;
  return bad;
}

describe("α-CROWN slope gradient", () => {
  it("equals finite differences of the bound on a random 3-8-8-8-2 ReLU net", () => {
    const net = biasedMlp([3, 8, 8, 8, 2], 5, { pStable: 0 });
    const box = uniformBox(3, -1, 1);
    const chain = toChain(net), b = ibp(net, box);
    const pre = chain.layers.map((l) => (l.act ? nodeInterval(b, net.layers[l.act.layer]!.inputs[0]!) : undefined));
    const k = 3, rows = Int32Array.from([0, 1]), q = 4;
    const alpha = chain.layers.slice(0, k).map((l) => Float64Array.from({ length: q * l.outSize }, (_, i) => 0.3 + (0.4 * ((i * 7919) % 13)) / 13));
    const base = alphaBoundGradientForTest(chain, box, k, pre, rows, alpha);
    let maxErr = 0, nonzero = 0;
    for (let j = 0; j < k; j++) {
      for (let e = 0; e < alpha[j]!.length; e++) {
        const h = 1e-6, a2 = alpha.map((a) => Float64Array.from(a!));
        a2[j]![e] += h;
        const f = Math.floor(e / chain.layers[j]!.outSize);
        const fd = (alphaBoundGradientForTest(chain, box, k, pre, rows, a2).value[f]! - base.value[f]!) / h;
        const g = base.grads[j]?.[e] ?? 0;
        maxErr = Math.max(maxErr, Math.abs(fd - g));
        if (g !== 0) nonzero++;
      }
    }
    expect(maxErr).toBeLessThan(1e-7);
    expect(nonzero).toBe(44);
  });
});

describe("α-CROWN slope gradient on the graph form", () => {
  // The bound is piecewise linear in the slopes. At interior slopes (here 0.3-0.7 of each range) a kink
  // can still sit exactly at the point where a coefficient is exactly 0 (units behind dead ones, max-pool
  // inputs not taken): the pass's choice is then one side's derivative, so the gradient must equal the
  // right or the left difference quotient. (At a slope of exactly 0 a unit's whole upstream path vanishes
  // and ties may mix sides: the step is then a heuristic direction — any slope stays sound.)
  it("equals a one-sided finite difference on a residual conv net with max and average pooling", () => {
    const net = smallConvNet(3), box = uniformBox(25, 0, 1), b = ibp(net, box);
    const target = net.layers.length - 1, rows = Int32Array.from([0, 1]), q = 4;
    const probe = dagBoundGradientForTest(net, box, b, target, rows, []);
    // Slopes spread over each free unit's range.
    const alpha = probe.relax.map((r) => (r ? Float64Array.from({ length: q * r.free.length }, (_, e) => { const i = e % r.free.length; return r.sMin[i]! + (r.sMax[i]! - r.sMin[i]!) * (0.3 + (0.4 * ((e * 7919) % 13)) / 13); }) : undefined));
    const base = dagBoundGradientForTest(net, box, b, target, rows, alpha);
    let maxErr = 0, nonzero = 0, free = 0;
    alpha.forEach((a, j) => {
      if (!a) return;
      const n = probe.relax[j]!.free.length;
      for (let e = 0; e < a.length; e++) {
        if (!probe.relax[j]!.free[e % n]) continue;
        free++;
        const f = Math.floor(e / n), g = base.grads[j]?.[e] ?? 0;
        const quotient = (h: number): number => {
          const a2 = alpha.map((x) => (x ? Float64Array.from(x) : undefined));
          a2[j]![e] += h;
          return (dagBoundGradientForTest(net, box, b, target, rows, a2).value[f]! - base.value[f]!) / h;
        };
        const right = quotient(1e-6), left = quotient(-1e-6);
        maxErr = Math.max(maxErr, Math.min(Math.abs(right - g), Math.abs(left - g)) / (1 + Math.abs(g)));
        if (g !== 0) nonzero++;
      }
    });
    // 616 free slopes over the 4 functionals, 250 of them with a non-zero derivative (measured).
    expect(free).toBe(616);
    expect(nonzero).toBe(250);
    expect(maxErr).toBeLessThan(1e-6);
  });
});

describe("α-CROWN on random MLPs", () => {
  it("contains every sampled value, is never looser than CROWN (property: relu, leaky relu, abs)", () => {
    let tighter = 0;
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 1e6 }), fc.constantFrom("relu", "leakyrelu", "abs"), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: 0.05, max: 2, noNaN: true }),
      (seed, act, lo, w) => {
        const net = biasedMlp([3, 7, 6, 5, 2], seed, { act: act as "relu", pStable: 0.2, ...(act === "leakyrelu" ? { alpha: 0.2 } : {}) });
        const box = uniformBox(3, lo, lo + w);
        const { out: cr, pre } = crownAll(net, box);
        const crownPre = pre.map((p) => (p ? copy(p) : undefined));
        const chain = toChain(net);
        const a = alphaCrownChain(chain, box, pre, 12);
        const n = 600, X = boxSamples(box, n, seed);
        const ref = forwardRef(net, X, n);
        expect(outside(a, ref.outputs, n)).toBe(0);
        chain.layers.forEach((l, k) => {
          if (!l.act) return;
          expect(outside(pre[k]!, ref.pre.get(l.act.layer)!, n)).toBe(0);
          expect(notInside(pre[k]!, crownPre[k]!)).toBe(0);
        });
        expect(notInside(a, cr)).toBe(0);
        if (meanWidth(a) < meanWidth(cr) * (1 - 1e-6)) tighter++;
      },
    ), { numRuns: 40 });
    // The optimiser does something on most of them.
    expect(tighter).toBeGreaterThan(20);
  });
});

describe("the alpha-crown stage", () => {
  it("the graph form (alpha-dag.ts) gives the chain form's bounds on an MLP", () => {
    const net = biasedMlp([3, 8, 8, 8, 2], 5, { pStable: 0 });
    const box = uniformBox(3, -1, 1);
    const chain = toChain(net), b = ibp(net, box);
    const pre = chain.layers.map((l) => (l.act ? nodeInterval(b, net.layers[l.act.layer]!.inputs[0]!) : undefined));
    const rows = Int32Array.from([0, 1]);
    const a = alphaCrownRows(chain, box, 3, pre, rows, 20), d = alphaCrownNode(net, box, b, net.layers.length - 1, rows, 20);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(a.lower[i]! - d.lower[i]!)).toBeLessThan(1e-12);
      expect(Math.abs(a.upper[i]! - d.upper[i]!)).toBeLessThan(1e-12);
    }
  });

  it("on a residual conv net with padding, average and max pooling: sound on 2,000 points, inside CROWN's intervals, tighter", async () => {
    const net = smallConvNet(3);
    // Widths summed over all units, CROWN → α-CROWN, measured: 504.14 → 438.85 and 69.75 → 65.90 (+10 stable units).
    for (const [box, maxRatio, moreStable] of [[uniformBox(25, 0, 1), 0.9, 0], [uniformBox(25, 0.4, 0.6), 0.96, 10]] as const) {
      const cr = await stability(net, box, { method: "crown" });
      const al = await stability(net, box, { method: "alpha-crown" });
      expect(al.stages.find((s) => s.stage === "alpha-crown")!.note).toContain("on the graph");
      const n = 2000, X = boxSamples(box, n, 1), P = forwardRef(net, X, n).pre;
      let bad = 0, wc = 0, wa = 0;
      al.layers.forEach((l, k) => {
        const c = cr.layers[k]!;
        bad += outside(l, P.get(l.layer)!, n) + notInside(l, c);
        for (let i = 0; i < l.units; i++) { wc += c.upper[i]! - c.lower[i]!; wa += l.upper[i]! - l.lower[i]!; }
      });
      expect(bad).toBe(0);
      expect(wa).toBeLessThan(maxRatio * wc);
      const stable = (r: typeof cr): number => r.totals.stablyActive + r.totals.stablyInactive;
      expect(stable(al) - stable(cr)).toBe(moreStable);
    }
  });

  it("runs before LP when lp is given --alpha-iterations, and LP starts from its bounds", async () => {
    const net = biasedMlp([4, 10, 10, 10, 2], 9, { pStable: 0 }), box = uniformBox(4, 0, 1);
    const lp = await stability(net, box, { method: "lp" });
    const alp = await stability(net, box, { method: "lp", alphaIterations: 10 });
    expect(lp.stages.map((s) => s.stage)).toEqual(["ibp", "crown", "lp"]);
    expect(alp.stages.map((s) => s.stage)).toEqual(["ibp", "crown", "alpha-crown", "lp"]);
    expect(alp.options.alphaIterations).toBe(10);
    const stable = (r: typeof lp): number => r.totals.stablyActive + r.totals.stablyInactive;
    expect(stable(alp)).toBeGreaterThanOrEqual(stable(lp));
    await expect(stability(net, box, { method: "alpha-crown", alphaIterations: 1.5 })).rejects.toMatchObject({ code: "BAD_ARGUMENT" });
  });
});

function forwardRef(net: Network, X: Float64Array, n: number): { outputs: Float64Array; pre: Map<number, Float64Array> } {
  const r = forwardBatchReference(net, X, n);
  return { outputs: r.outputs, pre: new Map(r.unitLayers.map((li, k) => [li, r.preActivations[k]!])) };
}

const VNN = "vnncomp2021";
const digitBall = (eps: number): Box => {
  const x0 = loadMnist("test").x.subarray(0, 784);
  return makeBox(x0.map((v) => Math.max(0, v - eps)), x0.map((v) => Math.min(1, v + eps)));
};
const REAL: { name: string; file: string; box: () => Box; minRatio: number }[] = [
  // Measured ratios CROWN width / α-CROWN width of the outputs: 4.11 and 1.323 (20 iterations).
  { name: "ACAS Xu 1_1 on prop_1", file: "ACASXU_run2a_1_1_batch_2000.onnx", box: () => parseVnnlib(readTextFile(model(`${VNN}/prop_1.vnnlib`), "prop_1"), "prop_1").box, minRatio: 3.5 },
  { name: "mnist-net_256x2, first test digit ±0.015", file: "mnist-net_256x2.onnx", box: () => digitBall(0.015), minRatio: 1.25 },
];

describe.skipIf(!HAVE_SHARED)("α-CROWN on real networks", () => {
  for (const c of REAL) {
    it(`${c.name}: contains 10,000 sampled outputs and pre-activations, never looser than CROWN, ≥ ${c.minRatio}× narrower outputs`, async () => {
      const net = await loadNetwork(model(path.join(VNN, c.file)));
      const box = c.box();
      const { out: cr, pre } = crownAll(net, box);
      const crownPre = pre.map((p) => (p ? copy(p) : undefined));
      const chain = toChain(net);
      const a = alphaCrownChain(chain, box, pre, 20);
      expect(notInside(a, cr)).toBe(0);
      expect(meanWidth(cr) / meanWidth(a)).toBeGreaterThan(c.minRatio);
      const engine = await createBatchedEngine(net, { float: 64, threads: 1 });
      try {
        const d = box.lower.length, rng = createRng(11), n = 10_000, chunk = 2_000;
        let bad = 0;
        for (let s0 = 0; s0 < n; s0 += chunk) {
          const X = new Float64Array(chunk * d);
          // Half uniform points, half random vertices (where the extremes of a piecewise-linear net tend to be).
          for (let s = 0; s < chunk; s++) for (let i = 0; i < d; i++) {
            const t = s % 2 === 0 ? rng.next() : rng.next() < 0.5 ? 0 : 1;
            X[s * d + i] = box.lower[i]! + t * (box.upper[i]! - box.lower[i]!);
          }
          const r = await engine.run(X, chunk);
          bad += outside(a, r.outputs, chunk);
          chain.layers.forEach((l, k) => {
            if (!l.act) return;
            bad += outside(pre[k]!, r.preActivations[r.unitLayers.indexOf(l.act.layer)]!, chunk);
          });
        }
        expect(bad).toBe(0);
      } finally {
        await engine.dispose();
      }
      chain.layers.forEach((l, k) => { if (l.act) expect(notInside(pre[k]!, crownPre[k]!)).toBe(0); });
    });
  }

  it("the stability lens with alpha-crown: intervals inside CROWN's, more stable units on ACAS Xu prop_1 (53 → 58)", async () => {
    const net = await loadNetwork(model(`${VNN}/ACASXU_run2a_1_1_batch_2000.onnx`));
    const box = REAL[0]!.box();
    const cr = await stability(net, box, { method: "crown" });
    const al = await stability(net, box, { method: "alpha-crown" });
    expect(al.stages.map((s) => s.stage)).toEqual(["ibp", "crown", "alpha-crown"]);
    expect(cr.totals.stablyActive + cr.totals.stablyInactive).toBe(53);
    expect(al.totals.stablyActive + al.totals.stablyInactive).toBe(58);
    al.layers.forEach((l, k) => {
      const c = cr.layers[k]!;
      expect(notInside(l, c)).toBe(0);
      for (let i = 0; i < l.units; i++) if (c.state[i] !== "unstable") expect(l.state[i]).toBe(c.state[i]);
    });
    expect(al.layers.flatMap((l) => l.by).filter((b) => b === "alpha-crown").length).toBe(5);
    const check = await contradictions(net, box, al, 10_000, 3);
    expect(check.stableViolations).toBe(0);
    expect(check.boundViolations).toBe(0);
  });
});

describe.skipIf(!HAVE_SHARED)("alpha-crown stable claims on more ACAS Xu nets are never contradicted by 10,000 domain points", () => {
  for (const [net, prop] of [["ACASXU_run2a_2_1_batch_2000.onnx", "prop_3.vnnlib"], ["ACASXU_run2a_3_3_batch_2000.onnx", "prop_2.vnnlib"]] as const) {
    it(`${net} on ${prop}: at least CROWN's stable units, intervals inside CROWN's`, async () => {
      const n = await loadNetwork(model(`${VNN}/${net}`));
      const box = parseVnnlib(readTextFile(model(`${VNN}/${prop}`), prop), prop).box;
      const cr = await stability(n, box, { method: "crown" }), al = await stability(n, box, { method: "alpha-crown" });
      const stable = (r: typeof cr): number => r.totals.stablyActive + r.totals.stablyInactive;
      expect(stable(al)).toBeGreaterThanOrEqual(stable(cr));
      al.layers.forEach((l, k) => expect(notInside(l, cr.layers[k]!)).toBe(0));
      const check = await contradictions(n, box, al, 10_000, 5);
      expect(check.stableViolations).toBe(0);
      expect(check.boundViolations).toBe(0);
    });
  }
});

describe.skipIf(!HAVE_SHARED)("netsize stability --method alpha-crown", () => {
  it("runs the α-CROWN stage with --alpha-iterations and refuses a negative count", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-alpha-"));
    const json = path.join(dir, "a.json");
    const acas = model(`${VNN}/ACASXU_run2a_1_1_batch_2000.onnx`), prop = model(`${VNN}/prop_1.vnnlib`);
    const runs = await netsizeAll([
      ["stability", acas, "--vnnlib", prop, "--method", "alpha-crown", "--alpha-iterations", "20", "--json", json, "--quiet"],
      ["stability", acas, "--vnnlib", prop, "--method", "alpha-crown", "--alpha-iterations", "-1", "--quiet"],
    ]);
    expect(runs[0]!.code).toBe(0);
    const res = JSON.parse(readFileSync(json, "utf8"));
    expect(res.options.alphaIterations).toBe(20);
    expect(res.stages.map((s: { stage: string }) => s.stage)).toEqual(["ibp", "crown", "alpha-crown"]);
    expect(res.totals.stablyActive + res.totals.stablyInactive).toBe(58);
    expect(errorLine(runs[1]!).code).toBe("BAD_ARGUMENT");
  });
});
