// --time-limit is a wall-clock budget for the whole stability run (issue 16 E): sampling, IBP, CROWN,
// LP, MILP and split all stop at it, each HiGHS solve's own limit is capped by what is left, and the
// units it leaves undecided are reported unknown — never stable. Durations are the lens's own
// timings (its deadline is wall-clock, so a loaded machine decides less, not longer).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadLpSolver } from "../../src/core/lp/highs.js";
import { createRng } from "../../src/core/random.js";
import { CERTIFIERS, STABILITY_OPTIONS, stability, StabilityResult } from "../../src/lenses/stability/index.js";
import { domainFromOptions } from "../../src/cli/domain.js";
import { loadNetwork } from "../../src/node/files.js";
import { netsize } from "../cli/run.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";
import { contradictions, sharedDomain } from "./soundness.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-timelimit-"));

describe("HiGHS time limits are per solve", () => {
  it("a persistent model's solves each get the limit (HiGHS's own clock keeps running across solves)", async () => {
    const solver = await loadLpSolver();
    const rng = createRng(3), n = 150;
    const rows = Array.from({ length: n }, () => {
      const idx = Array.from({ length: n }, (_, j) => j).filter(() => rng.next() < 0.3);
      return { indices: idx, values: idx.map(() => rng.next() - 0.5), upper: 1 };
    });
    const m = solver.model({ numVars: n, rows, lower: new Array(n).fill(-1), upper: new Array(n).fill(1), objective: new Array(n).fill(1) });
    try {
      const solve = (): { status: string; seconds: number } => { m.setObjective(Array.from({ length: n }, () => rng.next() - 0.5), "min"); return m.solve(); };
      let warm = 0;
      for (let k = 0; k < 5; k++) warm = Math.max(warm, solve().seconds);
      // Each solve may take 10× the slowest warm one; the solves together run for more than twice that.
      const limit = Math.max(0.5, 10 * warm);
      m.setHighsOptions({ time_limit: limit });
      const statuses: string[] = [];
      let spent = 0;
      while (spent < 2 * limit && statuses.length < 5000) {
        const r = solve();
        statuses.push(r.status);
        spent += r.seconds;
      }
      expect(spent).toBeGreaterThan(limit);
      expect(statuses.filter((s) => s !== "optimal")).toEqual([]);
    } finally {
      m.dispose();
    }
  });
});

describe.skipIf(!HAVE_SHARED)("stability --time-limit bounds the whole run", () => {
  it("says what it bounds", () => {
    expect(STABILITY_OPTIONS.timeLimit.description).toMatch(/^wall-clock seconds for the whole stability run \(sampling, IBP, CROWN, LP, MILP, split\)/);
  });

  it("mnist-net_256x6 on an L∞ ball, auto, --time-limit 5: the lens takes about 5 s (the unbounded stages took 47 s), units left are unknown, no stable claim is contradicted", async () => {
    const rel = "vnncomp2021/mnist-net_256x6.onnx", json = path.join(dir, "ball.json");
    const r = await netsize(["stability", model(rel), "--ball", "0.05", "--data", "mnist", "--index", "0", "--method", "auto", "--time-limit", "5", "--json", json, "--quiet"]);
    expect(r.code).toBe(0);
    const res = JSON.parse(readFileSync(json, "utf8")) as StabilityResult;
    expect(res.options.timeLimit).toBe(5);
    expect(res.timings.total).toBeGreaterThan(4_000);
    expect(res.timings.total).toBeLessThan(5_000 + 15_000);
    expect(res.complete).toBe(false);
    expect(res.totals.unknown).toBeGreaterThan(0);
    expect(res.totals.stablyActive + res.totals.stablyInactive + res.totals.unstable + res.totals.unknown).toBe(res.totals.units);
    const net = await loadNetwork(model(rel));
    const box = domainFromOptions({ ball: "0.05", data: "mnist", index: "0" }, 784).box;
    const check = await contradictions(net, box, res, 4_000, 11);
    expect(check.stableViolations).toBe(0);
    expect(check.boundViolations).toBe(0);
  });

  it("Convnet_avgpool, auto, --time-limit 4: the sampling pre-pass on the densified conv chain stops at its share (it ran 68 s unchecked)", async () => {
    const net = await loadNetwork(model("vnncomp2021/Convnet_avgpool.onnx"));
    const domain = domainFromOptions({ ball: "0.001", data: "mnist:test", index: "0" }, 784);
    const r = await stability(net, domain.box, { method: "auto", timeLimit: 4 });
    console.log(`[time-limit] Convnet_avgpool auto 4 s: ${JSON.stringify(r.timings)}`);
    expect(r.timings.sampling!).toBeLessThan(2000 + 8000);
    // The total is not asserted: densifying the conv chain happens before the budget starts (noted as open); alone it is ~2.3 s,
    // but it took 39 s once while the other test worker ran the soundness sweep.
    expect(r.totals.stablyActive + r.totals.stablyInactive).toBeGreaterThan(20_000);
  });

  it("ACAS Xu with a budget of 0: only interval propagation proves anything, every other unit is unknown", async () => {
    const net = await loadNetwork(model("vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx"));
    const box = sharedDomain(net, "vnncomp2021/prop_1.vnnlib");
    const none = await stability(net, box, { method: "auto", timeLimit: 0 });
    const ibp = await stability(net, box, { method: "ibp" });
    expect(none.timings.total).toBeLessThan(15_000);
    expect(none.totals.stablyActive + none.totals.stablyInactive).toBe(ibp.totals.stablyActive + ibp.totals.stablyInactive);
    for (const l of none.layers) for (const c of CERTIFIERS) if (c !== "ibp") expect(l.certifiedBy[c] ?? 0, `${l.name} ${c}`).toBe(0);
    expect(none.totals.unknown).toBe(none.totals.units - none.totals.stablyActive - none.totals.stablyInactive - none.totals.provenUnstable);
    expect(none.totals.unknown).toBeGreaterThan(0);
    expect(none.stages.find((s) => s.stage === "lp")?.work ?? 0).toBe(0);
  });
});
