// The first-hour repro cases of the PyTorch audit, through the command line: a float64 conv file
// says which tools run it; the same --data (synthetic sets, --label-column) works in regions and stability.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { createNetwork } from "../../src/core/network.js";
import { saveNetwork } from "../../src/node/files.js";
import { netsizeAll } from "./run.js";

describe("PyTorch users' first hour, on the command line", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "netsize-repro-"));
  const f = (n: string): string => path.join(dir, n);

  it("convert --float 64 of a conv net notes that onnxruntime lacks float64 Conv; --data moons and --label-column work in regions and stability", async () => {
    const conv = createNetwork([1, 4, 4], [
      { kind: "conv2d", inChannels: 1, outChannels: 2, kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], dilation: [1, 1], weight: Float64Array.from({ length: 18 }, (_, i) => Math.sin(i)), bias: Float64Array.of(0.1, -0.1), name: "c" },
      { kind: "activation", fn: "relu", name: "r" }, { kind: "flatten", name: "f" },
      { kind: "dense", inSize: 32, outSize: 2, weight: Float64Array.from({ length: 64 }, (_, i) => Math.cos(i) / 4), bias: new Float64Array(2), name: "d" },
    ]);
    await saveNetwork(conv, f("conv.json"));
    await saveNetwork(randomMlp([2, 8, 2], { seed: 2, biasStd: 0.3 }), f("mlp.json"));
    writeFileSync(f("pts.csv"), "a,b,y\n0.1,0.2,0\n0.5,-0.4,1\n-0.3,0.8,1\n");
    const [c64, c32, reg, stab] = await netsizeAll([
      ["convert", f("conv.json"), f("conv64.onnx"), "--float", "64"],
      ["convert", f("conv.json"), f("conv32.onnx")],
      ["regions", f("mlp.json"), "--line", "idx:0;idx:1", "--data", "moons:n=20", "--quiet"],
      ["stability", f("mlp.json"), "--ball", "0.1", "--data", f("pts.csv"), "--label-column", "y", "--index", "1", "--method", "crown", "--quiet"],
    ]);
    for (const r of [c64, c32, reg, stab]) expect(r.code, r.stderr).toBe(0);
    expect(c64.stdout).toMatch(/onnxruntime's CPU provider has no float64 kernel for Conv: to run it in onnxruntime write it with --float 32/);
    expect(c32.stdout).not.toMatch(/no float64 kernel/);
    expect(reg.stdout).toMatch(/\d+ pieces|\d+ intervals|knots/);
    expect(stab.stdout).toMatch(/ball eps=0\.1 around .*pts\.csv\[1\]/);
  });
});
