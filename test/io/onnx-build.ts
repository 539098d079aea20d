// Building small ONNX models by hand in tests (with onnx-proto), and running them in onnxruntime.
import * as ort from "onnxruntime-node";
import onnxp from "onnx-proto";

const { onnx } = onnxp;
const A = onnx.AttributeProto.AttributeType;

/** A float32 initializer (or float64 / int64 with `type`). */
export function init(name: string, dims: number[], data: ArrayLike<number>, type: 1 | 7 | 11 = 1): onnxp.onnx.ITensorProto {
  const arr = type === 1 ? Float32Array.from(data) : type === 11 ? Float64Array.from(data) : BigInt64Array.from(Array.from(data, (v) => BigInt(v)));
  return { name, dims, dataType: type, rawData: new Uint8Array(arr.buffer) };
}

/** An ONNX attribute from a JS value: integer → INT, other number → FLOAT, string → STRING, number[] → INTS, tensor → TENSOR. */
export function attr(name: string, v: number | string | number[] | onnxp.onnx.ITensorProto, float = false): onnxp.onnx.IAttributeProto {
  if (typeof v === "string") return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  if (typeof v === "number") return float || !Number.isInteger(v) ? { name, type: A.FLOAT, f: v } : { name, type: A.INT, i: v };
  return { name, type: A.TENSOR, t: v };
}

/** A node. */
export function node(opType: string, input: string[], output: string[], attribute: onnxp.onnx.IAttributeProto[] = [], name = ""): onnxp.onnx.INodeProto {
  return { opType, input, output, attribute, name };
}

/** A float32 value info with shape (strings are symbolic dims). */
export function vinfo(name: string, dims: (number | string)[], elemType = 1): onnxp.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } } };
}

/** Encode a one-input, one-output model. */
export function model(opts: {
  nodes: onnxp.onnx.INodeProto[];
  inits?: onnxp.onnx.ITensorProto[];
  input: onnxp.onnx.IValueInfoProto;
  output: onnxp.onnx.IValueInfoProto;
  opset?: number;
  extraInputs?: onnxp.onnx.IValueInfoProto[];
}): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: opts.opset ?? 13 }],
    producerName: "test",
    graph: { name: "g", node: opts.nodes, initializer: opts.inits ?? [], input: [opts.input, ...(opts.extraInputs ?? [])], output: [opts.output] },
  })).finish();
}

/** Run a model in onnxruntime (float32 or float64 input) and return the named outputs as float64. */
export async function runOrt(bytes: Uint8Array, feeds: Record<string, { data: ArrayLike<number>; dims: number[] }>, float: 32 | 64 = 32): Promise<Record<string, Float64Array>> {
  const sess = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  const t: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) {
    t[k] = float === 64 ? new ort.Tensor("float64", Float64Array.from(v.data), v.dims) : new ort.Tensor("float32", Float32Array.from(v.data), v.dims);
  }
  const res = await sess.run(t);
  await sess.release();
  const out: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(res)) out[k] = Float64Array.from(v.data as Float32Array);
  return out;
}

/** Max |a - b| / max(1, max|b|): float32-versus-float64 agreement. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1, err = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) err = Math.max(err, Math.abs(a[i]! - b[i]!));
  return a.length === b.length ? err / scale : Infinity;
}
