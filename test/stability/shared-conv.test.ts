import { describe, expect, it } from "vitest";
import { linfBall, uniformBox } from "../../src/core/domain.js";
import { loadNetwork } from "../../src/node/files.js";
import { inputSize } from "../../src/core/network.js";
import { sample } from "../../src/data/dataset.js";
import { loadMnist } from "../../src/node/data.js";
import { compress } from "../../src/lenses/stability/compress.js";
import { checkEquivalence } from "../../src/lenses/stability/equivalence.js";
import { stability } from "../../src/lenses/stability/stability.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";
import { contradictions } from "./soundness.js";

describe.skipIf(!HAVE_SHARED)("conv and residual networks: IBP and CROWN on the DAG", () => {
  it("resnet_2b (residual adds) on an L∞ ball of 0.01: CROWN proves more than IBP and no point contradicts it", async () => {
    const net = await loadNetwork(model("vnncomp2021/resnet_2b.onnx"));
    const box = linfBall(new Float64Array(inputSize(net)).fill(0.5), 0.01);
    const i = await stability(net, box, { method: "ibp" });
    const c = await stability(net, box, { method: "crown" });
    expect(c.totals.units).toBe(6244);
    const stable = (r: typeof c) => r.totals.stablyActive + r.totals.stablyInactive;
    expect(stable(c)).toBeGreaterThan(stable(i));
    const check = await contradictions(net, box, c, 1500, 3);
    expect(check.stableViolations).toBe(0);
    expect(check.boundViolations).toBe(0);
    // LP/MILP refuse residual graphs with a clear code; auto stops after CROWN and says why.
    await expect(stability(net, box, { method: "lp" })).rejects.toMatchObject({ code: "UNSUPPORTED_OP" });
  });

  it("Convnet_avgpool (pad, conv, average pool) on the ε = 0.05 ball of an MNIST digit: sound, and IBP already exact", async () => {
    const net = await loadNetwork(model("vnncomp2021/Convnet_avgpool.onnx"));
    const box = linfBall(sample(loadMnist("all"), 0), 0.05, [0, 1]);
    const r = await stability(net, box, { method: "crown" });
    // The only units follow the first conv, whose pre-activations are affine in the input: CROWN adds nothing to IBP.
    expect(r.totals.units).toBe(23328);
    expect(r.layers[0]!.certifiedBy.crown ?? 0).toBe(0);
    const check = await contradictions(net, box, r, 3000, 4);
    expect(check.stableViolations).toBe(0);
    expect(check.boundViolations).toBe(0);
  });
});

describe.skipIf(!HAVE_SHARED)("compression of the shared CIFAR-10 network (after its authors' compression)", () => {
  it("on [0,1]^3072 the compressed network equals the original to 1e-9 in float64", async () => {
    const net = await loadNetwork(model("exactcompression/cifar10_400-400_l1-1.75e-4_after-compression.onnx"));
    const box = uniformBox(3072, 0, 1);
    const r = await stability(net, box, { method: "auto" });
    expect(r.complete).toBe(true);
    expect(r.layers.map((l) => l.units)).toEqual([116, 248]);
    const { network, report } = compress(net, r);
    expect(report.before.params).toBe(3072 * 116 + 116 + 116 * 248 + 248 + 248 * 10 + 10);
    // The authors' network already lost its stably inactive units; its stably active rows are independent.
    expect(report.after.units).toBe(report.before.units - report.layers.reduce((a, l) => a + l.removedConstant + l.folded, 0));
    const eq = await checkEquivalence(net, network, box, { points: 10_000 });
    expect(eq.maxAbsDiff).toBeLessThan(1e-9);
  });
});
