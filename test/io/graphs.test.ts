// Graphs onnxruntime rejects must not load either (issue 16, item 4): duplicate definitions of a
// name (one was silently picked), pooling pads as large as the kernel (−∞ outputs), opsets netsize
// does not know, and graph inputs that are not float tensors.
import { describe, expect, it } from "vitest";
import { NetsizeError } from "../../src/core/errors.js";
import { networkFromOnnx } from "../../src/core/io/index.js";
import { attr, init, model, node, runOrt, vinfo } from "./onnx-build.js";

function caught(f: () => unknown): NetsizeError {
  try { f(); } catch (e) { if (e instanceof NetsizeError) return e; throw e; }
  throw new Error("expected a NetsizeError, but it succeeded");
}

/** True when onnxruntime refuses to load or run the model. */
async function ortRejects(bytes: Uint8Array, dims: number[]): Promise<boolean> {
  try { await runOrt(bytes, { x: { data: new Array(dims.reduce((a, b) => a * b, 1)).fill(1), dims } }); return false; } catch { return true; }
}

const F = "g.onnx";
const relu = (opset = 13, elemType = 1): Uint8Array => model({ input: vinfo("x", ["N", 3], elemType), output: vinfo("y", ["N", 3]), nodes: [node("Relu", ["x"], ["y"], [], "r")], opset });

describe("invalid graphs are refused with BAD_MODEL or UNSUPPORTED_OP", () => {
  it("a name defined twice (two nodes, or a node and an initializer) is BAD_MODEL", async () => {
    const twice = model({ input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 3]), nodes: [node("Relu", ["x"], ["y"], [], "a"), node("Abs", ["x"], ["y"], [], "b")] });
    const e = caught(() => networkFromOnnx(twice, F));
    expect(e.code).toBe("BAD_MODEL");
    expect(e.message).toBe("g.onnx: 'y' is defined twice (node a (Relu) and node b (Abs)); onnxruntime rejects such a model — rename one");
    expect(await ortRejects(twice, [1, 3])).toBe(true);
    const shadow = model({
      input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 3]), inits: [init("h", [3], [1, 2, 3])],
      nodes: [node("Relu", ["x"], ["h"], [], "a"), node("Add", ["h", "h"], ["y"], [], "b")],
    });
    expect(caught(() => networkFromOnnx(shadow, F)).code).toBe("BAD_MODEL");
  });

  it("MaxPool / AveragePool with pads as large as the kernel are BAD_MODEL (windows of padding only)", async () => {
    for (const op of ["MaxPool", "AveragePool"]) {
      const bytes = model({
        input: vinfo("x", ["N", 1, 4, 4]), output: vinfo("y", ["N", 1, 7, 7]),
        nodes: [node(op, ["x"], ["y"], [attr("kernel_shape", [2, 2]), attr("pads", [2, 2, 2, 2])], "pool")],
      });
      const e = caught(() => networkFromOnnx(bytes, F));
      expect([op, e.code]).toEqual([op, "BAD_MODEL"]);
      expect(e.message).toContain("node pool");
      expect(e.message).toContain("not all smaller than the kernel 2×2");
      expect(await ortRejects(bytes, [1, 1, 4, 4])).toBe(true);
    }
  });

  it("opsets outside 7–26 are UNSUPPORTED_OP, a non-positive one BAD_MODEL", async () => {
    for (const v of [1, 6, 27, 1000]) {
      const e = caught(() => networkFromOnnx(relu(v), F));
      expect([v, e.code]).toEqual([v, "UNSUPPORTED_OP"]);
      expect(e.message).toContain(`opset ${v}`);
      expect(e.message).toContain("re-export with opset 7–26");
    }
    expect(await ortRejects(relu(1), [1, 3])).toBe(true);
    expect(await ortRejects(relu(1000), [1, 3])).toBe(true);
    expect(caught(() => networkFromOnnx(relu(0), F)).code).toBe("BAD_MODEL");
    for (const v of [7, 13, 26]) expect(networkFromOnnx(relu(v), F).layers).toHaveLength(1);
  });

  it("int64, string and bool graph inputs are UNSUPPORTED_OP; float64 is read", () => {
    for (const [t, name] of [[7, "int64"], [8, "string"], [9, "bool"]] as const) {
      const e = caught(() => networkFromOnnx(relu(13, t), F));
      expect([name, e.code]).toEqual([name, "UNSUPPORTED_OP"]);
      expect(e.message).toContain(`element type ${name}`);
    }
    expect(networkFromOnnx(relu(13, 11), F).layers).toHaveLength(1);
  });
});
