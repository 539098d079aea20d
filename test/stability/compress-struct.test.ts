// Compression keeps convolutions as convolutions and never grows a network: on conv, pooling and
// residual networks it deletes what is exactly 0 on the domain (a dead conv channel with its input
// channel in the next convolution, a dead unit before a residual addition) and keeps every layer's
// kind. Found by the PyTorch audit: compress densified a small CNN into 166× its parameters.
import { describe, expect, it } from "vitest";
import { uniformBox } from "../../src/core/domain.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { createNetwork, LayerSpec, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { compress } from "../../src/lenses/stability/compress.js";
import { compressOnDomain } from "../../src/lenses/stability/index.js";
import { stability } from "../../src/lenses/stability/stability.js";
import { loadNetwork } from "../../src/node/files.js";
import { onnxruntimeEngine } from "../../src/node/engine/onnxruntime.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";
import { boxSamples } from "./nets.js";
import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { saveNetwork } from "../../src/node/files.js";
import { errorLine, netsize } from "../cli/run.js";

const rng = createRng(11);
const randn = (n: number, s = 0.5): Float64Array => Float64Array.from({ length: n }, () => (rng.next() * 2 - 1) * s);

function maxDiff(a: Network, b: Network, n: number, lo: number, hi: number): number {
  const X = boxSamples(uniformBox(a.inputShape.reduce((p, q) => p * q, 1), lo, hi), n, 3);
  const ya = forwardBatchReference(a, X, n, { withUnits: false }).outputs, yb = forwardBatchReference(b, X, n, { withUnits: false }).outputs;
  let m = 0;
  for (let i = 0; i < ya.length; i++) m = Math.max(m, Math.abs(ya[i]! - yb[i]!));
  return m;
}

describe("layer-preserving compression", () => {
  it("removes a dead conv channel and its input channel downstream; the convolutions stay convolutions", async () => {
    const b1 = randn(4, 0.1); b1[2] = -1000; // channel 2 is dead on [0,1]^36
    const specs: LayerSpec[] = [
      { kind: "conv2d", inChannels: 1, outChannels: 4, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: randn(36), bias: b1, name: "c1" },
      { kind: "activation", fn: "relu", name: "r1" },
      { kind: "maxpool", kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0], name: "p1" },
      { kind: "pad", pads: [1, 1, 1, 1], value: 0, name: "z" },
      { kind: "conv2d", inChannels: 4, outChannels: 3, kernel: [3, 3], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], weight: randn(108), bias: randn(3, 0.1), name: "c2" },
      { kind: "activation", fn: "relu", name: "r2" },
      { kind: "flatten", name: "f" },
      { kind: "dense", inSize: 27, outSize: 2, weight: randn(54), bias: randn(2), name: "out" },
    ];
    const net = createNetwork([1, 6, 6], specs);
    const r = await stability(net, uniformBox(36, 0, 1), { method: "crown" });
    const { network, report } = compress(net, r);
    expect(network.layers.map((l) => l.kind)).toEqual(net.layers.map((l) => l.kind));
    const c1 = network.layers[0]!, c2 = network.layers[4]!;
    expect(c1.kind === "conv2d" && c1.outChannels).toBe(3);
    expect(c2.kind === "conv2d" && c2.inChannels).toBe(3);
    expect(report.layers[0]!.removedConstant).toBe(36);
    expect(report.after.params).toBe(report.before.params - (9 + 1) - 3 * 9);
    expect(maxDiff(net, network, 20_000, 0, 1)).toBeLessThanOrEqual(1e-12);
  });

  it("compresses through a residual network instead of refusing, and never adds parameters", async () => {
    const bh = randn(6, 0.1); bh[4] = -100;
    const specs: LayerSpec[] = [
      { kind: "dense", inSize: 4, outSize: 6, weight: randn(24), bias: bh, name: "fc1" },
      { kind: "activation", fn: "relu", name: "r1" },
      { kind: "dense", inSize: 6, outSize: 4, weight: randn(24), bias: randn(4), name: "fc2" },
      { kind: "add", inputs: [-1, 2], name: "skip" },
      { kind: "activation", fn: "relu", name: "r2" },
      { kind: "dense", inSize: 4, outSize: 2, weight: randn(8), bias: randn(2), name: "out" },
    ];
    const net = createNetwork([4], specs);
    const r = await compressOnDomain(net, uniformBox(4, -1, 1), { method: "crown", points: 5000 });
    expect(r.equal).toBe(true);
    expect(r.compression.layers[0]!.unitsAfter).toBe(5);
    expect(r.network.layers.map((l) => l.kind)).toEqual(net.layers.map((l) => l.kind));
    expect(r.compression.after.params).toBe(r.compression.before.params - 4 - 1 - 4);
    expect(maxDiff(net, r.network, 20_000, -1, 1)).toBeLessThanOrEqual(1e-12);
  });

  it.skipIf(!HAVE_SHARED)("Convnet_avgpool on [0,1]: 11,690 → 9,135 parameters, equal through onnxruntime's float64 run of the file", async () => {
    const net = await loadNetwork(model("vnncomp2021/Convnet_avgpool.onnx"));
    const r = await compressOnDomain(net, uniformBox(784, 0, 1), { method: "ibp", points: 3000, float: 64 }, { engine: onnxruntimeEngine });
    expect(r.compression.before.params).toBe(11_690);
    expect(r.compression.after.params).toBe(9_135);
    expect(r.network.layers.filter((l) => l.kind === "conv2d").length).toBe(net.layers.filter((l) => l.kind === "conv2d").length);
    expect(r.equal).toBe(true);
    expect(r.equivalence.exported!.maxAbsDiff).toBeLessThanOrEqual(1e-9);
    expect(r.onnx.length).toBeLessThan(200_000);
  });

  it("the CLI refuses to write a larger network without --allow-larger, and words the change right", async () => {
    // 100 → 2 (stably active, bias 1000) → 100: merging the bottleneck (--merge always) gives a 100×100 map.
    // fc1: positive weights and bias on [0,1]^100, so both units are stably active; fc2 centred so r2's units switch.
    const w1 = Float64Array.from({ length: 200 }, () => rng.next() * 0.02), b1 = Float64Array.of(0.1, 0.1);
    const w2 = randn(200), b2 = Float64Array.from({ length: 100 }, (_, o) => -0.6 * (w2[2 * o]! + w2[2 * o + 1]!));
    const net = createNetwork([100], [
      { kind: "dense", inSize: 100, outSize: 2, weight: w1, bias: b1, name: "fc1" }, { kind: "activation", fn: "relu", name: "r1" },
      { kind: "dense", inSize: 2, outSize: 100, weight: w2, bias: b2, name: "fc2" }, { kind: "activation", fn: "relu", name: "r2" },
      { kind: "dense", inSize: 100, outSize: 1, weight: randn(100), bias: randn(1), name: "out" },
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-larger-"));
    await saveNetwork(net, path.join(dir, "n.json"));
    const args = ["compress", path.join(dir, "n.json"), "--box", "0:1", "--method", "crown", "--merge", "always", "--points", "500", "--quiet"];
    const refused = await netsize([...args, "-o", path.join(dir, "a.json")]);
    expect(refused.code).not.toBe(0);
    expect(errorLine(refused).code).toBe("LIMIT_EXCEEDED");
    expect(refused.stderr).toMatch(/more parameters than the original .*% more\); nothing was written .*--allow-larger/);
    expect(existsSync(path.join(dir, "a.json"))).toBe(false);
    const allowed = await netsize([...args, "-o", path.join(dir, "b.json"), "--allow-larger"]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toMatch(/parameters 603 → 10,[0-9]{3} \([0-9.]+% more\)/);
    expect(existsSync(path.join(dir, "b.json"))).toBe(true);
  });
});
