// Impossible sizes are refused up front with a stated limit (issue 16 F): a tiny file declaring a
// 10⁹-value layer, a training architecture of 10⁸-unit layers, 10¹² synthetic samples, sample and
// point counts no memory holds. Each fails at once: the CLI runs get a finite timeout (a hang or an
// out-of-memory death is a failed test, never a pass).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NETWORK_LIMITS, networkFromBytes } from "../../src/core/io/index.js";
import { parseSyntheticSpec, SYNTHETIC_LIMITS } from "../../src/data/synthetic.js";
import { parseArch, TRAIN_LIMITS } from "../../src/train/arch.js";
import { codeOf } from "../helpers/errors.js";
import { attr, init, model, node, vinfo } from "../io/onnx-build.js";
import { CliRun, errorLine, netsize, netsizeAll } from "./run.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-sizes-"));
const f = (name: string): string => path.join(dir, name);

const huge = 1_000_000_000;
/** An ONNX file of ~90 bytes whose input has 10⁹ values. */
const reluHuge = model({ input: vinfo("x", [1, huge]), output: vinfo("y", [1, huge]), nodes: [node("Relu", ["x"], ["y"], [], "r")] });
/** The same with a broadcast constant (the importer used to fold it into a 10⁹-long bias, 8 GB). */
const addHuge = model({ input: vinfo("x", [1, huge]), output: vinfo("y", [1, huge]), inits: [init("c", [1], [1])], nodes: [node("Add", ["x", "c"], ["y"], [], "a")] });
/** A 1×3×3 input padded by 10⁵ on each side: the layer, not the input, is too large. */
const padHuge = model({
  input: vinfo("x", [1, 1, 3, 3]), output: vinfo("y", [1, 1, 200_003, 200_003]),
  inits: [init("pads", [8], [0, 0, 100_000, 100_000, 0, 0, 100_000, 100_000], 7)],
  nodes: [node("Pad", ["x", "pads"], ["y"], [attr("mode", "constant")], "pad")],
});
/** netsize JSON of a ReLU on 10⁹ inputs. */
const jsonHuge = JSON.stringify({ schema: "netsize.network/1", inputShape: [huge], layers: [{ kind: "activation", fn: "relu", name: "r", inputs: [-1], shape: [huge] }], meta: {} });
writeFileSync(f("relu.onnx"), reluHuge);
writeFileSync(f("add.onnx"), addHuge);
writeFileSync(f("pad.onnx"), padHuge);
writeFileSync(f("huge.json"), jsonHuge);
const small = model({
  input: vinfo("x", ["N", 3]), output: vinfo("y", ["N", 2]), inits: [init("W", [2, 3], [1, -2, 3, -4, 5, -6]), init("b", [2], [0, 0])],
  nodes: [node("Gemm", ["x", "W", "b"], ["h"], [attr("transB", 1)], "fc1"), node("Relu", ["h"], ["y"], [], "relu1")],
});
writeFileSync(f("small.onnx"), small);

function expectError(r: CliRun, code: string, exit: number, msg: RegExp): void {
  expect(errorLine(r).code).toBe(code);
  expect(errorLine(r).line).toMatch(msg);
  expect(r.code).toBe(exit);
}

describe("networks from files are bounded while they are read", () => {
  it("a 10⁹-value input (ONNX or JSON) or layer is LIMIT_EXCEEDED, exit 3, naming the limit", async () => {
    expect(reluHuge.length).toBeLessThan(100);
    const runs = await netsizeAll([["info", f("relu.onnx")], ["stability", f("add.onnx"), "--box", "0:1", "--method", "ibp"], ["info", f("pad.onnx")], ["info", f("huge.json")]]);
    expectError(runs[0]!, "LIMIT_EXCEEDED", 3, /relu\.onnx: graph input 'x' has shape \[1000000000\] = 1,000,000,000 values per sample, more than netsize handles \(maxValues = 16,777,216\)/);
    expectError(runs[1]!, "LIMIT_EXCEEDED", 3, /add\.onnx: graph input 'x'.*maxValues/);
    expectError(runs[2]!, "LIMIT_EXCEEDED", 3, /pad\.onnx: node pad \(Pad\): its output has shape \[1,200003,200003\]/);
    expectError(runs[3]!, "LIMIT_EXCEEDED", 3, /huge\.json: the input has shape \[1000000000\]/);
  });

  it("the limits are the library's NETWORK_LIMITS and can be raised there", () => {
    expect(NETWORK_LIMITS).toEqual({ maxValues: 2 ** 24, maxParams: 2 ** 28 });
    const justOver = model({ input: vinfo("x", [1, 2 ** 24 + 1]), output: vinfo("y", [1, 2 ** 24 + 1]), nodes: [node("Relu", ["x"], ["y"], [], "r")] });
    expect(codeOf(() => networkFromBytes(justOver, { file: "o.onnx" }))).toMatch(/^LIMIT_EXCEEDED: o\.onnx: graph input/);
    const net = networkFromBytes(justOver, { file: "o.onnx", limits: { maxValues: 2 ** 25, maxParams: 2 ** 28 } });
    expect(net.inputShape).toEqual([2 ** 24 + 1]);
    expect(codeOf(() => networkFromBytes(small, { limits: { maxValues: 100, maxParams: 7 } }))).toMatch(/^LIMIT_EXCEEDED: the network has 8 parameters, more than netsize handles \(maxParams = 7\)/);
  });
});

describe("training architectures and synthetic data are bounded before anything is allocated", () => {
  it("parseArch refuses 10⁸-unit layers, 10⁸ blocks and huge conv outputs with TRAIN_LIMITS", () => {
    const relu = { activation: "relu" as const };
    expect(codeOf(() => parseArch("2-99999999-2", relu))).toMatch(/^LIMIT_EXCEEDED: --arch '2-99999999-2': layer dense0 has 99,999,999 values per sample, more than the training lab handles \(TRAIN_LIMITS\.maxValues = 4,194,304\)/);
    expect(codeOf(() => parseArch("2-4000000-10", relu))).toMatch(/^LIMIT_EXCEEDED: --arch '2-4000000-10' has 52,000,010 parameters, more than the training lab trains \(TRAIN_LIMITS\.maxParams = 33,554,432\)/);
    expect(codeOf(() => parseArch("res:2-4x99999999-2", relu))).toMatch(/^LIMIT_EXCEEDED: .*99999999 blocks.*maxLayers = 10,000/);
    expect(codeOf(() => parseArch("cnn:1x28x28-c100000k3-10", relu))).toMatch(/^LIMIT_EXCEEDED: .*values per sample.*TRAIN_LIMITS\.maxValues = 4,194,304/);
    expect(codeOf(() => parseArch("99999999-2", relu))).toMatch(/^LIMIT_EXCEEDED: --arch '99999999-2' has 99,999,999 inputs/);
    expect(parseArch("784-100-100-10", relu).nodes.length).toBeGreaterThan(3);
    expect(TRAIN_LIMITS.maxParams).toBe(2 ** 25);
  });

  it("a synthetic n or classes beyond SYNTHETIC_LIMITS is BAD_ARGUMENT", () => {
    expect(codeOf(() => parseSyntheticSpec("moons:n=1e12"))).toMatch(/^BAD_ARGUMENT: moons: n must be an integer in 1\.\.1,000,000 \(SYNTHETIC_LIMITS\.maxSamples\), got 1000000000000/);
    expect(codeOf(() => parseSyntheticSpec("spiral:classes=1e9"))).toMatch(/^BAD_ARGUMENT: spiral: classes must be in 1\.\.1000/);
    expect(parseSyntheticSpec(`moons:n=${SYNTHETIC_LIMITS.maxSamples}`).params.n).toBe(1_000_000);
  });

  it("train --arch 2-99999999-2 and --data moons:n=1e12 fail at once with their codes", async () => {
    const [arch, data] = await netsizeAll([
      ["train", "--arch", "2-99999999-2", "--data", "moons", "--epochs", "1", "--quiet"],
      ["train", "--arch", "2-8-2", "--data", "moons:n=1e12", "--epochs", "1", "--quiet"],
    ]);
    expectError(arch!, "LIMIT_EXCEEDED", 3, /layer dense0 has 99,999,999 values per sample.*TRAIN_LIMITS\.maxValues/);
    expectError(data!, "BAD_ARGUMENT", 2, /n must be an integer in 1\.\.1,000,000/);
  });
});

describe("sample and point counts are bounded before they are drawn", () => {
  it("--count, --samples and --points beyond the stated limits are BAD_ARGUMENT (exit 2); bounds of 10⁵-wide layers LIMIT_EXCEEDED", async () => {
    const m = f("small.onnx");
    const runs = await netsizeAll([
      ["regions", m, "--sample", "box:0:1", "--count", "1000000000", "--quiet"],
      ["stability", m, "--box", "0:1", "--samples", "1000000000", "--quiet"],
      ["compress", m, "--box", "0:1", "-o", f("c.onnx"), "--points", "1000000000000", "--quiet"],
      ["bounds", "100000-100000-100000"],
    ]);
    expectError(runs[0]!, "BAD_ARGUMENT", 2, /--count 1,000,000,000 samples × 7 values each \(inputs, units, outputs\) = 7,000,000,000 values, more than one sample set may hold \(MAX_SAMPLE_VALUES = 268,435,456/);
    expectError(runs[1]!, "BAD_ARGUMENT", 2, /--samples 1,000,000,000 samples × 7 values each.*MAX_SAMPLE_VALUES/);
    expectError(runs[2]!, "BAD_ARGUMENT", 2, /--points must be an integer >= 1 and <= 100000000/);
    expectError(runs[3]!, "LIMIT_EXCEEDED", 3, /BOUNDS_MAX_WORK/);
  });

  it("counts within the limits still run", async () => {
    const r = await netsize(["regions", f("small.onnx"), "--sample", "box:0:1", "--count", "5000", "--json", f("s.json"), "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/among 5,000 samples/);
  });
});
