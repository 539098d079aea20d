import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { forward } from "../../src/core/engine/reference.js";
import { loadNetwork } from "../../src/node/files.js";
import { networkFromOnnx } from "../../src/core/io/index.js";
import { inputSize } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { summarize } from "../../src/core/summary.js";
import { ALL_MODELS, HAVE_SHARED, model } from "../helpers/shared.js";
import { relErr, runOrt } from "./onnx-build.js";

const kinds = (net: Awaited<ReturnType<typeof loadNetwork>>): string =>
  net.layers.map((l) => (l.kind === "activation" ? l.fn : l.kind)).join(" ");

describe.skipIf(!HAVE_SHARED)("ONNX import of the shared models", () => {
  it("counts the parameters the papers report (normalisation folded into the first dense layer)", async () => {
    const params = async (rel: string): Promise<number> => summarize(await loadNetwork(model(rel))).params;
    expect(await params("vnncomp2021/mnist-net_256x2.onnx")).toBe(269_322);
    expect(await params("vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx")).toBe(13_305);
    expect(await params("vnncomp2021/resnet_2b.onnx")).toBe(112_006);
    expect(await params("exactcompression/mnist_200-200_l1-0.onnx")).toBe(199_210);
    // 784·200 + 200 + 7·(200·200 + 200) + 200·10 + 10 (8 hidden layers), the Sub/Div by constants folded away.
    expect(await params("vnncomp2021/mnist_relu_9_200.onnx")).toBe(157_000 + 7 * 40_200 + 2_010);
  });

  it("keeps the model's input layout without the batch axis and records the ONNX names", async () => {
    const mnist = await loadNetwork(model("vnncomp2021/mnist-net_256x2.onnx"));
    expect(mnist.inputShape).toEqual([784, 1]);
    expect(kinds(mnist)).toBe("flatten dense relu dense relu dense");
    expect(mnist.meta.onnx).toMatchObject({ inputName: "0", inputShape: [1, 784, 1], outputName: "12", batched: true, opset: 9 });
    const acas = await loadNetwork(model("vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx"));
    expect(acas.inputShape).toEqual([1, 1, 5]);
    expect(kinds(acas)).toBe("flatten " + "dense relu ".repeat(6) + "dense");
    expect((await loadNetwork(model("vnncomp2021/mnist_relu_9_200.onnx"))).inputShape).toEqual([1, 28, 28]);
    const tiny = await loadNetwork(model("vnncomp2021/test_small.onnx"));
    expect(tiny.inputShape).toEqual([1]);
    expect(tiny.meta.onnx).toMatchObject({ batched: false, inputShape: [1] });
    expect(kinds(tiny)).toBe("dense relu dense relu dense");
    const resnet = await loadNetwork(model("vnncomp2021/resnet_2b.onnx"));
    expect(kinds(resnet)).toBe("conv2d relu conv2d relu conv2d conv2d add relu conv2d relu conv2d add relu flatten dense relu dense");
    expect(resnet.layers[6]!.inputs).toEqual([4, 5]);
    expect(resnet.layers[11]!.inputs).toEqual([10, 7]);
    expect(resnet.layers[0]!.name).toBe("Conv_0");
    expect(kinds(await loadNetwork(model("vnncomp2021/Convnet_avgpool.onnx")))).toBe("conv2d relu avgpool flatten dense");
    expect(kinds(await loadNetwork(model("vnncomp2021/ffnnSIGMOID__Point_6x200.onnx")))).toBe("flatten " + "dense sigmoid ".repeat(6) + "dense");
  });

  it("folds ACAS Xu's Sub of the input mean into the first dense layer exactly", async () => {
    const net = await loadNetwork(model("vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx"));
    expect(net.layers.some((l) => l.kind === "scale")).toBe(false);
    const x = [0.6, -0.5, 0.5, 0.45, -0.45];
    const y = forward(net, x);
    const ref = await runOrt(readFileSync(model("vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx")), { input: { data: x, dims: [1, 1, 1, 5] } });
    expect(relErr(y, ref.linear_7_Add!)).toBeLessThan(1e-5);
  });

  it.each(ALL_MODELS)("%s agrees with onnxruntime on random inputs", async (rel) => {
    const bytes = readFileSync(model(rel));
    const net = networkFromOnnx(bytes, model(rel));
    const o = net.meta.onnx as { inputName: string; inputShape: (number | string)[]; outputName: string };
    const dims = o.inputShape.map((d) => (typeof d === "string" ? 1 : d));
    const rng = createRng(11);
    for (let k = 0; k < 3; k++) {
      const x = new Float64Array(inputSize(net)).map(() => Math.fround(rng.next()));
      const ref = await runOrt(bytes, { [o.inputName]: { data: x, dims } });
      expect(relErr(forward(net, x), ref[o.outputName]!)).toBeLessThan(2e-5);
    }
  });
});
