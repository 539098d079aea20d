import { describe, expect, it } from "vitest";
import { activations } from "../../src/core/activations.js";
import { uniformBox, Box } from "../../src/core/domain.js";
import { solveLp } from "../../src/core/lp/highs.js";
import { Network } from "../../src/core/network.js";
import { toChain } from "../../src/lenses/stability/chain.js";
import { safeLowerBound } from "../../src/lenses/stability/lp.js";
import { buildPrefixModel, unitObjective } from "../../src/lenses/stability/relax-model.js";
import { chainStates } from "../../src/lenses/stability/sampling.js";
import { ibp } from "../../src/lenses/stability/ibp.js";
import { initialStates, provenUnstable } from "../../src/lenses/stability/state.js";
import { splitStage } from "../../src/lenses/stability/split.js";
import { pieceName } from "../../src/lenses/stability/report.js";
import { stability } from "../../src/lenses/stability/stability.js";
import { loadLpSolver } from "../../src/core/lp/highs.js";
import { biasedMlp } from "./nets.js";

/**
 * The exact range of every hidden pre-activation by brute force: enumerate the activation patterns of
 * the earlier layers; on each pattern's region (a polytope, possibly empty) the unit is affine, so one
 * LP per side gives its extremes there. Independent of the lens: only the HiGHS wrapper is shared.
 */
async function bruteForceRanges(net: Network, box: Box): Promise<{ lower: number[]; upper: number[] }[]> {
  const chain = toChain(net);
  const d = chain.inputSize;
  const hidden = chain.layers.filter((l) => l.act);
  const out: { lower: number[]; upper: number[] }[] = [];
  for (let k = 0; k < hidden.length; k++) {
    const lower = new Array(hidden[k]!.outSize).fill(Infinity), upper = new Array(hidden[k]!.outSize).fill(-Infinity);
    const earlier = hidden.slice(0, k).reduce((a, l) => a + l.outSize, 0);
    for (let pat = 0; pat < 2 ** earlier; pat++) {
      // Affine maps (coefficients on x, constant) of every pre-activation under this pattern.
      let prev: { a: Float64Array; c: number }[] = Array.from({ length: d }, (_, i) => { const a = new Float64Array(d); a[i] = 1; return { a, c: 0 }; });
      const rows: { indices: number[]; values: number[]; lower?: number; upper?: number }[] = [];
      let bit = 0;
      for (let j = 0; j <= k; j++) {
        const L = chain.layers[j]!;
        const z = Array.from({ length: L.outSize }, (_, i) => {
          const a = new Float64Array(d); let c = L.bias[i]!;
          prev.forEach((p, t) => { const w = L.weight[i * L.inSize + t]!; c += w * p.c; for (let q = 0; q < d; q++) a[q] += w * p.a[q]!; });
          return { a, c };
        });
        if (j === k) {
          for (let i = 0; i < L.outSize; i++) {
            for (const sense of ["min", "max"] as const) {
              const r = await solveLp({ numVars: d, sense, objective: z[i]!.a, rows, lower: box.lower, upper: box.upper });
              if (r.status !== "optimal") continue;
              const v = r.objective + z[i]!.c;
              if (sense === "min") lower[i] = Math.min(lower[i], v); else upper[i] = Math.max(upper[i], v);
            }
          }
          break;
        }
        prev = z.map((zi) => {
          const on = ((pat >> bit++) & 1) === 1;
          rows.push({ indices: Array.from({ length: d }, (_, q) => q), values: Array.from(zi.a), ...(on ? { lower: -zi.c } : { upper: -zi.c }) });
          // Off piece of a two-piece activation: slope f(-1)/(-1) (0 for ReLU, alpha for leaky ReLU).
          const slope = -activations[L.act!.fn].output(-1, L.act!.params);
          return on ? zi : { a: zi.a.map((v) => slope * v), c: slope * zi.c };
        });
      }
    }
    out.push({ lower, upper });
  }
  return out;
}

describe("LP bounds are rigorous", () => {
  it("the weak-duality bound from HiGHS's duals is within 1e-7 of the LP optimum and below it", async () => {
    const net = biasedMlp([3, 8, 8, 2], 11, { pStable: 0.2 });
    const box = uniformBox(3, -1, 1);
    const chain = toChain(net);
    const states = initialStates(net, ibp(net, box));
    const cs = chainStates(chain, states);
    const pm = buildPrefixModel(chain, 1, cs, box, false);
    const solver = await loadLpSolver();
    const model = solver.model(pm.problem);
    try {
      for (let i = 0; i < 8; i++) {
        for (const sign of [1, -1] as const) {
          const { c, offset } = unitObjective(chain, 1, i, pm, sign);
          model.setObjective(c, "min");
          const sol = model.solve();
          expect(sol.status).toBe("optimal");
          const sb = safeLowerBound(pm.problem, c, offset, sol.rowDuals!);
          const obj = sol.objective + offset;
          expect(sb.bound).toBeLessThanOrEqual(obj + 1e-9);
          expect(obj - sb.bound).toBeLessThan(1e-7);
          // Any duals give a valid (weaker) bound: zero duals give the box-only bound.
          expect(safeLowerBound(pm.problem, c, offset, new Float64Array(sol.rowDuals!.length)).bound).toBeLessThanOrEqual(sb.bound + 1e-9);
        }
      }
    } finally {
      model.dispose();
    }
  });
});

describe("MILP equals brute-force enumeration of activation patterns", () => {
  for (const [name, act, seed] of [["relu", "relu", 5], ["leaky relu", "leakyrelu", 9]] as const) {
    it(`${name}: exact intervals, nesting IBP ⊇ CROWN ⊇ LP ⊇ MILP, and the decided states`, async () => {
      const net = biasedMlp([2, 4, 4, 3, 1], seed, { act, pStable: 0.3, ...(act === "leakyrelu" ? { alpha: 0.1 } : {}) });
      const box = uniformBox(2, -1, 1);
      const exact = await bruteForceRanges(net, box);
      const r = await stability(net, box, { method: "milp", milpBounds: true });
      expect(r.layers.map((l) => l.units)).toEqual([4, 4, 3]);
      const stages = ["ibp", "crown", "lp", "milp"] as const;
      r.layers.forEach((l, k) => {
        for (let i = 0; i < l.units; i++) {
          const lo = exact[k]!.lower[i]!, hi = exact[k]!.upper[i]!;
          const scale = 1e-5 * (1 + Math.abs(lo) + Math.abs(hi));
          // Every stage contains the exact range and nests inside the previous one.
          for (let s = 0; s < stages.length; s++) {
            const b = l.bounds[stages[s]!]!;
            expect(b.lower[i]!).toBeLessThanOrEqual(lo + 1e-9);
            expect(b.upper[i]!).toBeGreaterThanOrEqual(hi - 1e-9);
            if (s > 0) {
              const p = l.bounds[stages[s - 1]!]!;
              expect(b.lower[i]!).toBeGreaterThanOrEqual(p.lower[i]!);
              expect(b.upper[i]!).toBeLessThanOrEqual(p.upper[i]!);
            }
          }
          // MILP (and IBP on the first layer) is exact.
          const m = l.bounds.milp!;
          expect(Math.abs(m.lower[i]! - lo)).toBeLessThan(scale);
          expect(Math.abs(m.upper[i]! - hi)).toBeLessThan(scale);
          const state = l.state[i];
          if (hi <= -scale) expect(state).toBe("inactive");
          else if (lo >= scale) expect(state).toBe("active");
          else if (lo < -scale && hi > scale) expect(state).toBe("unstable");
        }
      });
      expect(r.complete).toBe(true);
      // Not vacuous: the deeper layers hold both stable and unstable units.
      const deep = r.layers.slice(1).flatMap((l) => l.state);
      expect(deep).toContain("unstable");
      expect(deep.filter((s) => s === "active" || s === "inactive").length).toBeGreaterThan(1);
      // The decide mode (auto, with sampling and early termination) reaches the same states.
      const a = await stability(net, box, { method: "auto" });
      expect(a.layers.map((l) => l.state)).toEqual(r.layers.map((l) => l.state));
    });
  }

  it("a unit left when the time limit is hit is unknown, never stable", async () => {
    const net = biasedMlp([4, 12, 12, 12, 1], 21, { pStable: 0 });
    const box = uniformBox(4, -1, 1);
    const r = await stability(net, box, { method: "milp", timeLimit: 0 });
    expect(r.totals.unknown).toBeGreaterThan(0);
    expect(r.layers.every((l) => l.by.every((b) => b !== "milp" && b !== "lp"))).toBe(true);
    for (const l of r.layers) l.state.forEach((s, i) => { if (s === "unknown") expect(l.by[i]).toBe("none"); });
    expect(r.complete).toBe(false);
  });

  it("input splitting alone (from IBP) reaches the same verdicts as per-unit MILP on 2-input nets", async () => {
    for (const seed of [1, 4, 5]) {
      const net = biasedMlp([2, 10, 10, 10, 10, 1], seed, { pStable: 0.2, shift: 1 });
      const box = uniformBox(2, -1, 1);
      const m = await stability(net, box, { method: "milp" });
      expect(m.complete).toBe(true);
      const states = initialStates(net, ibp(net, box));
      const c = splitStage(net, box, states, { maxBoxes: 50_000 });
      expect(c.decided).toBeGreaterThan(0);
      states.forEach((s, k) => {
        const want = m.layers[k]!.state;
        for (let i = 0; i < s.n; i++) {
          if (s.piece[i]! >= 0) expect(pieceName(s.fn, s.piece[i]!)).toBe(want[i]);
          else if (provenUnstable(s, i)) expect(want[i]).toBe("unstable");
          else expect.unreachable(`unit ${k}/${i} left undecided by splitting`);
        }
      });
    }
  });
});
