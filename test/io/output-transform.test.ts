// A final Softmax / LogSoftmax / Sigmoid (the most common PyTorch export) is read as the network's
// output transform: the layers end at the logits (so the exact lenses apply), the probabilities stay
// what the model outputs (eval, exported files), and a binary Sigmoid classifier is thresholded at 0.5.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { networkFromOnnx, networkToOnnx, networkToJson, networkFromJson } from "../../src/core/io/index.js";
import { applyOutputTransform, outputTransformOf } from "../../src/core/output-transform.js";
import { isPiecewiseLinear } from "../../src/core/network.js";
import { evaluate } from "../../src/lenses/eval/index.js";
import { parseNpy } from "../../src/data/npy.js";
import { netsize } from "../cli/run.js";
import { codeOf } from "../helpers/errors.js";
import { attr, init, model, node, runOrt, vinfo } from "./onnx-build.js";

const W = [0.5, -1, 2, 0.25, -0.75, 1.5], B = [0.1, -0.2, 0.3];

/** Gemm(2→3) → Relu → Gemm(3→k) → the given final op(s). */
function classifier(k: number, final: { op: string; attrs?: ReturnType<typeof attr>[] } | undefined, opset = 13): Uint8Array {
  const W2 = Array.from({ length: 3 * k }, (_, i) => ((i * 7) % 5) / 2 - 1), B2 = Array.from({ length: k }, (_, i) => 0.1 * i - 0.05);
  const nodes = [
    node("Gemm", ["x", "W", "B"], ["h"], [attr("transB", 1)], "fc1"),
    node("Relu", ["h"], ["r"], [], "relu1"),
    node("Gemm", ["r", "W2", "B2"], [final ? "z" : "y"], [attr("transB", 1)], "fc2"),
  ];
  if (final) nodes.push(node(final.op, ["z"], ["y"], final.attrs ?? [], "out"));
  return model({ nodes, inits: [init("W", [3, 2], W), init("B", [3], B), init("W2", [k, 3], W2), init("B2", [k], B2)], input: vinfo("x", ["N", 2]), output: vinfo("y", ["N", k]), opset });
}

const X = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.3) * 2);

describe("a final Softmax / LogSoftmax / Sigmoid", () => {
  it.each([["Softmax", 13], ["LogSoftmax", 13], ["Softmax", 11]] as const)("%s (opset %i) becomes the output transform; the layers stay piecewise linear", async (op, opset) => {
    const bytes = classifier(4, { op, attrs: opset < 13 ? [attr("axis", 1)] : [] }, opset);
    const net = networkFromOnnx(bytes, "m.onnx");
    expect(outputTransformOf(net)?.kind).toBe(op.toLowerCase());
    expect(net.layers.map((l) => l.kind)).toEqual(["dense", "activation", "dense"]);
    expect(isPiecewiseLinear(net)).toBe(true);
    // The model's outputs are the transform of the network's logits, as onnxruntime computes them.
    const logits = forwardBatchReference(net, X, 20, { withUnits: false }).outputs;
    const probs = applyOutputTransform(outputTransformOf(net), logits, 4);
    const ort = (await runOrt(bytes, { x: { data: X, dims: [20, 2] } }, 32)).y!;
    for (let k = 0; k < probs.length; k++) expect(Math.abs(probs[k]! - ort[k]!)).toBeLessThan(1e-5);
    // Exported again (ONNX and JSON), the file still ends in the transform and computes the same.
    const again = networkToOnnx(net, { float: 64 });
    const ort64 = (await runOrt(again, { x: { data: X, dims: [20, 2] } }, 64)).y!;
    for (let k = 0; k < probs.length; k++) expect(Math.abs(probs[k]! - ort64[k]!)).toBeLessThan(1e-12);
    expect(outputTransformOf(networkFromOnnx(again))?.kind).toBe(op.toLowerCase());
    expect(networkFromOnnx(again).layers.length).toBe(3);
    expect(outputTransformOf(networkFromJson(networkToJson(net)))?.kind).toBe(op.toLowerCase());
  });

  it("a binary classifier ending in Sigmoid is decided at probability 0.5, and --threshold moves it", async () => {
    const net = networkFromOnnx(classifier(1, { op: "Sigmoid" }), "bce.onnx");
    expect(outputTransformOf(net)?.kind).toBe("sigmoid");
    const logits = forwardBatchReference(net, X, 20, { withUnits: false }).outputs;
    const labels = Int32Array.from(logits, (z) => (z > 0 ? 1 : 0));
    const data = { name: "pts", n: 20, shape: [2], x: X, labels };
    const r = await evaluate(net, data);
    expect(r.decision).toEqual({ threshold: 0.5, on: "probability" });
    expect(r.correct).toBe(20);
    expect(labels.some((l) => l === 0) && labels.some((l) => l === 1)).toBe(true);
    const p = Float64Array.from(logits, (z) => 1 / (1 + Math.exp(-z)));
    const t = 0.8;
    const r2 = await evaluate(net, data, { threshold: t });
    expect(r2.correct).toBe(Array.from(p).filter((v, i) => (v > t ? 1 : 0) === labels[i]).length);
    expect(r2.correct).toBeLessThan(20);
    await expect(evaluate(net, data, { threshold: 1.5 })).rejects.toThrow(/in \(0, 1\)/);
  });

  it("Softmax inside the network is UNSUPPORTED_OP naming nn.Softmax; Softmax over a spatial axis too", () => {
    const inner = model({
      nodes: [node("Gemm", ["x", "W", "B"], ["h"], [attr("transB", 1)], "fc1"), node("Softmax", ["h"], ["s"], [], "attn"), node("Relu", ["s"], ["y"], [], "r")],
      inits: [init("W", [3, 2], W), init("B", [3], B)], input: vinfo("x", ["N", 2]), output: vinfo("y", ["N", 3]),
    });
    expect(codeOf(() => networkFromOnnx(inner, "inner.onnx"))).toMatch(/^UNSUPPORTED_OP: .*nn\.Softmax.*final layer/);
    const spatial = model({
      nodes: [node("Reshape", ["x", "shape"], ["r"], [], "rs"), node("Softmax", ["r"], ["y"], [attr("axis", 1)], "sm")],
      inits: [init("shape", [3], [0, 2, 2], 7)], input: vinfo("x", ["N", 4]), output: vinfo("y", ["N", 2, 2]),
    });
    expect(codeOf(() => networkFromOnnx(spatial, "spatial.onnx"))).toMatch(/^UNSUPPORTED_OP: .*Softmax over axis 1/);
  });

  it("the CLI: eval thresholds a Sigmoid at 0.5, writes the probabilities with --outputs, and reads --data moons", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-ot-"));
    const file = path.join(dir, "bce.onnx");
    writeFileSync(file, classifier(1, { op: "Sigmoid" }));
    const net = networkFromOnnx(readFileSync(file), file);
    const rows = Array.from({ length: 20 }, (_, i) => [X[2 * i]!, X[2 * i + 1]!]);
    const logits = forwardBatchReference(net, X, 20, { withUnits: false }).outputs;
    writeFileSync(path.join(dir, "d.csv"), "a,b,label\n" + rows.map((r, i) => `${r[0]},${r[1]},${logits[i]! > 0 ? 1 : 0}`).join("\n") + "\n");
    const r = await netsize(["eval", file, "--data", path.join(dir, "d.csv"), "--label-column", "label", "--outputs", path.join(dir, "p.npy"), "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accuracy 1\.0000 \(20 \/ 20\).*probability \(after the model's Sigmoid\) > 0\.5/);
    const npy = parseNpy(readFileSync(path.join(dir, "p.npy")), "p.npy");
    expect(npy.shape).toEqual([20, 1]);
    for (let i = 0; i < 20; i++) expect(npy.data[i]).toBeCloseTo(1 / (1 + Math.exp(-logits[i]!)), 12);
    const moons = await netsize(["eval", file, "--data", "moons:n=50", "--json", "--quiet"]);
    expect(moons.code, moons.stderr).toBe(0);
    expect(JSON.parse(moons.stdout).n).toBe(50);
  });
});
