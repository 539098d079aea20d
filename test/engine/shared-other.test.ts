import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { forwardBatchReference } from "../../src/core/engine/reference.js";
import { loadNetwork } from "../../src/node/files.js";
import { inputSize, outputSize } from "../../src/core/network.js";
import { ALL_MODELS, HAVE_SHARED, model } from "../helpers/shared.js";
import { maxRelDiff } from "./agree.js";
import { checkSharedModel, naturalInputs, sampleCount } from "./shared-inputs.js";

const MODELS = ALL_MODELS.filter((m) => !m.startsWith("vnncomp2021/") || m.includes("Convnet") || m.includes("resnet") || m.includes("SIGMOID"));

describe.skipIf(!HAVE_SHARED)("batched engine = reference on the other shared models (float64)", () => {
  for (const rel of MODELS) {
    it(`${rel}: ${sampleCount(rel).toLocaleString("en-US")} inputs, outputs to 1e-9 relative, identical patterns where |z| > 1e-9`, async () => {
      await checkSharedModel(rel);
    });
  }
});

describe.skipIf(!HAVE_SHARED)("onnxruntime on the ORIGINAL files (float32) = reference to 1e-4 relative", () => {
  it.each(ALL_MODELS)("%s", async (rel) => {
    const net = await loadNetwork(model(rel));
    const session = await ort.InferenceSession.create(readFileSync(model(rel)), { intraOpNumThreads: 1, logSeverityLevel: 3 });
    const name = session.inputNames[0]!;
    const meta = session.inputMetadata.find((m) => m.name === name)!;
    const dims = (meta as unknown as { shape: (number | string)[] }).shape;
    // Most files fix the batch at 1 (or have none): feed one sample at a time in the file's own layout.
    const d = inputSize(net), m = outputSize(net), n = 64;
    const X = naturalInputs(rel, d, n, 2);
    const got = new Float64Array(n * m);
    for (let s = 0; s < n; s++) {
      const shape = dims.map((v) => (typeof v === "number" ? v : 1));
      expect(shape.reduce((a, b) => a * b, 1)).toBe(d);
      const res = await session.run({ [name]: new ort.Tensor("float32", Float32Array.from(X.subarray(s * d, (s + 1) * d)), shape) });
      const out = res[session.outputNames[0]!]!.data as Float32Array;
      expect(out.length).toBe(m);
      got.set(out, s * m);
    }
    await session.release();
    const ref = forwardBatchReference(net, X, n, { withUnits: false });
    expect(maxRelDiff(got, ref.outputs, m)).toBeLessThan(1e-4);
  });
});
