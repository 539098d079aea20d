// No command may write onto one of its inputs (issue 16 C): an output that resolves to an input file —
// the same path, a symbolic link to it, or a hard link (same device and inode) — is BAD_ARGUMENT (exit 2)
// before any work, the input is left byte for byte, and two outputs may not name the same file.
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { attr, init, model, node, vinfo } from "../io/onnx-build.js";
import { errorLine, netsizeAll } from "./run.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-outputs-"));
const f = (name: string): string => path.join(dir, name);

/** x[N,3] → Gemm → ReLU → y[N,2]. */
const bytes = model({
  input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]), inits: [init("W", [2, 3], [1, -2, 3, -4, 5, -6]), init("b", [2], [0.5, -0.5])],
  nodes: [node("Gemm", ["x", "W", "b"], ["h"], [attr("transB", 1)], "fc1"), node("Relu", ["h"], ["y"], [], "relu1")],
});
const m = f("m.onnx");
/** The same model with W in the external file w.bin. */
const external = model({
  input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]),
  inits: [{ name: "W", dims: [2, 3], dataType: 1, dataLocation: 1, externalData: [{ key: "location", value: "w.bin" }] }, init("b", [2], [0.5, -0.5])],
  nodes: [node("Gemm", ["x", "W", "b"], ["h"], [attr("transB", 1)], "fc1"), node("Relu", ["h"], ["y"], [], "relu1")],
});
const inputs: Record<string, Uint8Array | string> = {
  "m.onnx": bytes,
  "box.json": JSON.stringify({ lower: [0, 0, 0], upper: [1, 1, 1] }),
  "p.vnnlib": "(declare-const X_0 Real)\n(declare-const X_1 Real)\n(declare-const X_2 Real)\n(assert (>= X_0 0))\n(assert (<= X_0 1))\n(assert (>= X_1 0))\n(assert (<= X_1 1))\n(assert (>= X_2 0))\n(assert (<= X_2 1))\n",
  "d.csv": "0.1,0.2,0.3\n0.4,0.5,0.6\n0.7,0.8,0.9\n",
  "t.csv": "0.1,0.2,0.3,0\n0.4,0.5,0.6,1\n",
  "ext.onnx": external,
  "w.bin": new Uint8Array(Float32Array.from([1, -2, 3, -4, 5, -6]).buffer),
};
for (const [name, data] of Object.entries(inputs)) writeFileSync(f(name), data);
linkSync(m, f("hard.onnx"));             // a hard link to the model
symlinkSync("m.onnx", f("soft.onnx"));   // a symbolic link to the model
mkdirSync(f("run"));
mkdirSync(f("run/snapshots"));
writeFileSync(f("run/snapshots/t.csv"), inputs["t.csv"]!);
mkdirSync(f("user"));
writeFileSync(f("user/plain.onnx"), bytes);

const LINE = "0,0,0;1,1,1";
const cases: [string, string[], RegExp][] = [
  ["info --json onto the model", ["info", m, "--json", m], /--json '.*m\.onnx' is the model/],
  ["bounds --json onto the model", ["bounds", m, "--json", m], /is the model/],
  ["convert onto itself", ["convert", m, m], /the output '.*m\.onnx' is the input model/],
  ["convert onto a hard link", ["convert", m, f("hard.onnx")], /hard\.onnx' is the input model/],
  ["convert onto a symbolic link", ["convert", m, f("soft.onnx")], /soft\.onnx' is the input model/],
  ["info --json onto the model's external data", ["info", f("ext.onnx"), "--json", f("w.bin")], /--json .*w\.bin' is the external data of ext\.onnx/],
  ["eval --json onto the data", ["eval", m, "--data", f("d.csv"), "--json", f("d.csv")], /is the --data file/],
  ["regions --json onto the model", ["regions", m, "--line", LINE, "--json", m], /--json .* is the model/],
  ["regions --svg onto the model", ["regions", m, "--line", LINE, "--svg", m], /--svg .* is the model/],
  ["regions --png onto the data", ["regions", m, "--line", "idx:0;idx:1", "--data", f("d.csv"), "--png", f("d.csv")], /--png .* is the --data file/],
  ["regions --json onto the box", ["regions", m, "--box", f("box.json"), "--json", f("box.json")], /is the --box file/],
  ["regions --json and --svg the same file", ["regions", m, "--line", LINE, "--json", f("pic"), "--svg", f("pic")], /--json .* and --svg .* are the same file/],
  ["stability --json onto the box", ["stability", m, "--box", f("box.json"), "--json", f("box.json"), "--quiet"], /is the --box file/],
  ["stability --json onto the property", ["stability", m, "--vnnlib", f("p.vnnlib"), "--json", f("p.vnnlib"), "--quiet"], /is the --vnnlib property/],
  ["compress -o onto the model", ["compress", m, "--box", "0:1", "-o", m, "--quiet"], /-o .* is the model/],
  ["compress --network-json onto the model", ["compress", m, "--box", "0:1", "-o", f("small.onnx"), "--network-json", m, "--quiet"], /--network-json .* is the model/],
  ["compress --json onto the model", ["compress", m, "--box", "0:1", "-o", f("small.onnx"), "--json", m, "--quiet"], /--json .* is the model/],
  ["compress -o and --json the same new file", ["compress", m, "--box", "0:1", "-o", f("x.json"), "--json", f("x.json"), "--quiet"], /are the same file/],
  ["train --json onto the data", ["train", "--arch", "3-4-2", "--data", f("t.csv"), "--label-column", "3", "--json", f("t.csv"), "--quiet"], /--json .* is the --data file/],
  ["train --out a file", ["train", "--arch", "3-4-2", "--data", f("t.csv"), "--label-column", "3", "--out", m, "--quiet"], /--out .* is a file, not a folder/],
  ["train --out over its own data", ["train", "--arch", "3-4-2", "--data", f("run/snapshots/t.csv"), "--label-column", "3", "--out", f("run"), "--quiet"], /lies in .*snapshots, which --out writes/],
  ["demo --out over user files", ["demo", "--out", f("user"), "--quiet"], /already holds plain\.onnx, not written by a netsize demo/],
  ["demo --out a file", ["demo", "--out", m, "--quiet"], /--out .* is a file, not a folder/],
];

describe("outputs onto inputs are refused before any work", () => {
  it("every command exits 2 with BAD_ARGUMENT and leaves every input as it was", async () => {
    const runs = await netsizeAll(cases.map(([, args]) => args));
    cases.forEach(([name, , msg], i) => {
      const r = runs[i]!;
      expect(errorLine(r).code, name).toBe("BAD_ARGUMENT");
      expect(errorLine(r).line, name).toMatch(msg);
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toBe("");
    });
    for (const [name, data] of Object.entries(inputs)) expect(readFileSync(f(name)), name).toEqual(Buffer.from(data));
    expect(readFileSync(f("hard.onnx"))).toEqual(Buffer.from(bytes));
    expect(readFileSync(f("user/plain.onnx"))).toEqual(Buffer.from(bytes));
    // Nothing was written: no outputs, no temporary files, no run or demo files.
    expect(existsSync(f("pic"))).toBe(false);
    expect(existsSync(f("small.onnx"))).toBe(false);
    expect(existsSync(f("x.json"))).toBe(false);
    expect(readdirSync(f("run")).sort()).toEqual(["snapshots"]);
    expect(readdirSync(f("user")).sort()).toEqual(["plain.onnx"]);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("outputs that are new files, distinct from the inputs, are written", async () => {
    const [conv, info] = await netsizeAll([["convert", m, f("copy.json")], ["info", f("soft.onnx"), "--json", f("info.json")]]);
    expect([conv!.code, info!.code]).toEqual([0, 0]);
    expect(JSON.parse(readFileSync(f("info.json"), "utf8")).schema).toBe("netsize.info/1");
    expect(readFileSync(m)).toEqual(Buffer.from(bytes));
  });
});
