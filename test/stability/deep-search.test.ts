// Stability at depth (issue 17, item 7): the gradient witness search, the LP share and the wall-clock
// interrupt of HiGHS solves must leave every verdict as MILPs solved to optimality give it, and no sample
// may contradict a stable claim.
import { describe, expect, it } from "vitest";
import { uniformBox } from "../../src/core/domain.js";
import { loadLpSolver } from "../../src/core/lp/highs.js";
import { mlp } from "../../src/core/network.js";
import { toChain } from "../../src/lenses/stability/chain.js";
import { ibp } from "../../src/lenses/stability/ibp.js";
import { buildPrefixModel, unitObjective } from "../../src/lenses/stability/relax-model.js";
import { chainStates, samplePoints, searchWitnesses } from "../../src/lenses/stability/sampling.js";
import { gradientWitnesses } from "../../src/lenses/stability/search.js";
import { stability } from "../../src/lenses/stability/stability.js";
import { initialStates, provenUnstable } from "../../src/lenses/stability/state.js";
import { biasedMlp } from "./nets.js";
import { contradictions } from "./soundness.js";

/**
 * 50 inputs on [0,1]: hidden units a = Σ_{t<25} x_t − 24.6 and b = Σ_{t≥25} x_t − 24.6 (each at most 0.4),
 * and the deeper unit relu(a) + relu(b) − 0.5, active only near the all-ones vertex where both are. Samples
 * miss that corner; the short local search proves a and b unstable at their own maximising vertices (half
 * of the inputs at 1, which leaves the other unit off), and from any sample the deeper unit's exact gradient
 * is 0 (both of its inputs are off), so it finds no direction — only the surrogate gradient does.
 */
function cornerNet() {
  const d = 50;
  const w0 = new Float64Array(2 * d);
  for (let t = 0; t < d; t++) w0[(t < 25 ? 0 : 1) * d + t] = 1;
  return mlp([d, 2, 1, 1], [
    { weight: w0, bias: Float64Array.from([-24.6, -24.6]) },
    { weight: Float64Array.from([1, 1]), bias: Float64Array.from([-0.5]) },
    { weight: Float64Array.from([1]), bias: Float64Array.from([0]) },
  ]);
}

describe("gradient witness search", () => {
  /** The corner net's chain and unit states after 2,000 samples and their short local search. */
  function afterSampling() {
    const net = cornerNet();
    const box = uniformBox(50, 0, 1);
    const chain = toChain(net);
    const cs = chainStates(chain, initialStates(net, ibp(net, box)));
    searchWitnesses(chain, cs, box, samplePoints(box, { count: 2000, seed: 0 }), 4);
    return { box, chain, cs };
  }

  it("finds the corner where a deep unit switches on, which 2,000 samples and their local search miss", () => {
    const { box, chain, cs } = afterSampling();
    expect(provenUnstable(cs[0]!, 0) && provenUnstable(cs[0]!, 1)).toBe(true);
    // The deeper unit was only ever seen inactive.
    expect(cs[1]!.seen[0]).toBe(1);
    const counter = { steps: 0 };
    gradientWitnesses(chain, cs, box, { seed: 0, counter }, undefined);
    expect(provenUnstable(cs[1]!, 0)).toBe(true);
    expect(counter.steps).toBeGreaterThan(0);
    expect(counter.steps).toBeLessThanOrEqual(3 * 30);
  });

  it("the Adam rule (best-of-random start, leak 0.01) finds the corner too, within its step budget", () => {
    const { box, chain, cs } = afterSampling();
    expect(cs[1]!.seen[0]).toBe(1);
    const counter = { steps: 0 };
    gradientWitnesses(chain, cs, box, { seed: 3, rule: "adam", iterations: 300, starts: 1, counter }, undefined);
    expect(provenUnstable(cs[1]!, 0)).toBe(true);
    expect(counter.steps).toBeGreaterThan(0);
    expect(counter.steps).toBeLessThanOrEqual(300);
    // With one step only nothing is found: the witness comes from the ascent, not from the start.
    const again = afterSampling();
    gradientWitnesses(again.chain, again.cs, again.box, { seed: 3, rule: "adam", iterations: 1, starts: 1 }, undefined);
    expect(provenUnstable(again.cs[1]!, 0)).toBe(false);
  });

  it("in the whole pipeline the corner units are proven unstable by the search stage, not left to MILP", async () => {
    const net = cornerNet();
    const r = await stability(net, uniformBox(50, 0, 1), { method: "auto", timeLimit: 600 });
    const search = r.stages.find((s) => s.stage === "search")!;
    expect(search.unstable).toBe(1);
    expect(r.totals.unknown).toBe(0);
    expect(r.layers[1]!.state[0]).toBe("unstable");
    expect(r.complete).toBe(true);
  });

  it("auto (search, LP share, cutoff MILPs) classifies every unit as MILPs solved to optimality do, and 10,000 samples contradict no stable claim", async () => {
    for (const seed of [1]) {
      const net = biasedMlp([20, 12, 12, 12, 1], seed, { pStable: 0.4 });
      const box = uniformBox(20, 0, 1);
      const auto = await stability(net, box, { method: "auto", timeLimit: 600 });
      const exact = await stability(net, box, { method: "milp", milpBounds: true, timeLimit: 600 });
      expect(auto.totals.unknown).toBe(0);
      expect(exact.totals.unknown).toBe(0);
      expect(auto.layers.map((l) => l.state)).toEqual(exact.layers.map((l) => l.state));
      expect(auto.totals.stablyActive + auto.totals.stablyInactive).toBeGreaterThan(0);
      const c = await contradictions(net, box, auto, 10_000, seed);
      expect(c.points).toBe(10_000);
      expect(c.stableViolations).toBe(0);
    }
  });
});

/** The MILP model of the last hidden layer of a random MLP on [0,1]^20, with unit 0's objective set. */
async function layerModel(widths: number[]) {
  const net = biasedMlp(widths, 5, { pStable: 0 });
  const box = uniformBox(widths[0]!, 0, 1);
  const chain = toChain(net);
  const cs = chainStates(chain, initialStates(net, ibp(net, box)));
  const k = widths.length - 2;
  const pm = buildPrefixModel(chain, k, cs, box, true);
  const model = (await loadLpSolver()).model(pm.problem);
  model.setObjective(unitObjective(chain, k, 0, pm, 1).c, "min");
  return { pm, model };
}

describe("HiGHS wall-clock interrupt", () => {
  it("a MILP solve past its deadline ends interrupted, with no dual bound to prove a side", async () => {
    const { pm, model } = await layerModel([20, 24, 24, 24, 1]);
    expect(pm.binaries).toBeGreaterThan(40);
    try {
      const late = model.solve(performance.now() - 1);
      expect(late.interrupted).toBe(true);
      expect(late.status).toBe("other_limit");
      expect(late.dualBound).toBeUndefined();
    } finally {
      model.dispose();
    }
  });

  it("a small MILP with a distant deadline solves to optimality and reports its bound", async () => {
    const { pm, model } = await layerModel([20, 6, 6, 1]);
    expect(pm.binaries).toBeGreaterThan(0);
    try {
      const full = model.solve(performance.now() + 600_000);
      expect(full.status).toBe("optimal");
      expect(full.interrupted).toBeUndefined();
      expect(full.dualBound).toBeDefined();
    } finally {
      model.dispose();
    }
  });
});
