// Deep inputs (issue 16, item 5): 10⁵ layers, 10⁵ nested parentheses, deeply nested JSON. Nothing
// may recurse or spread arguments in proportion to the input; deep nesting is a clear error.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatTable } from "../../src/cli/shared.js";
import { NetsizeError } from "../../src/core/errors.js";
import { networkFromJson, networkFromOnnx, networkToJson, networkToOnnx, parseVnnlib } from "../../src/core/io/index.js";
import { parseExact } from "../../src/core/io/json.js";
import { createNetwork, LayerSpec, Network } from "../../src/core/network.js";
import { summarize } from "../../src/core/summary.js";
import { planeFromDirections } from "../../src/lenses/regions/anchors.js";
import { lineRegions } from "../../src/lenses/regions/line.js";
import { sliceRegions } from "../../src/lenses/regions/slice.js";
import { errorLine, netsize } from "../cli/run.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-deep-"));

function caught(f: () => unknown): NetsizeError {
  try { f(); } catch (e) { if (e instanceof NetsizeError) return e; throw e; }
  throw new Error("expected a NetsizeError, but it succeeded");
}

/** `units` layers of relu(w·x) on a `width`-vector (2·units network layers). */
function deep(units: number, width = 1): Network {
  const specs: LayerSpec[] = [];
  for (let i = 0; i < units; i++) {
    const w = new Float64Array(width * width);
    for (let j = 0; j < width; j++) w[j * width + j] = 1;
    specs.push({ kind: "dense", inSize: width, outSize: width, weight: w, bias: new Float64Array(width) }, { kind: "activation", fn: "relu" });
  }
  return createNetwork([width], specs);
}

describe("10⁵ layers", () => {
  it("netsize info prints the table of a 2·10⁵-layer JSON network (it spread 2·10⁵ arguments into Math.max)", async () => {
    const file = path.join(dir, "deep.json");
    writeFileSync(file, networkToJson(deep(100_000)));
    const r = await netsize(["info", file], { timeoutMs: 120_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("200,000 parameters · 100,000 units");
    expect(r.stdout.split("\n").length).toBeGreaterThan(200_000);
  }, 120_000);

  it("an ONNX file of 2·10⁴ unit layers loads, and its layer table formats", () => {
    const net = networkFromOnnx(networkToOnnx(deep(20_000)), "deep.onnx");
    expect(net.layers).toHaveLength(40_000);
    const rows = summarize(net).layers.map((l) => [l.index, l.name, l.params]);
    const t = formatTable(["#", "name", "params"], rows);
    expect(t.split("\n")[2]).toMatch(/^ +0  dense_0 +2$/);
  }, 60_000);

  it("exact lines and slices walk 10⁴ unit layers without recursion (the partition recursed once per unit layer)", () => {
    const net = deep(10_000);
    const l = lineRegions(net, { point: [0], direction: [1], range: [-1, 1] }, { verify: true });
    expect(l.count).toBe(2);
    expect(l.verification!.mismatches).toBe(0);
    const s = sliceRegions(deep(3_000, 2), planeFromDirections([0, 0], [1, 0], [0, 1]), { halfWidth: 1 });
    expect(s.count).toBe(4);
  }, 60_000);
});

describe("deep nesting is a clear error, not a stack overflow", () => {
  it("10⁵ nested parentheses in VNN-LIB are BAD_DATA; ordinary nesting still parses", () => {
    const text = `(declare-const X_0 Real)\n(assert ${"(".repeat(100_000)}<= X_0 1${")".repeat(100_000)})\n`;
    const e = caught(() => parseVnnlib(text, "deep.vnnlib"));
    expect(e.code).toBe("BAD_DATA");
    expect(e.message).toBe("deep.vnnlib: s-expressions nested more than 256 levels deep (line 2); VNN-LIB properties nest a few levels — the file is corrupt");
    const ok = parseVnnlib("(declare-const X_0 Real)\n(assert (and (and (<= X_0 1)) (and (>= X_0 -1))))\n");
    expect([ok.box.lower[0], ok.box.upper[0]]).toEqual([-1, 1]);
  });

  it("deeply nested netsize JSON (and ONNX metadata JSON) is BAD_MODEL", () => {
    const nest = `{"schema":"netsize.network/1","inputShape":[1],"layers":[],"meta":{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    const e = caught(() => networkFromJson(nest, "deep.json"));
    expect(e.code).toBe("BAD_MODEL");
    expect(e.message).toMatch(/^deep\.json: the JSON nests arrays\/objects more than 64 levels deep/);
    expect(caught(() => parseExact("[".repeat(65) + "]".repeat(65))).code).toBe("BAD_MODEL");
    expect(parseExact("[".repeat(64) + "]".repeat(64))).toBeDefined();
    // Brackets inside strings do not count.
    const net = networkFromJson(networkToJson(createNetwork([1], [{ kind: "activation", fn: "relu", name: "[".repeat(100) }])));
    expect(net.layers[0]!.name).toBe("[".repeat(100));
  });

  it("the CLI reports a deep VNN-LIB with one error line", async () => {
    const model = path.join(dir, "small.json"), prop = path.join(dir, "deep.vnnlib");
    writeFileSync(model, networkToJson(deep(2)));
    writeFileSync(prop, `(declare-const X_0 Real)\n(assert ${"(".repeat(100_000)}<= X_0 1${")".repeat(100_000)})\n`);
    const r = await netsize(["stability", model, "--vnnlib", prop]);
    expect(errorLine(r).code).toBe("BAD_DATA");
    expect(r.code).not.toBe(0);
  }, 60_000);
});
