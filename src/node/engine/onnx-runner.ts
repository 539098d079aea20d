// Running serialised ONNX bytes through onnxruntime exactly as a user would load the file: the
// check that what netsize writes is what it measured.
import ort from "onnxruntime-node";
import { fail } from "../../core/errors.js";
import type { OnnxRunner } from "../../core/engine/batch.js";

/** Open ONNX bytes in an onnxruntime session; run() feeds float64 when the file takes it, else float32. */
export async function openOnnx(bytes: Uint8Array): Promise<OnnxRunner> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "basic", logSeverityLevel: 3 });
  } catch (e) {
    fail("BAD_MODEL", `onnxruntime rejected the exported network: ${(e as Error).message.split("\n")[0]}`);
  }
  let float: 32 | 64 | undefined;
  const name = session.inputNames[0]!;
  return {
    async run(X, n, inputShape) {
      float ??= await probeFloat(session, name, inputShape);
      const feed = float === 64 ? new ort.Tensor("float64", X, [n, ...inputShape]) : new ort.Tensor("float32", Float32Array.from(X), [n, ...inputShape]);
      const res = await session.run({ [name]: feed });
      const outputs = Float64Array.from(res[session.outputNames[0]!]!.data as Float64Array | Float32Array);
      for (const t of Object.values(res)) t.dispose();
      return { outputs, float };
    },
    dispose: () => session.release(),
  };
}

/** The input precision of a session: its metadata when it says, else found by trying float64 once. */
async function probeFloat(session: ort.InferenceSession, name: string, inputShape: readonly number[]): Promise<32 | 64> {
  const meta = (session as unknown as { inputMetadata?: { type?: string }[] }).inputMetadata?.[0];
  if (meta?.type === "float64" || meta?.type === "double") return 64;
  try {
    const size = inputShape.reduce((p, q) => p * q, 1);
    const r = await session.run({ [name]: new ort.Tensor("float64", new Float64Array(size), [1, ...inputShape]) });
    for (const t of Object.values(r)) t.dispose();
    return 64;
  } catch {
    return 32;
  }
}
