// Parameters that used to load silently (issue 16, item 3): NaN/∞ activation slopes, clip bounds
// and pad values, hard tanh with min > max, zero strides/kernels/dilations, CSV cells that overflow.
// All are refused when the network is built, so every reader (ONNX, JSON, the API) refuses them.
import { describe, expect, it } from "vitest";
import { NetsizeError } from "../../src/core/errors.js";
import { networkFromJson, networkFromOnnx, networkToJson } from "../../src/core/io/index.js";
import { createNetwork, LayerSpec } from "../../src/core/network.js";
import { parseCsv } from "../../src/data/csv.js";
import { actNet, convNet } from "./nets.js";
import { attr, init, model, node, vinfo } from "./onnx-build.js";

/** The NetsizeError f throws. */
function caught(f: () => unknown): NetsizeError {
  try { f(); } catch (e) { if (e instanceof NetsizeError) return e; throw e; }
  throw new Error("expected a NetsizeError, but it succeeded");
}

/** x [N,3] → Gemm → `op` → y, as ONNX bytes. */
function afterGemm(op: ReturnType<typeof node>[], inits: ReturnType<typeof init>[] = [], opset = 13): Uint8Array {
  return model({
    input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]), opset,
    inits: [init("W", [2, 3], [1, 2, 3, 4, 5, 6]), init("b", [2], [0, 0]), ...inits],
    nodes: [node("Gemm", ["x", "W", "b"], ["h"], [attr("transB", 1)], "fc1"), ...op],
  });
}

/** x [N,1,4,4] → `op` → y, as ONNX bytes. */
function image(op: ReturnType<typeof node>[], inits: ReturnType<typeof init>[] = [], out: (number | string)[] = ["N", 1, 4, 4]): Uint8Array {
  return model({ input: vinfo("x", ["N", 1, 4, 4]), output: vinfo("y", out), inits, nodes: op });
}

const F = "bad.onnx";

describe("ONNX parameters are validated at load time, naming file, node and fix", () => {
  it("LeakyRelu / Elu alpha that is NaN or infinite is BAD_WEIGHTS", () => {
    for (const [op, a] of [["LeakyRelu", NaN], ["LeakyRelu", Infinity], ["Elu", NaN], ["Elu", -Infinity]] as const) {
      const e = caught(() => networkFromOnnx(afterGemm([node(op, ["h"], ["y"], [attr("alpha", a, true)], "act1")]), F));
      expect([op, a, e.code]).toEqual([op, a, "BAD_WEIGHTS"]);
      expect(e.message).toContain(F);
      expect(e.message).toContain("node act1");
      expect(e.message).toMatch(/alpha is (NaN|-?Infinity); it must be a finite number — fix the export/);
    }
  });

  it("PRelu with a NaN slope is BAD_WEIGHTS", () => {
    const e = caught(() => networkFromOnnx(afterGemm([node("PRelu", ["h", "s"], ["y"], [], "pr")], [init("s", [1], [NaN])]), F));
    expect(e.code).toBe("BAD_WEIGHTS");
    expect(e.message).toContain("pr (PRelu)");
    const m = caught(() => networkFromOnnx(afterGemm([node("Max", ["h", "m"], ["y"], [], "mx")], [init("m", [], [NaN])]), F));
    expect(m.code).toBe("BAD_WEIGHTS");
  });

  it("Clip with a NaN bound is BAD_WEIGHTS (it used to vanish: NaN compares false), in both opset forms", () => {
    const e13 = caught(() => networkFromOnnx(afterGemm([node("Clip", ["h", "lo", "hi"], ["y"], [], "clip")], [init("lo", [], [NaN]), init("hi", [], [1])]), F));
    expect(e13.code).toBe("BAD_WEIGHTS");
    expect(e13.message).toContain("clip (Clip)");
    const e6 = caught(() => networkFromOnnx(afterGemm([node("Clip", ["h"], ["y"], [attr("min", 0, true), attr("max", NaN, true)], "clip")], [], 10), F));
    expect(e6.code).toBe("BAD_WEIGHTS");
  });

  it("Pad with a NaN or infinite constant value is BAD_WEIGHTS", () => {
    for (const v of [NaN, Infinity]) {
      const bytes = image([node("Pad", ["x", "p", "v"], ["y"], [], "pad")], [init("p", [8], [0, 0, 1, 1, 0, 0, 1, 1], 7), init("v", [], [v])], ["N", 1, 6, 6]);
      const e = caught(() => networkFromOnnx(bytes, F));
      expect([v, e.code]).toEqual([v, "BAD_WEIGHTS"]);
      expect(e.message).toContain("pad value");
    }
  });

  it("Conv with a zero stride or dilation, or an empty kernel, is BAD_MODEL", () => {
    const w = init("w", [1, 1, 3, 3], new Array(9).fill(0.1));
    for (const a of [attr("strides", [0, 1]), attr("dilations", [1, 0])]) {
      const e = caught(() => networkFromOnnx(image([node("Conv", ["x", "w"], ["y"], [a, attr("pads", [1, 1, 1, 1])], "conv")], [w]), F));
      expect([a.name, e.code]).toEqual([a.name, "BAD_MODEL"]);
      expect(e.message).toContain("conv (Conv)");
      expect(e.message).toContain("positive integer");
    }
    const empty = init("w", [1, 1, 0, 3], []);
    expect(caught(() => networkFromOnnx(image([node("Conv", ["x", "w"], ["y"], [], "conv")], [empty]), F)).code).toBe("BAD_MODEL");
  });
});

/** The JSON of a valid net with layer `i`'s fields replaced. */
function patched(net: ReturnType<typeof convNet>, i: number, fields: Record<string, unknown>): string {
  const doc = JSON.parse(networkToJson(net)) as { layers: Record<string, unknown>[] };
  Object.assign(doc.layers[i]!, fields);
  return JSON.stringify(doc);
}

describe("netsize JSON and the API are validated by the network model", () => {
  const net = convNet(1);
  const at = (kind: string): number => net.layers.findIndex((l) => l.kind === kind);

  it("conv and pool with stride, kernel or dilation 0 are BAD_MODEL (they loaded with ∞ units and converted to ONNX)", () => {
    const conv = at("conv2d"), pool = at("maxpool"), avg = at("avgpool");
    for (const [i, f] of [[conv, { stride: [0, 1] }], [conv, { dilation: [1, 0] }], [conv, { kernel: [0, 3] }], [pool, { stride: [0, 0] }], [pool, { kernel: [2, 0] }], [avg, { stride: [1, 0.5] }]] as const) {
      const e = caught(() => networkFromJson(patched(net, i, f), "net.json"));
      expect([f, e.code]).toEqual([f, "BAD_MODEL"]);
      expect(e.message).toContain("net.json");
      expect(e.message).toContain(net.layers[i]!.name);
    }
  });

  it("hard tanh with min > max is BAD_MODEL; NaN alpha, min or max and a NaN pad value are BAD_WEIGHTS", () => {
    const ht = net.layers.findIndex((l) => l.kind === "activation" && l.fn === "hardtanh");
    expect(caught(() => networkFromJson(patched(net, ht, { min: 2, max: 1 }), "net.json")).code).toBe("BAD_MODEL");
    expect(caught(() => networkFromJson(patched(net, ht, { max: { $number: "Infinity" } }), "net.json")).code).toBe("BAD_WEIGHTS");
    expect(caught(() => networkFromJson(patched(net, at("pad"), { value: { $number: "NaN" } }), "net.json")).code).toBe("BAD_WEIGHTS");
    const leaky = actNet("leakyrelu", { alpha: 0.1 });
    expect(caught(() => networkFromJson(patched(leaky, 1, { alpha: { $number: "NaN" } }), "net.json")).code).toBe("BAD_WEIGHTS");
    // A zero-width dense layer is valid (compression leaves one when every unit is constant); its weights must then be empty.
    expect(caught(() => networkFromJson(patched(leaky, 0, { outSize: 0 }), "net.json")).code).toBe("SHAPE_MISMATCH");
    expect(caught(() => networkFromJson(patched(leaky, 0, { outSize: 2.5 }), "net.json")).code).toBe("BAD_MODEL");
    expect(caught(() => networkFromJson(patched(leaky, 0, { outSize: -1 }), "net.json")).code).toBe("BAD_MODEL");
  });

  it("the API is held to the same rules, and valid edge cases still build", () => {
    const act = (p: Partial<LayerSpec>): LayerSpec[] => [{ kind: "dense", inSize: 1, outSize: 1, weight: Float64Array.of(1), bias: Float64Array.of(0) }, { kind: "activation", fn: "hardtanh", ...p } as LayerSpec];
    expect(caught(() => createNetwork([1], act({ min: 1, max: -1 } as Partial<LayerSpec>))).code).toBe("BAD_MODEL");
    expect(createNetwork([1], act({ min: 0.5, max: 0.5 } as Partial<LayerSpec>)).layers).toHaveLength(2);
    const pool = (pads: number[]): LayerSpec[] => [{ kind: "maxpool", kernel: [2, 2], stride: [1, 1], pads: pads as [number, number, number, number] }];
    expect(caught(() => createNetwork([1, 4, 4], pool([2, 0, 0, 0]))).code).toBe("BAD_MODEL");
    expect(createNetwork([1, 4, 4], pool([1, 1, 1, 1])).layers[0]!.shape).toEqual([1, 5, 5]);
  });
});

describe("CSV data", () => {
  it("a cell that overflows float64 (1e999) is BAD_DATA naming line and column", () => {
    const e = caught(() => parseCsv("a,b\n1,2\n3,-1e999\n", "data.csv"));
    expect(e.code).toBe("BAD_DATA");
    expect(e.message).toContain("data.csv");
    expect(e.message).toContain("line 3, column 2");
    expect(parseCsv("1e300,2\n", "ok.csv").x[0]).toBe(1e300);
  });
});
