import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forward } from "../../src/core/engine/reference.js";
import { NetsizeError } from "../../src/core/errors.js";
import { externalDataBeside, loadNetwork, saveNetwork } from "../../src/node/files.js";
import { networkFromJson, networkFromOnnx, networkToJson, networkToOnnx } from "../../src/core/io/index.js";
import { actNet } from "./nets.js";
import { attr, init, model, node, vinfo } from "./onnx-build.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-io-"));

/** The NetsizeError thrown by f (fails the test on success or on any other error). */
function caught(f: () => unknown): NetsizeError {
  try {
    f();
  } catch (e) {
    if (e instanceof NetsizeError) return e;
    throw new Error(`expected a NetsizeError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  throw new Error("expected a NetsizeError, but it succeeded");
}

async function caughtAsync(p: Promise<unknown>): Promise<NetsizeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof NetsizeError) return e;
    throw new Error(`expected a NetsizeError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  throw new Error("expected a NetsizeError, but it succeeded");
}

const gemmModel = (w: onnxInit, extra: Partial<Parameters<typeof model>[0]> = {}): Uint8Array => model({
  input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]), inits: [w, init("b", [2], [0, 0])],
  nodes: [node("Gemm", ["x", "W", "b"], ["y"], [attr("transB", 1)], "fc1")], ...extra,
});
type onnxInit = ReturnType<typeof init>;

describe("bad files give a NetsizeError with a stable code, naming file and node", () => {
  it("empty, truncated and random-byte files are BAD_MODEL", async () => {
    const empty = path.join(dir, "empty.onnx");
    writeFileSync(empty, new Uint8Array());
    const e = await caughtAsync(loadNetwork(empty));
    expect(e.code).toBe("BAD_MODEL");
    expect(e.message).toContain(empty);
    const good = networkToOnnx(actNet("relu"));
    const cut = path.join(dir, "cut.onnx");
    writeFileSync(cut, good.subarray(0, Math.floor(good.length / 2)));
    expect((await caughtAsync(loadNetwork(cut))).code).toBe("BAD_MODEL");
    expect((await caughtAsync(loadNetwork(path.join(dir, "missing.onnx")))).code).toBe("IO_ERROR");
  });

  it("any truncation of a valid model is a NetsizeError, or (cut in the trailing metadata) the same function", () => {
    const net = actNet("gelu");
    const good = networkToOnnx(net, { float: 64 });
    const x = [0.3, -1.2, 2];
    fc.assert(fc.property(fc.integer({ min: 0, max: good.length - 1 }), (n) => {
      let back;
      try {
        back = networkFromOnnx(good.subarray(0, n), "t.onnx");
      } catch (e) {
        expect(e).toBeInstanceOf(NetsizeError);
        expect((e as NetsizeError).code).toMatch(/BAD_MODEL|SHAPE_MISMATCH|UNSUPPORTED_OP/);
        return;
      }
      expect(forward(back, x)).toEqual(forward(net, x));
    }), { numRuns: 150 });
  });

  it("random bytes and corrupted bytes give a network or a NetsizeError, never a TypeError/RangeError", () => {
    const good = networkToOnnx(actNet("relu"));
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
      caught(() => networkFromOnnx(bytes, "r.onnx"));
    }), { numRuns: 200 });
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.nat(255)), { minLength: 1, maxLength: 4 }), (flips) => {
      const b = Uint8Array.from(good);
      for (const [i, v] of flips) b[i] = v;
      try {
        networkFromOnnx(b, "f.onnx");
      } catch (e) {
        expect(e).toBeInstanceOf(NetsizeError);
      }
    }), { numRuns: 300 });
  });

  it("NaN or infinite weights are BAD_WEIGHTS naming the node", () => {
    for (const bad of [NaN, Infinity]) {
      const e = caught(() => networkFromOnnx(gemmModel(init("W", [2, 3], [1, 2, bad, 4, 5, 6])), "nan.onnx"));
      expect(e.code).toBe("BAD_WEIGHTS");
      expect(e.file).toBe("nan.onnx");
      expect(e.message).toMatch(/fc1/);
    }
  });

  it("inconsistent shapes are SHAPE_MISMATCH naming the node", () => {
    const e = caught(() => networkFromOnnx(gemmModel(init("W", [2, 4], new Array(8).fill(1))), "shape.onnx"));
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toMatch(/^shape\.onnx: node fc1 \(Gemm\)/);
    const add = model({ input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 3]), inits: [init("c", [4], [1, 2, 3, 4])], nodes: [node("Add", ["x", "c"], ["y"], [], "bias")] });
    expect(caught(() => networkFromOnnx(add, "add.onnx")).code).toBe("SHAPE_MISMATCH");
  });

  it("a tensor declaring far more data than the file holds is BAD_MODEL before anything is allocated", () => {
    const huge = { name: "W", dims: [1_000_000_000, 3], dataType: 1, rawData: new Uint8Array(24) };
    const e = caught(() => networkFromOnnx(gemmModel(huge), "huge.onnx"));
    expect(e.code).toBe("BAD_MODEL");
    expect(e.message).toMatch(/^huge\.onnx: node fc1 \(Gemm\): tensor 'W' declares 3000000000 elements/);
    const mid = { name: "W", dims: [2, 3_000_000], dataType: 1, floatData: [1, 2, 3] };
    expect(caught(() => networkFromOnnx(gemmModel(mid), "mid.onnx")).message).toMatch(/declares \[2,3000000\] = 6000000 values but holds 3/);
    const neg = { name: "W", dims: [-2, 3], dataType: 1, rawData: new Uint8Array(24) };
    expect(caught(() => networkFromOnnx(gemmModel(neg), "neg.onnx")).code).toBe("BAD_MODEL");
  });

  it("external data outside the model's folder is EXTERNAL_DATA; a file beside the model loads", () => {
    const ext = (location: string, extra: { key: string; value: string }[] = []): onnxInit => ({
      name: "W", dims: [2, 3], dataType: 1, dataLocation: 1, externalData: [{ key: "location", value: location }, ...extra],
    });
    const weights = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const sub = mkdtempSync(path.join(dir, "ext-"));
    writeFileSync(path.join(sub, "w.bin"), new Uint8Array(weights.buffer));
    writeFileSync(path.join(dir, "outside.bin"), new Uint8Array(weights.buffer));
    const file = path.join(sub, "m.onnx");
    for (const loc of ["../outside.bin", "/etc/passwd", path.join(dir, "outside.bin"), "sub/../../outside.bin"]) {
      const e = caught(() => networkFromOnnx(gemmModel(ext(loc)), file, externalDataBeside(file)));
      expect(e.code).toBe("EXTERNAL_DATA");
      expect(e.message).toContain("outside the model's folder");
    }
    expect(caught(() => networkFromOnnx(gemmModel(ext("nope.bin")), file, externalDataBeside(file))).code).toBe("EXTERNAL_DATA");
    expect(caught(() => networkFromOnnx(gemmModel(ext("w.bin", [{ key: "length", value: "8" }])), file, externalDataBeside(file))).code).toBe("EXTERNAL_DATA");
    expect(caught(() => networkFromOnnx(gemmModel(ext("w.bin")))).code).toBe("EXTERNAL_DATA");
    const net = networkFromOnnx(gemmModel(ext("w.bin")), file, externalDataBeside(file));
    expect(net.layers[0]).toMatchObject({ kind: "dense", weight: Float64Array.from(weights) });
  });

  it("bad JSON is BAD_MODEL, NaN weights BAD_WEIGHTS, a wrong stored shape SHAPE_MISMATCH", () => {
    const text = networkToJson(actNet("relu"));
    expect(caught(() => networkFromJson(text.slice(0, 100), "n.json")).code).toBe("BAD_MODEL");
    expect(caught(() => networkFromJson(text.replace("netsize.network/1", "netsize.network/9"), "n.json")).message).toMatch(/schema/);
    const doc = JSON.parse(text);
    doc.layers[0].bias = [1, null, 3, 4, 5];
    const e = caught(() => networkFromJson(JSON.stringify(doc), "n.json"));
    expect([e.code, e.file, e.node]).toEqual(["BAD_WEIGHTS", "n.json", "dense_0"]);
    doc.layers[0].bias = [1, 2, 3, 4, 5];
    doc.layers[0].shape = [6];
    expect(caught(() => networkFromJson(JSON.stringify(doc), "n.json")).code).toBe("SHAPE_MISMATCH");
    doc.layers[0].shape = [5];
    delete doc.layers[0].weight;
    expect(caught(() => networkFromJson(JSON.stringify(doc), "n.json")).code).toMatch(/BAD_MODEL|SHAPE_MISMATCH/);
  });

  it("saveNetwork picks the format from the extension, loadNetwork from the bytes; nothing partial is left", async () => {
    const net = actNet("tanh");
    await saveNetwork(net, path.join(dir, "a.json"));
    await saveNetwork(net, path.join(dir, "a.onnx"), { float: 64 });
    await saveNetwork(net, path.join(dir, "json-named.onnx"), { format: "json" });
    expect(await loadNetwork(path.join(dir, "a.json"))).toStrictEqual(net);
    expect(await loadNetwork(path.join(dir, "a.onnx"))).toStrictEqual(net);
    expect(await loadNetwork(path.join(dir, "json-named.onnx"))).toStrictEqual(net);
    expect((await caughtAsync(saveNetwork(net, path.join(dir, "a.txt")))).code).toBe("BAD_ARGUMENT");
    expect((await caughtAsync(saveNetwork(net, path.join(dir, "no/such/dir/a.json")))).code).toBe("IO_ERROR");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
