import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { loadNetwork, saveNetwork } from "../../src/node/files.js";
import { loadMnist } from "../../src/node/data.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";
import { errorLine, netsizeAll } from "./run.js";

/** Correct predictions per class of an ONNX file run directly by onnxruntime (float32), one batch or one sample at a time. */
async function ortCorrect(file: string, x: Float64Array, labels: Int32Array): Promise<number[]> {
  const s = await ort.InferenceSession.create(readFileSync(file), { logSeverityLevel: 3 });
  const dims = (s.inputMetadata[0] as unknown as { shape: (number | string)[] }).shape;
  const batched = typeof dims[0] === "string";
  const n = labels.length, d = x.length / n;
  const perClass = new Array<number>(10).fill(0);
  const tally = (out: Float32Array, rows: number, first: number): void => {
    const m = out.length / rows;
    for (let r = 0; r < rows; r++) {
      let b = 0;
      for (let j = 1; j < m; j++) if (out[r * m + j]! > out[r * m + b]!) b = j;
      if (b === labels[first + r]) perClass[b]!++;
    }
  };
  if (batched) {
    const res = await s.run({ [s.inputNames[0]!]: new ort.Tensor("float32", Float32Array.from(x), [n, ...dims.slice(1).map(Number)]) });
    tally(res[s.outputNames[0]!]!.data as Float32Array, n, 0);
  } else {
    for (let i = 0; i < n; i++) {
      const res = await s.run({ [s.inputNames[0]!]: new ort.Tensor("float32", Float32Array.from(x.subarray(i * d, (i + 1) * d)), dims.map(Number)) });
      tally(res[s.outputNames[0]!]!.data as Float32Array, 1, i);
    }
  }
  await s.release();
  return perClass;
}

describe.skipIf(!HAVE_SHARED)("netsize info / eval / convert on the shared models", () => {
  it("info --json gives the known parameter counts, and the table says the same", async () => {
    const files = ["vnncomp2021/mnist-net_256x2.onnx", "vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx", "vnncomp2021/resnet_2b.onnx", "exactcompression/mnist_200-200_l1-0.onnx"];
    const runs = await netsizeAll([...files.map((f) => ["info", model(f), "--json"]), ["info", model(files[0]!)], ["info", model("vnncomp2021/ffnnSIGMOID__Point_6x200.onnx"), "--json"]]);
    const params = runs.slice(0, 4).map((r) => {
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { schema: string; params: number; layers: { params: number }[] };
      expect(j.schema).toBe("netsize.info/1");
      expect(j.layers.reduce((s, l) => s + l.params, 0)).toBe(j.params);
      return j.params;
    });
    expect(params).toEqual([269_322, 13_305, 112_006, 199_210]);
    const table = runs[4]!.stdout;
    expect(table).toMatch(/269,322 parameters · 512 units · 10 outputs · piecewise linear/);
    expect(table).toMatch(/Gemm_1\s+dense\s+0\s+\[256\]\s+0\s+200,960\s+yes/);
    const sig = JSON.parse(runs[5]!.stdout) as { piecewiseLinear: boolean; units: number };
    expect(sig).toMatchObject({ piecewiseLinear: false, units: 1200 });
  });

  it("eval matches onnxruntime run directly on the original file, overall and per class", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-eval-"));
    const small = model("exactcompression/mnist_100-100_l1-0.onnx"), mlp = model("vnncomp2021/mnist-net_256x2.onnx");
    const [all, json, test32, acas] = await netsizeAll([
      ["eval", mlp, "--data", "mnist", "--quiet"],
      ["eval", small, "--json", path.join(dir, "e.json"), "--quiet"],
      ["eval", mlp, "--split", "test", "--float", "32", "--json", "--quiet"],
      ["eval", model("vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx"), "--quiet"],
    ]);
    const digits = loadMnist("all"), test = loadMnist("test");
    const expectAll = (await ortCorrect(mlp, digits.x, digits.labels!)).reduce((a, b) => a + b, 0);
    expect(all!.code).toBe(0);
    expect(all!.stdout).toBe(`accuracy ${(expectAll / 10000).toFixed(4)} (${expectAll.toLocaleString("en-US")} / 10,000) of mnist-net_256x2.onnx on mnist all (10,000 digits), float64\n`);

    const r = JSON.parse(readFileSync(path.join(dir, "e.json"), "utf8")) as { schema: string; n: number; correct: number; perClass: { label: number; n: number; correct: number }[]; confusion: number[][] };
    expect(json!.stdout).toMatch(/^accuracy /);
    expect(r.schema).toBe("netsize.eval/1");
    expect(r.n).toBe(10000);
    const perClass = await ortCorrect(small, digits.x, digits.labels!);
    expect(r.perClass.map((c) => c.correct)).toEqual(perClass);
    expect(r.perClass.map((c) => c.n)).toEqual(Array.from({ length: 10 }, (_, k) => digits.labels!.filter((l) => l === k).length));
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10000);

    const t = JSON.parse(test32!.stdout) as { n: number; correct: number; options: { float: number } };
    expect([t.n, t.options.float]).toEqual([2000, 32]);
    expect(t.correct).toBe((await ortCorrect(mlp, test.x, test.labels!)).reduce((a, b) => a + b, 0));

    expect([errorLine(acas!).code, acas!.code]).toEqual(["DOMAIN_MISMATCH", 1]);
    expect(errorLine(acas!).line).toMatch(/784 features per sample .* expects 5/);
  });

  it("convert ONNX → JSON → float64 ONNX → JSON keeps every weight exactly", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-convert-"));
    const src = model("vnncomp2021/resnet_2b.onnx");
    const [a] = await netsizeAll([["convert", src, path.join(dir, "a.json")]]);
    const [b] = await netsizeAll([["convert", path.join(dir, "a.json"), path.join(dir, "b.onnx"), "--float", "64"]]);
    const [c, d] = await netsizeAll([["convert", path.join(dir, "b.onnx"), path.join(dir, "c.json")], ["convert", src, path.join(dir, "d.onnx")]]);
    expect(a!.stdout).toMatch(/^wrote .*a\.json \(netsize JSON, float64 weights, 17 layers, 112,006 parameters\)/);
    expect(b!.stdout).toMatch(/\(ONNX, float64 weights/);
    expect([c!.code, d!.code]).toEqual([0, 0]);
    const orig = await loadNetwork(src);
    for (const f of ["a.json", "b.onnx", "c.json", "d.onnx"]) {
      const net = await loadNetwork(path.join(dir, f));
      expect(net.layers.map((l) => [l.kind, l.shape]), f).toEqual(orig.layers.map((l) => [l.kind, l.shape]));
      net.layers.forEach((l, i) => {
        const o = orig.layers[i]!;
        if ((l.kind === "dense" || l.kind === "conv2d") && (o.kind === "dense" || o.kind === "conv2d")) {
          expect(l.weight, `${f} layer ${i}`).toEqual(o.weight);
          expect(l.bias, `${f} layer ${i}`).toEqual(o.bias);
        }
      });
    }
  });
});

describe("netsize eval on a user CSV", () => {
  it("counts hits against the file's label column", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-csv-"));
    const net = randomMlp([3, 8, 4], { seed: 4, biasStd: 0.2 });
    const file = path.join(dir, "net.json");
    await saveNetwork(net, file);
    const n = 40;
    const X = Float64Array.from({ length: n * 3 }, (_, i) => Math.sin(i * 0.37) * 3);
    const out = forwardBatchReference(net, X, n, { withUnits: false }).outputs;
    const rows = ["a,b,c,label"];
    for (let i = 0; i < n; i++) {
      const o = Array.from(out.subarray(i * 4, i * 4 + 4));
      const best = o.indexOf(Math.max(...o));
      // Rows 0..9 carry the predicted class, the rest a different one: accuracy exactly 10/40.
      rows.push(`${Array.from(X.subarray(i * 3, i * 3 + 3)).join(",")},${i < 10 ? best : (best + 1) % 4}`);
    }
    writeFileSync(path.join(dir, "d.csv"), rows.join("\n"));
    const [r, noLabel] = await netsizeAll([
      ["eval", file, "--data", path.join(dir, "d.csv"), "--label-column", "label", "--json", "--quiet"],
      ["eval", file, "--data", path.join(dir, "d.csv"), "--quiet"],
    ]);
    const j = JSON.parse(r!.stdout) as { n: number; correct: number; accuracy: number };
    expect(j).toMatchObject({ n: 40, correct: 10, accuracy: 0.25 });
    // Without a label column all four columns are features: the 3-input network does not fit.
    expect(errorLine(noLabel!).code).toBe("DOMAIN_MISMATCH");
  });
});
