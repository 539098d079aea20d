import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/random.js";
import { attr, init, model, node, vinfo } from "../io/onnx-build.js";
import { errorLine, netsizeAll } from "./run.js";

type Init = ReturnType<typeof init>;

/** A one-Gemm model x[N,3] → y[N,2] with the given weight initializer. */
const gemm = (w: Init): Uint8Array => model({
  input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]), inits: [w, init("b", [2], [0, 0])],
  nodes: [node("Gemm", ["x", "W", "b"], ["y"], [attr("transB", 1)], "fc1")],
});

describe("bad model files at the command line: one line, a stable code, non-zero exit, nothing written", () => {
  it("each malformed file fails convert (and info) cleanly and leaves no output behind", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-bad-"));
    const good = gemm(init("W", [2, 3], [1, 2, 3, 4, 5, 6]));
    const rng = createRng(5);
    const sub = path.join(dir, "models");
    mkdirSync(sub);
    writeFileSync(path.join(dir, "secret.bin"), new Uint8Array(24));
    const cases: [string, Uint8Array, string, RegExp][] = [
      ["empty.onnx", new Uint8Array(0), "BAD_MODEL", /empty/],
      ["truncated.onnx", good.subarray(0, Math.floor(good.length / 2)), "BAD_MODEL", /truncated|corrupt|not/],
      ["random.onnx", Uint8Array.from({ length: 4096 }, () => rng.int(256)), "BAD_MODEL", /./],
      ["nan.onnx", gemm(init("W", [2, 3], [1, NaN, 3, 4, 5, 6])), "BAD_WEIGHTS", /fc1.*NaN/],
      ["inf.onnx", gemm(init("W", [2, 3], [1, 2, 3, Infinity, 5, 6])), "BAD_WEIGHTS", /fc1.*Infinity/],
      ["shapes.onnx", gemm(init("W", [2, 4], new Array(8).fill(1))), "SHAPE_MISMATCH", /fc1/],
      ["external.onnx", gemm({ name: "W", dims: [2, 3], dataType: 1, dataLocation: 1, externalData: [{ key: "location", value: "../secret.bin" }] }), "EXTERNAL_DATA", /outside the model's folder/],
      ["huge.onnx", gemm({ name: "W", dims: [1_000_000_000, 3], dataType: 1, rawData: new Uint8Array(24) }), "BAD_MODEL", /declares 3000000000 elements/],
      ["large.onnx", gemm({ name: "W", dims: [2, 3_000_000], dataType: 1, rawData: new Uint8Array(24) }), "BAD_MODEL", /declares \[2,3000000\].* holds 24 bytes/],
    ];
    for (const [name, bytes] of cases) writeFileSync(path.join(sub, name), bytes);
    const outs = cases.map(([name]) => path.join(dir, `out-${name}`));
    const runs = await netsizeAll([
      ...cases.map(([name], i) => ["convert", path.join(sub, name), outs[i]!]),
      ["info", path.join(sub, "nan.onnx"), "--json", path.join(dir, "info.json")],
      ["eval", path.join(sub, "truncated.onnx"), "--quiet"],
    ]);
    cases.forEach(([name, , code, msg], i) => {
      const r = runs[i]!;
      expect(errorLine(r).code, name).toBe(code);
      expect(errorLine(r).line, name).toMatch(msg);
      expect(errorLine(r).line, name).toContain(name);
      expect(r.code, name).toBe(1);
      expect(r.stdout, name).toBe("");
      expect(r.stderr, name).not.toMatch(/\n\s+at /);
      expect(existsSync(outs[i]!), name).toBe(false);
    });
    expect(errorLine(runs[cases.length]!).code).toBe("BAD_WEIGHTS");
    expect(existsSync(path.join(dir, "info.json"))).toBe(false);
    expect(errorLine(runs[cases.length + 1]!).code).toBe("BAD_MODEL");
    // No temporary siblings either: the folder holds only what the test wrote.
    expect(readdirSync(dir).sort()).toEqual(["models", "secret.bin"]);
  });

  it("usage errors exit 2 and a missing file is IO_ERROR", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-usage-"));
    const m = path.join(dir, "m.onnx");
    writeFileSync(m, gemm(init("W", [2, 3], [1, 2, 3, 4, 5, 6])));
    const [ext, float, split, missing] = await netsizeAll([
      ["convert", m, path.join(dir, "out.txt")],
      ["convert", m, path.join(dir, "out.onnx"), "--float", "16"],
      ["eval", m, "--data", path.join(dir, "d.csv"), "--split", "test"],
      ["info", path.join(dir, "nope.onnx")],
    ]);
    expect([errorLine(ext!).code, ext!.code]).toEqual(["BAD_ARGUMENT", 2]);
    expect([errorLine(float!).code, float!.code]).toEqual(["BAD_ARGUMENT", 2]);
    expect([errorLine(split!).code, split!.code]).toEqual(["BAD_ARGUMENT", 2]);
    expect([errorLine(missing!).code, missing!.code]).toEqual(["IO_ERROR", 1]);
    expect(readdirSync(dir)).toEqual(["m.onnx"]);
  });
});
