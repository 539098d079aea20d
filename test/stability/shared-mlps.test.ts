import { describe, expect, it } from "vitest";
import { loadNetwork } from "../../src/node/files.js";
import { StabilityMethod } from "../../src/lenses/stability/report.js";
import { stability } from "../../src/lenses/stability/stability.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";
import { contradictions, sharedDomain } from "./soundness.js";

// Every shared piecewise-linear MLP on its natural domain; together ≥ 10^5 checked points.
const CASES: { rel: string; vnnlib?: string; method: StabilityMethod; points: number; complete: boolean }[] = [
  { rel: "exactcompression/mnist_100-100_l1-0.onnx", method: "auto", points: 16_000, complete: true },
  { rel: "exactcompression/mnist_200-200_l1-0.onnx", method: "auto", points: 12_000, complete: true },
  { rel: "exactcompression/cifar10_400-400_l1-1.75e-4_after-compression.onnx", method: "auto", points: 8_000, complete: true },
  { rel: "vnncomp2021/mnist-net_256x2.onnx", vnnlib: "vnncomp2021/prop_0_0.03.vnnlib", method: "auto", points: 16_000, complete: true },
  { rel: "vnncomp2021/mnist-net_256x4.onnx", method: "crown", points: 10_000, complete: false },
  { rel: "vnncomp2021/mnist_relu_9_200.onnx", method: "crown", points: 8_000, complete: false },
  { rel: "vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx", vnnlib: "vnncomp2021/prop_1.vnnlib", method: "auto", points: 20_000, complete: false },
  { rel: "vnncomp2021/ACASXU_run2a_2_1_batch_2000.onnx", vnnlib: "vnncomp2021/prop_3.vnnlib", method: "lp", points: 10_000, complete: false },
  { rel: "vnncomp2021/ACASXU_run2a_3_3_batch_2000.onnx", vnnlib: "vnncomp2021/prop_2.vnnlib", method: "crown", points: 10_000, complete: false },
];

describe.skipIf(!HAVE_SHARED)("stability claims on the shared MLPs are never contradicted by domain points", () => {
  it(`${CASES.reduce((a, c) => a + c.points, 0).toLocaleString("en-US")} points in all`, () => {
    expect(CASES.reduce((a, c) => a + c.points, 0)).toBeGreaterThanOrEqual(100_000);
  });
  for (const c of CASES) {
    it(`${c.rel} on ${c.vnnlib ?? "[0,1]^n"} (${c.method}), ${c.points.toLocaleString("en-US")} points`, async () => {
      const net = await loadNetwork(model(c.rel));
      const box = sharedDomain(net, c.vnnlib);
      const r = await stability(net, box, { method: c.method, timeLimit: 60 });
      if (c.complete) expect(r.complete).toBe(true);
      const stable = r.totals.stablyActive + r.totals.stablyInactive;
      const check = await contradictions(net, box, r, c.points, 7);
      expect(check.points).toBe(c.points);
      expect(check.stableViolations).toBe(0);
      expect(check.boundViolations).toBe(0);
      // Record what was claimed, so a regression in strength is visible in the test names' output.
      expect(stable + r.totals.unstable + r.totals.unknown).toBe(r.totals.units);
    });
  }
});
