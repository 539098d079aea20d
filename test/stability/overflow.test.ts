// Stable claims on domains whose bounds overflow float64 (issue 16, item 1): a NaN or infinite bound
// must never certify anything, and every claim on a huge box is checked against an oracle that cannot
// overflow: the network with inputs and biases scaled by 2^-k. A ReLU net is positively homogeneous,
// and scaling by a power of two is exact in float64 (no sub-normals), so the scaled net's float64
// values are exactly 2^-k times those of an unbounded-exponent float64 evaluation.
import { describe, expect, it } from "vitest";
import { Box, makeBox, uniformBox } from "../../src/core/domain.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { loadNetwork } from "../../src/node/files.js";
import { createNetwork, inputSize, LayerSpec, mlp, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { ibp } from "../../src/lenses/stability/ibp.js";
import { activationRange, relaxation, stablePiece } from "../../src/lenses/stability/pieces.js";
import { StabilityResult } from "../../src/lenses/stability/report.js";
import { lerp, midpoint } from "../../src/lenses/stability/sampling.js";
import { widenLower, widenUpper } from "../../src/lenses/stability/state.js";
import { stability } from "../../src/lenses/stability/stability.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";

const f64 = (a: number[]): Float64Array => Float64Array.from(a);

/** The net with every bias (and scale shift) times 2^-k; throws unless that is exact (ReLU only, no sub-normal biases). */
function scaledNet(net: Network, k: number): Network {
  const s = 2 ** -k;
  const exact = (b: Float64Array): Float64Array => {
    const r = b.map((v) => v * s);
    r.forEach((v, i) => { if (v !== 0 && (Math.abs(v) < 2 ** -1022 || v / s !== b[i])) throw new Error("scaling is not exact"); });
    return r;
  };
  const specs = net.layers.map((l) => {
    const { shape: _shape, ...rest } = l;
    void _shape;
    if (l.kind === "dense") return { ...rest, bias: exact(l.bias) };
    if (l.kind === "activation" && l.fn !== "relu") throw new Error("only ReLU is homogeneous");
    if (l.kind !== "activation" && l.kind !== "flatten" && l.kind !== "reshape") throw new Error(`no scaled ${l.kind}`);
    return rest;
  }) as LayerSpec[];
  return createNetwork(net.inputShape, specs);
}

/** ≥ 10,000 points of the box: its vertices, points on its faces, uniform points, and points of every magnitude (biases matter near 0). */
function hugeBoxSamples(box: Box, n: number, seed: number): Float64Array {
  const d = box.lower.length, rng = createRng(seed), X = new Float64Array(n * d);
  for (let s = 0; s < n; s++) {
    const row = X.subarray(s * d, (s + 1) * d);
    const kind = s < 2 ** d ? 0 : s % 3;
    for (let i = 0; i < d; i++) {
      const lo = box.lower[i]!, hi = box.upper[i]!;
      if (kind === 0) row[i] = (s >> i) & 1 ? hi : lo;
      else if (kind === 1) row[i] = lerp(lo, hi, rng.next());
      else {
        const m = Math.max(Math.abs(lo), Math.abs(hi));
        const v = (rng.next() < 0.5 ? -1 : 1) * m * 10 ** (-rng.next() * Math.min(308, Math.log10(m) + 3));
        row[i] = Math.min(hi, Math.max(lo, v));
      }
    }
    // Every fourth point lies on a face: one coordinate at a bound.
    if (kind !== 0 && s % 4 === 0) { const i = rng.int(d); row[i] = rng.next() < 0.5 ? box.lower[i]! : box.upper[i]!; }
  }
  return X;
}

/** Claims of `r` contradicted by the oracle on n points, and how many units the oracle sees in both states. */
function check(net: Network, box: Box, r: StabilityResult, k: number, n: number): { stable: number; contradictions: number; switching: number; finite: boolean } {
  const d = inputSize(net), s = 2 ** -k;
  const X = hugeBoxSamples(box, n, 5).map((v) => v * s);
  const res = forwardBatchReference(scaledNet(net, k), X, n);
  let stable = 0, contradictions = 0, switching = 0, finite = true;
  for (const l of r.layers) {
    const j = res.unitLayers.indexOf(l.layer), Z = res.preActivations[j]!;
    for (let i = 0; i < l.units; i++) {
      let on = 0, off = 0;
      for (let q = 0; q < n; q++) {
        const z = Z[q * l.units + i]!;
        if (!Number.isFinite(z)) finite = false;
        if (z > 0) on++; else off++;
      }
      if (on > 0 && off > 0) switching++;
      const st = l.state[i];
      if (st === "active" || st === "inactive") stable++;
      if ((st === "active" && off > 0) || (st === "inactive" && on > 0)) contradictions++;
    }
  }
  expect(d).toBe(box.lower.length);
  return { stable, contradictions, switching, finite };
}

/**
 * x ∈ [−1, 1]; h = relu(M·x, −M·x, M·x, −M·x) with M = 1e308; z = 1 − Σh. IBP's centre sum runs to −∞
 * (4 × 5e307) and its radius to +∞, so z's upper bound was −∞ + ∞ = NaN, which read as "stably
 * inactive" — yet z(0) = 1.
 */
function overflowNet(): Network {
  const M = 1e308;
  return mlp([1, 4, 1, 1], [
    { weight: f64([M, -M, M, -M]), bias: f64([0, 0, 0, 0]) },
    { weight: f64([-1, -1, -1, -1]), bias: f64([1]) },
    { weight: f64([1]), bias: f64([0]) },
  ]);
}

describe("bounds that overflow float64 prove nothing", () => {
  it("stablePiece, the widening and the relaxations fail closed on NaN and ±∞", () => {
    for (const [l, u] of [[NaN, -1], [-Infinity, NaN], [NaN, NaN], [-Infinity, -1], [1, Infinity], [2, 1]] as const) expect(stablePiece([0], l, u)).toBe(-1);
    expect(stablePiece([0], -2, -1)).toBe(0);
    expect(stablePiece([0], 1e300, 1e308)).toBe(1);
    expect(widenLower(NaN, 1)).toBe(-Infinity);
    expect(widenLower(Infinity, 1)).toBe(-Infinity);
    expect(widenLower(1, Infinity)).toBe(-Infinity);
    expect(widenLower(1, NaN)).toBe(-Infinity);
    expect(widenUpper(NaN, 1)).toBe(Infinity);
    expect(widenUpper(-Infinity, 1)).toBe(Infinity);
    expect(widenLower(-1, 1)).toBe(-1 - 1e-10);
    expect(activationRange("relu", {}, NaN, 1)).toEqual([-Infinity, Infinity]);
    expect(relaxation("relu", {}, -Infinity, 1)).toEqual({ lowS: 0, lowT: -Infinity, upS: 0, upT: Infinity });
    expect(midpoint(-1e308, 1.7e308)).toBeCloseTo(0.35e308, -300);
    expect(midpoint(1e308, 1.7e308)).toBe(1.35e308);
    expect(lerp(-1e308, 1e308, 0.75)).toBe(0.5e308);
    expect(lerp(0, 1, 2)).toBe(1);
  });

  it("IBP widens overflowed bounds to ±∞ instead of NaN, on a hand-built net where its sums overflow", () => {
    const net = overflowNet(), box = uniformBox(1, -1, 1);
    const b = ibp(net, box);
    expect([b.layers[0]!.lower[0], b.layers[0]!.upper[0]]).toEqual([-1e308, 1e308]);
    expect(b.layers[2]!.lower[0]).toBe(-Infinity);
    expect(b.layers[2]!.upper[0]).toBe(Infinity);
    expect(b.layers[2]!.mag[0]).toBe(Infinity);
    // Later layers see sound intervals, never NaN.
    for (const l of b.layers) for (const v of [...l.lower, ...l.upper]) expect(Number.isNaN(v)).toBe(false);
    // The reference pass at x = 0 is finite: z = 1, the unit is active there.
    expect(forwardBatchReference(net, f64([0]), 1).preActivations[1]![0]).toBe(1);
  });

  it("no method calls the overflowing unit stable (it is active at 0 and inactive at 0.5)", async () => {
    const net = overflowNet(), box = uniformBox(1, -1, 1);
    const ref = forwardBatchReference(net, f64([0, 0.5]), 2).preActivations[1]!;
    expect(ref[0]! > 0 && ref[1]! < 0).toBe(true);
    for (const method of ["ibp", "crown", "alpha-crown", "lp", "milp", "auto"] as const) {
      const r = await stability(net, box, { method, timeLimit: 5 });
      const st = r.layers[1]!.state[0];
      expect([method, st === "active" || st === "inactive"]).toEqual([method, false]);
      expect(r.layers[1]!.by[0]).toBe("none");
    }
  }, 60_000);
});

describe.skipIf(!HAVE_SHARED)("ACAS Xu on huge boxes: every stable claim holds on 12,000 points of the box", () => {
  const acas = "vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx";
  const N = 12_000;

  it("±1e306 (bounds overflow): ibp, crown, alpha-crown and auto claim nothing the oracle contradicts", async () => {
    const net = await loadNetwork(model(acas));
    const box = uniformBox(5, -1e306, 1e306, "--box -1e306:1e306");
    for (const method of ["ibp", "crown", "alpha-crown", "auto"] as const) {
      const r = await stability(net, box, { method, timeLimit: 4 });
      const c = check(net, box, r, 976, N);
      expect(c.finite).toBe(true);
      expect([method, c.contradictions]).toEqual([method, 0]);
      // The oracle has teeth: most units of the deep layers switch on these points (before the fix 146 of them were "stable").
      expect(c.switching).toBeGreaterThan(200);
      // Units whose bounds overflowed are unknown, and nothing relies on a certificate.
      expect(r.totals.unknown).toBeGreaterThan(100);
      expect(r.certificate).toBe("none");
      expect(r.complete).toBe(false);
    }
  }, 120_000);

  it("±1e100 (huge but finite bounds): crown, alpha-crown and auto claims hold, and the MILP refuses terms beyond its tolerance", async () => {
    const net = await loadNetwork(model(acas));
    const box = makeBox(new Float64Array(5).fill(-1e100), new Float64Array(5).fill(1e100), "±1e100");
    for (const method of ["crown", "alpha-crown", "auto"] as const) {
      const r = await stability(net, box, { method, timeLimit: 4 });
      const c = check(net, box, r, 300, N);
      expect(c.finite).toBe(true);
      expect([method, c.contradictions]).toEqual([method, 0]);
      expect(r.layers.every((l) => l.lower.every((v) => Number.isFinite(v)))).toBe(true);
      if (method === "auto") expect(r.stages.find((s) => s.stage === "milp")!.stable).toBe(0);
    }
  }, 120_000);
});
