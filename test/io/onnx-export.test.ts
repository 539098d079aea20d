import { isDeepStrictEqual } from "node:util";
import onnxp from "onnx-proto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ActivationName } from "../../src/core/activations.js";
import { forwardTrace } from "../../src/core/engine/reference.js";
import { loadNetwork } from "../../src/node/files.js";
import { networkFromOnnx, networkToOnnx } from "../../src/core/io/index.js";
import { Network, inputSize, sizeOf } from "../../src/core/network.js";
import { unitLayerIndices } from "../../src/core/summary.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";
import { actNet, convNet, randn } from "./nets.js";
import { arbConvNet, arbMlp } from "./arbitraries.js";
import { relErr, runOrt } from "./onnx-build.js";

const { onnx } = onnxp;

function batchForward(net: Network, x: Float64Array, n: number): Float64Array[] {
  const d = inputSize(net);
  return Array.from({ length: n }, (_, s) => forwardTrace(net, x.subarray(s * d, (s + 1) * d)).output);
}

describe("ONNX export round trips exactly (float64)", () => {
  it("import(export(mlp)) deep-equals the MLP, for every activation", () => {
    fc.assert(fc.property(arbMlp(), (net) => {
      expect(networkFromOnnx(networkToOnnx(net, { float: 64 }))).toStrictEqual(net);
    }), { numRuns: 60 });
  });

  it("import(export(conv/residual/pool net)) deep-equals the net", () => {
    fc.assert(fc.property(arbConvNet(), (net) => {
      expect(networkFromOnnx(networkToOnnx(net, { float: 64 }))).toStrictEqual(net);
    }), { numRuns: 40 });
  });

  it("keeps -0, subnormals and extreme weights bit for bit", () => {
    const net = actNet("relu");
    const w = net.layers[0]!.kind === "dense" ? net.layers[0]!.weight : new Float64Array();
    w.set([-0, 5e-324, -1.7976931348623157e308, 2 ** -1074 * 3, 1 / 3]);
    const back = networkFromOnnx(networkToOnnx(net, { float: 64 }));
    const bw = (back.layers[0] as { weight: Float64Array }).weight;
    expect(Object.is(bw[0], -0)).toBe(true);
    expect(new Uint8Array(bw.buffer)).toEqual(new Uint8Array(w.buffer));
  });

  it("float32 export rounds weights to float32 and nothing else", () => {
    const net = convNet(5);
    const back = networkFromOnnx(networkToOnnx(net));
    back.layers.forEach((l, i) => {
      const o = net.layers[i]!;
      expect(l.kind).toBe(o.kind);
      if (l.kind === "dense" || l.kind === "conv2d") expect(l.weight).toEqual((o as typeof l).weight.map(Math.fround));
    });
  });
});

describe("ONNX export runs in onnxruntime", () => {
  const fns: ActivationName[] = ["relu", "leakyrelu", "abs", "hardtanh", "identity", "tanh", "sigmoid", "softplus", "gelu", "silu", "mish", "xtanh", "x2tanh", "elu"];
  it.each(fns)("%s: onnxruntime (float32, batch of 4) matches the float64 reference", async (fn) => {
    const net = actNet(fn, fn === "leakyrelu" ? { alpha: 0.2 } : fn === "elu" ? { alpha: 0.7 } : fn === "hardtanh" ? { min: -0.3, max: 0.8 } : {});
    const x = randn(4 * 3, 3, 1.5);
    const y = (await runOrt(networkToOnnx(net), { input: { data: x, dims: [4, 3] } })).output!;
    expect(relErr(y, Float64Array.from(batchForward(net, x, 4).flatMap((v) => Array.from(v))))).toBeLessThan(2e-5);
  });

  it("the conv/residual/pool net matches, and float64 MLPs run exactly in float64", async () => {
    const net = convNet(9);
    const x = randn(2 * inputSize(net), 4, 1);
    const y = (await runOrt(networkToOnnx(net), { input: { data: x, dims: [2, ...net.inputShape] } })).output!;
    expect(relErr(y, Float64Array.from(batchForward(net, x, 2).flatMap((v) => Array.from(v))))).toBeLessThan(2e-5);
    const mlp = actNet("relu");
    const x2 = randn(3 * 3, 8, 1);
    const y2 = (await runOrt(networkToOnnx(mlp, { float: 64 }), { input: { data: x2, dims: [3, 3] } }, 64)).output!;
    expect(relErr(y2, Float64Array.from(batchForward(mlp, x2, 3).flatMap((v) => Array.from(v))))).toBeLessThan(1e-14);
  });

  it("unitOutputs exposes every unit layer's input as pre_<index>, matching forwardTrace", async () => {
    const net = convNet(2, "leakyrelu");
    const units = unitLayerIndices(net);
    expect(units).toEqual([2, 5, 13]); // leaky ReLU, max pool, hard tanh
    const n = 3, d = inputSize(net);
    const x = randn(n * d, 6, 1);
    const res = await runOrt(networkToOnnx(net, { unitOutputs: true }), { input: { data: x, dims: [n, ...net.inputShape] } });
    for (const i of units) {
      const src = net.layers[i]!.inputs[0]!;
      const size = sizeOf(net.layers[src]!.shape);
      const got = res[`pre_${i}`]!;
      expect(got.length).toBe(n * size);
      for (let s = 0; s < n; s++) {
        const want = forwardTrace(net, x.subarray(s * d, (s + 1) * d)).values[src]!;
        expect(relErr(got.subarray(s * size, (s + 1) * size), want)).toBeLessThan(2e-5);
      }
    }
    // The extra outputs do not change what is read back.
    expect(networkFromOnnx(networkToOnnx(net, { unitOutputs: true, float: 64 }))).toStrictEqual(net);
  });
});

describe.skipIf(!HAVE_SHARED)("ONNX export of imported models", () => {
  it("preserves the input layout and names ([batch,784,1], input '0')", async () => {
    const net = await loadNetwork(model("vnncomp2021/mnist-net_256x2.onnx"));
    const m = onnx.ModelProto.decode(networkToOnnx(net));
    const dims = m.graph!.input![0]!.type!.tensorType!.shape!.dim!.map((q) => q.dimParam || Number(q.dimValue));
    expect(m.graph!.input![0]!.name).toBe("0");
    expect(dims).toEqual(["batch", 784, 1]);
    expect(m.graph!.output![0]!.name).toBe("12");
    expect(Number(m.opsetImport![0]!.version)).toBeGreaterThanOrEqual(13);
    // isDeepStrictEqual compares the 269k weights as bytes; vitest's differ would walk them one by one.
    expect(isDeepStrictEqual(networkFromOnnx(networkToOnnx(net, { float: 64 })), net)).toBe(true);
  });

  it.each(["vnncomp2021/resnet_2b.onnx", "vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx", "vnncomp2021/test_small.onnx"])(
    "%s: the exported file runs in onnxruntime with a batch of 3 and pre-activations match",
    async (rel) => {
      const net = await loadNetwork(model(rel));
      const o = net.meta.onnx as { inputName: string; outputName: string };
      const n = 3, d = inputSize(net);
      const x = randn(n * d, 1, 0.5);
      const res = await runOrt(networkToOnnx(net, { unitOutputs: true }), { [o.inputName]: { data: x, dims: [n, ...net.inputShape] } });
      expect(relErr(res[o.outputName]!, Float64Array.from(batchForward(net, x, n).flatMap((v) => Array.from(v))))).toBeLessThan(2e-5);
      const first = unitLayerIndices(net)[0]!;
      const src = net.layers[first]!.inputs[0]!;
      const want = forwardTrace(net, x.subarray(0, d)).values[src]!;
      expect(relErr(res[`pre_${first}`]!.subarray(0, want.length), want)).toBeLessThan(2e-5);
    },
  );
});
