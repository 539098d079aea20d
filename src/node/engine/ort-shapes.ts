import onnxProto from "onnx-proto";
import ort from "onnxruntime-node";
import { fail } from "../../core/errors.js";
import { Shape } from "../../core/network.js";

const { onnx } = onnxProto;

/**
 * Per-sample shapes of the named tensors of an ONNX model, read from one onnxruntime run of a zero sample:
 * the tensors become extra graph outputs and their dims (less the batch axis) are returned. The model must
 * run as it is (use the float32 export: every op has a float32 kernel).
 */
export async function probeShapes(bytes: Uint8Array, names: readonly string[], inputShape: Shape): Promise<Map<string, number[]>> {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const input = graph.input![0]!.name!;
  const out = new Map<string, number[]>();
  const wanted = [...new Set(names)].filter((n) => {
    if (n === input) out.set(n, [...inputShape]);
    return n !== input;
  });
  if (wanted.length === 0) return out;
  const have = new Set(graph.output!.map((o) => o.name));
  graph.output = [...graph.output!, ...wanted.filter((n) => !have.has(n)).map((name) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }))];
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), { intraOpNumThreads: 1, logSeverityLevel: 3, graphOptimizationLevel: "disabled" });
  try {
    const size = inputShape.reduce((a, b) => a * b, 1);
    const res = await session.run({ [input]: new ort.Tensor("float32", new Float32Array(size), [1, ...inputShape]) }, wanted);
    for (const n of wanted) {
      const t = res[n];
      if (!t) fail("BAD_MODEL", `tensor '${n}' was not produced by the exported network`);
      out.set(n, t.dims.slice(1).map(Number));
    }
  } finally {
    await session.release();
  }
  return out;
}
