// Strings from files in messages and tables (issue 16, item 6): node names, op types, NPY headers,
// CSV cells and VNN-LIB fragments are escaped and bounded, so an error stays one line and no file
// can clear the terminal (ESC[2J) or fake a table row (\r\n).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatTable } from "../../src/cli/shared.js";
import { escapeControls, NetsizeError, printable } from "../../src/core/errors.js";
import { networkFromOnnx, networkToJson, parseVnnlib } from "../../src/core/io/index.js";
import { createNetwork } from "../../src/core/network.js";
import { parseCsv } from "../../src/data/csv.js";
import { parseNpy } from "../../src/data/npy.js";
import { sliceRegions } from "../../src/lenses/regions/slice.js";
import { planeFromDirections } from "../../src/lenses/regions/anchors.js";
import { errorLine, netsize } from "../cli/run.js";
import { model, node, vinfo } from "./onnx-build.js";

const ESC = "\u001b";
const CLEAR = `${ESC}[2J${ESC}[H`;

function caught(f: () => unknown): NetsizeError {
  try { f(); } catch (e) { if (e instanceof NetsizeError) return e; throw e; }
  throw new Error("expected a NetsizeError, but it succeeded");
}

/** One printable line: no control character at all. */
const oneLine = (s: string): boolean => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s);

describe("printable", () => {
  it("escapes controls, separators and bidi overrides, keeps other Unicode, and bounds the length", () => {
    expect(escapeControls(`a\r\nb${CLEAR}\t\u0000\u007f\u0085\u2028\u202e`)).toBe("a\\r\\nb\\e[2J\\e[H\\t\\x00\\x7f\\x85\\u{2028}\\u{202e}");
    expect(escapeControls("Gemm ü 中 😀 \\n")).toBe("Gemm ü 中 😀 \\n");
    expect(printable("x".repeat(1000), 20)).toBe(`${"x".repeat(12)}…(+988)`);
    // Never cut inside an escape: "\\n" is kept whole or not at all.
    expect(printable(`${"x".repeat(11)}\n${"y".repeat(20)}`, 20)).toBe(`${"x".repeat(11)}…(+21)`);
    expect(printable(undefined)).toBe("undefined");
  });
});

describe("errors from crafted files are one printable line", () => {
  it("an ONNX op type of 18 lines with ESC[2J in its node name", () => {
    const op = Array.from({ length: 18 }, (_, i) => `Evil${i}`).join("\n");
    const bytes = model({ input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 3]), nodes: [node(op, ["x"], ["y"], [], `n${CLEAR}\r\n1  fake row`)] });
    const e = caught(() => networkFromOnnx(bytes, "evil.onnx"));
    expect(e.code).toBe("UNSUPPORTED_OP");
    expect(oneLine(e.message)).toBe(true);
    expect(e.message).toContain("node n\\e[2J\\e[H\\r\\n1  fake row (Evil0\\nEvil1");
    // The node (name and op type) is cut at 120 characters, the op type in the message at 60.
    expect(e.message).toMatch(/ \(Evil0\\nEvil1\\n.*Evil11…\(\+\d+\): Evil0\\nEvil1\\n.*…\(\+\d+\) is not supported; netsize reads Gemm/);
    expect(e.message.length).toBeLessThan(2100);
  });

  it("a graph input name of 10⁵ characters is bounded", () => {
    const name = `x${"\n".repeat(100_000)}`;
    const bytes = model({ input: vinfo(name, ["N", "M"]), output: vinfo("y", ["N", 3]), nodes: [node("Relu", [name], ["y"])] });
    const e = caught(() => networkFromOnnx(bytes, "evil.onnx"));
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(oneLine(e.message)).toBe(true);
    expect(e.message.length).toBeLessThan(400);
  });

  it("an NPY header with line breaks and ESC", () => {
    const dict = `{'descr': '<f8',\n${CLEAR}\n'oops': 1}\n`;
    const bytes = new Uint8Array(10 + dict.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(bytes.buffer).setUint16(8, dict.length, true);
    bytes.set(new TextEncoder().encode(dict), 10);
    const e = caught(() => parseNpy(bytes, "evil.npy"));
    expect(e.code).toBe("BAD_DATA");
    expect(oneLine(e.message)).toBe(true);
    expect(e.message).toContain("{'descr': '<f8',\\n\\e[2J\\e[H\\n'oops'");
  });

  it("a CSV cell and a VNN-LIB command with ESC", () => {
    const c = caught(() => parseCsv(`1,2\n3,${ESC}[2J\n`, "evil.csv"));
    expect(c.code).toBe("BAD_DATA");
    expect(c.message).toBe("evil.csv: line 2, column 2: '\\e[2J' is not a finite number");
    const v = caught(() => parseVnnlib(`(declare-const X_0 Real)\n(${ESC}[2Jpwn\r\nX)\n`, "evil.vnnlib"));
    expect(v.code).toBe("BAD_DATA");
    expect(v.message).toBe("evil.vnnlib: unknown command '\\e[2Jpwn'");
  });

  it("a lens error naming a crafted layer", () => {
    const net = createNetwork([2], [{ kind: "dense", inSize: 2, outSize: 2, weight: Float64Array.of(1, 0, 0, 1), bias: Float64Array.of(0, 0) }, { kind: "activation", fn: "tanh", name: `t${CLEAR}\n` }]);
    const e = caught(() => sliceRegions(net, planeFromDirections([0, 0], [1, 0], [0, 1])));
    expect(e.code).toBe("NOT_PIECEWISE_LINEAR");
    expect(oneLine(e.message)).toBe(true);
    expect(e.message).toContain("node t\\e[2J\\e[H\\n:");
  });
});

describe("tables show crafted names escaped", () => {
  it("formatTable: a \\r\\n in a name does not fake a row", () => {
    const t = formatTable(["#", "name"], [[0, "a\r\n1  fake"], [1, `b${CLEAR}`]]);
    expect(t.split("\n")).toEqual(["#  name", "-  ------------", "0  a\\r\\n1  fake", "1  b\\e[2J\\e[H", ""]);
  });

  it("netsize info on a JSON network with such layer names prints one row per layer", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-escape-"));
    const file = path.join(dir, "evil.json");
    const net = createNetwork([2], [
      { kind: "dense", inSize: 2, outSize: 2, weight: Float64Array.of(1, 0, 0, 1), bias: Float64Array.of(0, 0), name: `fc${CLEAR}` },
      { kind: "activation", fn: "relu", name: "r\r\n9  fake  dense  0  [1]  0  0  yes" },
    ]);
    writeFileSync(file, networkToJson(net));
    const r = await netsize(["info", file]);
    expect(r.code).toBe(0);
    expect(oneLine(r.stdout.replace(/\n/g, ""))).toBe(true);
    const rows = r.stdout.split("\n").filter((l) => /^\s*\d+  /.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain("fc\\e[2J\\e[H");
    expect(rows[1]).toContain("r\\r\\n9  fake");
    // A bad file named on the command line: still one error line.
    writeFileSync(path.join(dir, "bad.json"), `{"schema": "${"\\u001b[2J".repeat(50)}"}`);
    const b = await netsize(["info", path.join(dir, "bad.json")]);
    expect(errorLine(b).code).toBe("BAD_MODEL");
    expect(oneLine(b.stderr.trimEnd())).toBe(true);
  }, 60_000);
});
