import { describe, expect, it } from "vitest";
import { forward } from "../../src/core/engine/reference.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { networkFromOnnx } from "../../src/core/io/index.js";
import { Network, inputSize } from "../../src/core/network.js";
import { summarize } from "../../src/core/summary.js";
import { randn } from "./nets.js";
import { attr, init, model, node, relErr, runOrt, vinfo } from "./onnx-build.js";

const kinds = (net: Network): string => net.layers.map((l) => (l.kind === "activation" ? l.fn : l.kind)).join(" ");

/** Import, check the layer kinds, and compare with onnxruntime on a batch of 2 random inputs. */
async function check(bytes: Uint8Array, dims: (number | string)[], expected: string): Promise<Network> {
  const net = networkFromOnnx(bytes, "case.onnx");
  expect(kinds(net)).toBe(expected);
  const batched = typeof dims[0] === "string";
  const n = batched ? 2 : 1, d = inputSize(net);
  const x = randn(n * d, 17, 1.5).map(Math.fround);
  const res = await runOrt(bytes, { x: { data: x, dims: dims.map((v) => (typeof v === "string" ? n : v)) } });
  const want = Float64Array.from(Array.from({ length: n }, (_, s) => Array.from(forward(net, x.subarray(s * d, (s + 1) * d)))).flat());
  expect(relErr(res.y!, want)).toBeLessThan(2e-5);
  return net;
}

const W = (n: number, seed: number): number[] => Array.from(randn(n, seed, 0.7));

describe("ONNX ops", () => {
  it("MatMul + Add (bias first) and Gemm with alpha/beta/transB=0 become dense layers", async () => {
    const net = await check(model({
      input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]),
      inits: [init("W", [3, 4], W(12, 1)), init("B", [4], W(4, 2)), init("G", [4, 2], W(8, 3)), init("C", [1, 2], W(2, 4))],
      nodes: [node("MatMul", ["x", "W"], ["m"]), node("Add", ["B", "m"], ["h"]), node("Relu", ["h"], ["r"]),
        node("Gemm", ["r", "G", "C"], ["y"], [attr("alpha", 2, true), attr("beta", 0.5, true)])],
    }), ["N", 3], "dense relu dense");
    expect(summarize(net).params).toBe(12 + 4 + 8 + 2);
  });

  it("MatMul(W, x) on an unbatched vector (the VNN-COMP test networks' style)", async () => {
    await check(model({
      input: vinfo("x", [3]), output: vinfo("y", [2]),
      inits: [init("W", [2, 3], W(6, 5)), init("B", [2], W(2, 6))],
      nodes: [node("MatMul", ["W", "x"], ["m"]), node("Add", ["m", "B"], ["y"])],
    }), [3], "dense");
  });

  it("BatchNormalization folds into the preceding Conv or Gemm", async () => {
    const net = await check(model({
      input: vinfo("x", ["N", 2, 5, 5]), output: vinfo("y", ["N", 3, 5, 5]),
      inits: [init("K", [3, 2, 3, 3], W(54, 7)), init("b", [3], W(3, 8)), init("g", [3], [1.5, 0.5, 2]), init("be", [3], W(3, 9)),
        init("mu", [3], W(3, 10)), init("var", [3], [0.5, 1, 2])],
      nodes: [node("Conv", ["x", "K", "b"], ["c"], [attr("pads", [1, 1, 1, 1]), attr("kernel_shape", [3, 3])]),
        node("BatchNormalization", ["c", "g", "be", "mu", "var"], ["y"], [attr("epsilon", 1e-3, true)])],
    }), ["N", 2, 5, 5], "conv2d");
    expect(summarize(net).params).toBe(54 + 3);
    const dense = await check(model({
      input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]),
      inits: [init("W", [2, 3], W(6, 13)), init("b", [2], W(2, 14)), init("g", [2], [0.5, 3]), init("be", [2], [0.1, -0.2]), init("mu", [2], [1, -1]), init("var", [2], [4, 0.25])],
      nodes: [node("Gemm", ["x", "W", "b"], ["h"], [attr("transB", 1)]), node("BatchNormalization", ["h", "g", "be", "mu", "var"], ["y"])],
    }), ["N", 3], "dense");
    expect(summarize(dense).params).toBe(8);
  });

  it("Sub/Div normalisation folds into a Conv without padding, but stays a scale layer before a padded Conv", async () => {
    const build = (pads: number[]): Uint8Array => model({
      input: vinfo("x", ["N", 2, 4, 4]), output: vinfo("y", ["N", 1, 4 + pads[0]! * 2 - 1, 4 + pads[0]! * 2 - 1]),
      inits: [init("mean", [1, 2, 1, 1], [0.3, -0.2]), init("std", [1, 2, 1, 1], [0.25, 2]), init("K", [1, 2, 2, 2], W(8, 11))],
      nodes: [node("Sub", ["x", "mean"], ["s"]), node("Div", ["s", "std"], ["d"]), node("Conv", ["d", "K"], ["y"], [attr("pads", pads)])],
    });
    const folded = await check(build([0, 0, 0, 0]), ["N", 2, 4, 4], "conv2d");
    expect(summarize(folded).params).toBe(8 + 1);
    const kept = await check(build([1, 1, 1, 1]), ["N", 2, 4, 4], "scale conv2d");
    expect(kept.layers[0]).toMatchObject({ perChannel: true });
  });

  it("Clip becomes hard tanh, ReLU, or a ReLU between shifts; LeakyRelu keeps its decimal alpha", async () => {
    const clip = (nodes: ReturnType<typeof node>[], opset: number, inits: ReturnType<typeof init>[] = []): Uint8Array =>
      model({ input: vinfo("x", ["N", 4]), output: vinfo("y", ["N", 4]), nodes, inits, opset });
    const ht = await check(clip([node("Clip", ["x", "lo", "hi"], ["y"])], 13, [init("lo", [], [0]), init("hi", [], [6])]), ["N", 4], "hardtanh");
    expect(ht.layers[0]).toMatchObject({ min: 0, max: 6 });
    await check(clip([node("Clip", ["x"], ["y"], [attr("min", 0, true)])], 10), ["N", 4], "relu");
    await check(clip([node("Clip", ["x", "lo"], ["y"])], 13, [init("lo", [], [-1])]), ["N", 4], "scale relu scale");
    await check(clip([node("Max", ["x", "z"], ["y"])], 13, [init("z", [], [0])]), ["N", 4], "relu");
    const relu6 = await check(clip([node("Relu", ["x"], ["r"]), node("Min", ["r", "six"], ["y"])], 13, [init("six", [], [6])]), ["N", 4], "hardtanh");
    expect(relu6.layers[0]).toMatchObject({ min: 0, max: 6 });
    await check(clip([node("Max", ["x", "lo"], ["a"]), node("Min", ["a", "hi"], ["y"])], 13, [init("lo", [], [-0.5]), init("hi", [], [0.25])]), ["N", 4], "hardtanh");
    const lr = await check(clip([node("LeakyRelu", ["x"], ["y"], [attr("alpha", 0.1, true)])], 13), ["N", 4], "leakyrelu");
    expect(lr.layers[0]).toMatchObject({ alpha: 0.1 });
  });

  it("recognises GELU written with Erf (PyTorch's export), opset-20 Gelu, and x·sigmoid(x)", async () => {
    const io = { input: vinfo("x", ["N", 4]), output: vinfo("y", ["N", 4]) };
    await check(model({
      ...io, inits: [init("r2", [], [Math.SQRT2]), init("one", [], [1]), init("half", [], [0.5])],
      nodes: [node("Div", ["x", "r2"], ["d"]), node("Erf", ["d"], ["e"]), node("Add", ["e", "one"], ["a"]), node("Mul", ["x", "a"], ["m"]), node("Mul", ["m", "half"], ["y"])],
    }), ["N", 4], "gelu");
    await check(model({ ...io, opset: 20, nodes: [node("Gelu", ["x"], ["y"])] }), ["N", 4], "gelu");
    await check(model({ ...io, nodes: [node("Sigmoid", ["x"], ["s"]), node("Mul", ["s", "x"], ["y"])] }), ["N", 4], "silu");
    await check(model({ ...io, nodes: [node("Softplus", ["x"], ["s"]), node("Tanh", ["s"], ["t"]), node("Mul", ["x", "t"], ["y"])] }), ["N", 4], "mish");
  });

  it("a Reshape target computed by Shape/Gather/Unsqueeze/Concat folds to constants; Dropout and Identity vanish", async () => {
    await check(model({
      input: vinfo("x", ["N", 2, 3, 3]), output: vinfo("y", ["N", 3]),
      inits: [init("zero", [], [0], 7), init("minus1", [1], [-1], 7), init("W", [3, 18], W(54, 12))],
      nodes: [node("Shape", ["x"], ["s"]), node("Gather", ["s", "zero"], ["n"]), node("Unsqueeze", ["n", "ax"], ["n1"]),
        node("Constant", [], ["ax"], [attr("value", init("", [1], [0], 7))]),
        node("Concat", ["n1", "minus1"], ["shape"], [attr("axis", 0)]), node("Reshape", ["x", "shape"], ["r"]),
        node("Dropout", ["r"], ["dr"]), node("Identity", ["dr"], ["id"]), node("Gemm", ["id", "W"], ["y"], [attr("transB", 1)])],
    }), ["N", 2, 3, 3], "reshape dense");
  });

  it("Pad (opset 13 inputs), MaxPool with auto_pad SAME_UPPER, GlobalAveragePool", async () => {
    await check(model({
      input: vinfo("x", ["N", 1, 5, 5]), output: vinfo("y", ["N", 1, 1, 1]),
      inits: [init("p", [8], [0, 0, 1, 0, 0, 0, 2, 1], 7), init("v", [], [0.5])],
      nodes: [node("Pad", ["x", "p", "v"], ["a"]), node("MaxPool", ["a"], ["b"], [attr("kernel_shape", [3, 3]), attr("strides", [2, 2]), attr("auto_pad", "SAME_UPPER")]),
        node("AveragePool", ["b"], ["c"], [attr("kernel_shape", [2, 2]), attr("pads", [1, 1, 0, 0]), attr("count_include_pad", 1)]),
        node("GlobalAveragePool", ["c"], ["y"])],
    }), ["N", 1, 5, 5], "pad maxpool avgpool avgpool");
  });

  it("names the op, the node and what is supported when an op is not", () => {
    const bytes = model({ input: vinfo("x", ["N", 4]), output: vinfo("y", ["N", 4]), nodes: [node("Hardmax", ["x"], ["y"], [], "head/hardmax")] });
    try {
      networkFromOnnx(bytes, "m.onnx");
      expect.unreachable();
    } catch (e) {
      expect(isNetsizeError(e, "UNSUPPORTED_OP")).toBe(true);
      expect((e as Error).message).toMatch(/^m\.onnx: node head\/hardmax \(Hardmax\): Hardmax is not supported \(from PyTorch: a one-hot argmax\); netsize reads Gemm, MatMul, Conv/);
    }
    const prod = model({ input: vinfo("x", ["N", 4]), output: vinfo("y", ["N", 4]), nodes: [node("Relu", ["x"], ["r"]), node("Abs", ["x"], ["a"]), node("Mul", ["r", "a"], ["y"])] });
    expect(() => networkFromOnnx(prod, "m.onnx")).toThrow(expect.objectContaining({ code: "UNSUPPORTED_OP", message: expect.stringMatching(/product of two tensors/) }));
  });
});
