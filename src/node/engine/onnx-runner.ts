// Running serialised ONNX bytes through onnxruntime exactly as a user would load the file: the
// check that what netsize writes is what it measured.
import onnxProto from "onnx-proto";
import ort from "onnxruntime-node";
import { fail } from "../../core/errors.js";
import type { OnnxRunner } from "../../core/engine/batch.js";
import { LOWERED_OPS, lowerForOrtFloat64, tensorValues } from "./ort-lowering.js";
import { probeShapes } from "./ort-shapes.js";

const { onnx } = onnxProto;

// onnxruntime's ReLU+Clip fusion throws on float64 Clip bounds; the check switches it off (see ORT_FLOAT64_EXTRA).
const sessionOptions: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: "basic", logSeverityLevel: 3, extra: { optimization: { disable_specified_optimizers: "FuseReluClip" } } };

/**
 * A session for the bytes. onnxruntime's CPU provider lacks float64 kernels for some valid ONNX ops
 * (PRelu, LeakyRelu, ...); then the file's graph is run through netsize's exact rewrite of those ops
 * into ones it has (`lowered` names them), since the file itself is valid and means the same.
 */
async function createSession(bytes: Uint8Array): Promise<{ session: ort.InferenceSession; lowered: string[] }> {
  try {
    return { session: await ort.InferenceSession.create(bytes, sessionOptions), lowered: [] };
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0]!;
    if (!/implementation for/i.test(msg)) fail("BAD_MODEL", `onnxruntime rejected the exported network: ${msg}`);
    const model = onnx.ModelProto.decode(bytes);
    const ops = [...new Set((model.graph?.node ?? []).map((n) => n.opType ?? ""))].filter((op) => (LOWERED_OPS as readonly string[]).includes(op));
    try {
      // The spatial rewrites need their inputs' shapes: probe them on a float32 copy of the same graph.
      const spatial = (model.graph?.node ?? []).filter((n) => n.opType === "Conv" || n.opType === "AveragePool").map((n) => n.input![0]!);
      const inputShape = (model.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? []).slice(1).map((d) => Number(d.dimValue ?? 0));
      const shapes = spatial.length > 0 ? await probeShapes(onnx.ModelProto.encode(float32Copy(model)).finish(), spatial, inputShape) : new Map<string, number[]>();
      const lowered = onnx.ModelProto.encode(lowerForOrtFloat64(onnx.ModelProto.decode(bytes), shapes)).finish();
      return { session: await ort.InferenceSession.create(lowered, sessionOptions), lowered: ops };
    } catch (e2) {
      fail("BAD_MODEL", `onnxruntime rejected the exported network (${msg}), and its float64 rewrite too: ${(e2 as Error).message.split("\n")[0]}`);
    }
  }
}

/** The same model in float32 (initializers and graph input/output types), for probing shapes. */
function float32Copy(model: onnxProto.onnx.IModelProto): onnxProto.onnx.IModelProto {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  const g = copy.graph!;
  g.initializer = (g.initializer ?? []).map((t) => (t.dataType === onnx.TensorProto.DataType.DOUBLE
    ? onnx.TensorProto.create({ name: t.name, dims: t.dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(Float32Array.from(tensorValues(t)).buffer) })
    : t));
  for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) {
    if (v.type?.tensorType?.elemType === onnx.TensorProto.DataType.DOUBLE) v.type.tensorType.elemType = onnx.TensorProto.DataType.FLOAT;
  }
  return copy;
}

/** Open ONNX bytes in an onnxruntime session; run() feeds float64 when the file takes it, else float32. */
export async function openOnnx(bytes: Uint8Array): Promise<OnnxRunner> {
  const { session, lowered } = await createSession(bytes);
  let float: 32 | 64 | undefined;
  const name = session.inputNames[0]!;
  return {
    async run(X, n, inputShape) {
      float ??= await probeFloat(session, name, inputShape);
      const feed = float === 64 ? new ort.Tensor("float64", X, [n, ...inputShape]) : new ort.Tensor("float32", Float32Array.from(X), [n, ...inputShape]);
      const res = await session.run({ [name]: feed });
      const outputs = Float64Array.from(res[session.outputNames[0]!]!.data as Float64Array | Float32Array);
      for (const t of Object.values(res)) t.dispose();
      return { outputs, float, ...(lowered.length ? { note: `float64 ${lowered.join(", ")} run through netsize's exact rewrite (onnxruntime's CPU provider has no float64 kernel for them)` } : {}) };
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
