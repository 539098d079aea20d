// ONNX → Network: decode the protobuf, walk the graph in topological order converting each node,
// fold normalisation into affine layers, and validate the result.
import onnxp from "onnx-proto";
import { NetsizeError, fail, printable } from "../errors.js";
import { Network, createNetwork } from "../network.js";
import { foldScales } from "./fold.js";
import { Ir, withFile } from "./ir.js";
import { ImportState, NodeCtx, Value } from "./onnx-context.js";
import { arithmetic, batchNorm, conv, gemm, matMul, neg, pad, pool } from "./onnx-ops-linear.js";
import { act, clipOp, constantOp, flatten, maxMin, passThrough, reshape, squeeze, unaryConst } from "./onnx-ops-misc.js";
import { decodeTensor, ExternalDataReader, toNum } from "./onnx-tensor.js";
import { baseName } from "../names.js";
import { applyLayerRecords, readLayerRecords } from "./onnx-meta.js";
import { checkValues, NETWORK_LIMITS, NetworkLimits } from "./limits.js";
import { outputTransform } from "./onnx-ops-output.js";
import { celu, hardSigmoid, hardSwish, logOp, selu, shrink, softsign, TORCH_LAYER_OF } from "./onnx-ops-torch.js";
import { transformOp } from "../output-transform.js";

const { onnx } = onnxp;
type Converter = (c: NodeCtx) => Value[];

/** The ONNX ops netsize converts, by op type. */
export const CONVERTERS: Record<string, Converter> = {
  Gemm: gemm, MatMul: matMul, Conv: conv, BatchNormalization: batchNorm,
  Add: arithmetic, Sub: arithmetic, Mul: arithmetic, Div: arithmetic, Neg: neg,
  Pad: pad, MaxPool: pool, AveragePool: pool, GlobalMaxPool: pool, GlobalAveragePool: pool,
  Softmax: outputTransform, LogSoftmax: outputTransform,
  HardSigmoid: hardSigmoid, HardSwish: hardSwish, Softsign: softsign, Selu: selu, Celu: celu, Shrink: shrink,
  Relu: act, LeakyRelu: act, PRelu: act, Abs: act, Tanh: act, Sigmoid: act, Softplus: act, Elu: act, Gelu: act, Erf: act,
  Clip: clipOp, Max: maxMin, Min: maxMin,
  Flatten: flatten, Reshape: reshape, Squeeze: squeeze, Unsqueeze: squeeze,
  Constant: constantOp, Shape: constantOp, ConstantOfShape: constantOp, Gather: constantOp, Concat: constantOp,
  Cast: constantOp, Slice: constantOp, Transpose: constantOp,
  Identity: passThrough, Dropout: passThrough,
  Sqrt: unaryConst, Reciprocal: unaryConst, Exp: unaryConst, Log: logOp, Floor: unaryConst, Ceil: unaryConst,
};

/** Initializers are decoded on first use (lazily), like Netron. */
class Values extends Map<string, Value> {
  /** The node being converted, so a bad initializer is reported where it is used. */
  user = "";

  constructor(private readonly inits: Map<string, onnxp.onnx.ITensorProto>, private readonly file?: string, private readonly readExternal?: ExternalDataReader) {
    super();
  }

  override get(name: string): Value | undefined {
    let v = super.get(name);
    if (!v && this.inits.has(name)) {
      v = { kind: "const", t: decodeTensor(this.inits.get(name)!, { file: this.file, node: this.user || `initializer ${printable(name)}`, ...(this.readExternal ? { readExternal: this.readExternal } : {}) }) };
      super.set(name, v);
    }
    return v;
  }
}

/** Decode bytes as a ModelProto, turning protobuf failures into BAD_MODEL. */
export function decodeModel(bytes: Uint8Array, file?: string): onnxp.onnx.ModelProto {
  if (bytes.length === 0) fail("BAD_MODEL", "the file is empty; export the model again", { file });
  let model: onnxp.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    // protobuf decoding recurses once per nested message: subgraphs nested thousands deep overflow the stack.
    if (e instanceof RangeError) fail("BAD_MODEL", "the ONNX graph nests subgraphs too deeply to decode; the file is corrupt or not a plain feedforward network", { file });
    fail("BAD_MODEL", `not a readable ONNX model (${(e as Error).message}); the file is truncated, corrupt or not ONNX`, { file });
  }
  if (!model.graph || !model.graph.node || model.graph.node.length === 0) {
    fail("BAD_MODEL", "not an ONNX model with a graph of nodes; the file is truncated, corrupt or not ONNX", { file });
  }
  return model;
}

function topoOrder(nodes: readonly onnxp.onnx.INodeProto[], file?: string): number[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => { if (o) producer.set(o, i); }));
  const order: number[] = [];
  const state = new Uint8Array(nodes.length); // 0 new, 1 on stack, 2 done
  for (let root = 0; root < nodes.length; root++) {
    if (state[root]) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [i, k] = top;
      const ins = nodes[i]!.input ?? [];
      if (k < ins.length) {
        top[1]++;
        const p = ins[k] ? producer.get(ins[k]!) : undefined;
        if (p === undefined || state[p] === 2) continue;
        if (state[p] === 1) fail("BAD_MODEL", `the graph has a cycle through node ${nodes[p]!.name || `#${p}`}`, { file });
        state[p] = 1;
        stack.push([p, 0]);
      } else {
        state[i] = 2;
        order.push(i);
        stack.pop();
      }
    }
  }
  return order;
}

type Dim = number | string;

function dimsOf(v: onnxp.onnx.IValueInfoProto): Dim[] | undefined {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? toNum(d.dimValue) : "?"));
}

/** Decode ONNX bytes into a network (see networkFromOnnx in io/index.ts). */
export function importOnnx(bytes: Uint8Array, file?: string, readExternal?: ExternalDataReader, limits: NetworkLimits = NETWORK_LIMITS): Network {
  const model = decodeModel(bytes, file);
  const g = model.graph!;
  const opsetEntry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  const opset = opsetEntry ? toNum(opsetEntry.version) : 13;
  checkOpset(opset, file);
  const inits = new Map((g.initializer ?? []).map((t) => [t.name ?? "", t]));
  const inputs = (g.input ?? []).filter((v) => !inits.has(v.name ?? ""));
  if (inputs.length !== 1) {
    fail("BAD_MODEL", `the graph has ${inputs.length} inputs (${printable(inputs.map((v) => v.name).join(", "), 200)}); netsize reads single-input networks`, { file });
  }
  const input = inputs[0]!;
  checkInputType(input, file);
  checkUniqueNames(g, file);
  const dims = dimsOf(input);
  if (!dims || dims.length === 0) fail("SHAPE_MISMATCH", `graph input '${printable(input.name)}' has no shape; export with a fixed input shape`, { file });
  const batched = dims.length >= 2 && (typeof dims[0] === "string" || dims[0] === 1 || dims[0] === 0);
  const perSample = batched ? dims.slice(1) : dims;
  const bad = perSample.find((d) => typeof d === "string" || d < 1);
  if (bad !== undefined) {
    fail("SHAPE_MISMATCH", `graph input '${printable(input.name)}' has shape [${printable(dims.join(","), 200)}] with a non-fixed dimension '${printable(bad)}'; export with a fixed input size (only the batch axis may be dynamic)`, { file });
  }
  const inputShape = perSample as number[];
  checkValues(`graph input '${input.name}'`, inputShape, limits, { file });
  const records = readLayerRecords(model, g.node!.length);
  const ir = new Ir(inputShape, file, limits);
  const values = new Values(inits as Map<string, onnxp.onnx.ITensorProto>, file, readExternal);
  const outName = g.output?.[0]?.name ?? "";
  const consumers = new Map<string, number>();
  for (const n of g.node!) for (const i of n.input ?? []) if (i) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const state: ImportState = { ir, batched, file, opset, values, outputName: outName, consumers, ...(readExternal ? { readExternal } : {}) };
  state.values.set(input.name ?? "", { kind: "dyn", id: -1, shape: inputShape });
  for (const i of topoOrder(g.node!, file)) {
    const node = g.node![i]!;
    const c = new NodeCtx(state, node, i, records?.group[i]);
    const domain = node.domain ?? "";
    const convert = CONVERTERS[c.op];
    if (!convert || (domain !== "" && domain !== "ai.onnx" && !(domain === "com.microsoft" && c.op === "Gelu"))) {
      const torch = TORCH_LAYER_OF[c.op];
      c.fail("UNSUPPORTED_OP", `${printable(`${domain && domain !== "ai.onnx" ? `${domain}.` : ""}${c.op}`, 60)} is not supported${torch && !domain ? ` (from PyTorch: ${torch})` : ""}; netsize reads ${Object.keys(CONVERTERS).join(", ")}`);
    }
    let outs: Value[];
    values.user = c.where;
    try {
      outs = convert(c);
    } catch (e) {
      if (e instanceof NetsizeError) throw withFile(e, file, c.where);
      throw new NetsizeError("BAD_MODEL", `cannot convert: ${(e as Error).message}`, { file, node: c.where });
    }
    (node.output ?? []).forEach((o, k) => { if (o && outs[k]) state.values.set(o, outs[k]!); });
  }
  const out = state.values.get(outName);
  if (!out) fail("BAD_MODEL", `graph output '${printable(outName)}' is produced by no node`, { file });
  if (out.kind !== "dyn" || out.id < 0) fail("BAD_MODEL", `graph output '${printable(outName)}' does not depend on the input through any layer`, { file });
  const output = foldScales(ir, out.id, records !== undefined);
  try {
    const specs = ir.toSpecs(output);
    if (records) applyLayerRecords(specs, ir, records);
    const base = records?.meta ?? defaultMeta(model, input, g.output?.[0], batched, opset, file);
    const meta = state.outputTransform ? { ...base, outputTransform: { kind: state.outputTransform, op: transformOp(state.outputTransform) } } : base;
    return createNetwork(inputShape, specs, meta);
  } catch (e) {
    throw withFile(e, file, "");
  }
}

/** The ai.onnx opsets netsize reads: numpy-style broadcasting began at 7; 26 is the newest onnxruntime 1.30 knows. */
export const ONNX_OPSETS = { min: 7, max: 26 } as const;

function checkOpset(opset: number, file?: string): void {
  if (!Number.isInteger(opset) || opset < 1) fail("BAD_MODEL", `the model imports ai.onnx opset ${opset}; opset versions are positive integers — the file is corrupt`, { file });
  if (opset < ONNX_OPSETS.min) fail("UNSUPPORTED_OP", `the model uses ai.onnx opset ${opset}, older than ${ONNX_OPSETS.min} (before numpy-style broadcasting; onnxruntime lacks most of its ops); re-export with opset ${ONNX_OPSETS.min}–${ONNX_OPSETS.max}`, { file });
  if (opset > ONNX_OPSETS.max) fail("UNSUPPORTED_OP", `the model uses ai.onnx opset ${opset}, newer than ${ONNX_OPSETS.max}, the newest netsize and onnxruntime know; re-export with opset ${ONNX_OPSETS.min}–${ONNX_OPSETS.max}`, { file });
}

/** ONNX element types netsize can feed: float, float16, double, bfloat16. */
const FLOAT_TYPES: ReadonlySet<number> = new Set([1, 10, 11, 16]);
const TYPE_NAMES: Record<number, string> = { 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128" };

function checkInputType(input: onnxp.onnx.IValueInfoProto, file?: string): void {
  const t = input.type?.tensorType;
  if (!t) fail("UNSUPPORTED_OP", `graph input '${printable(input.name)}' is not a tensor (a sequence, map or optional); netsize reads one float tensor`, { file });
  const e = t.elemType ?? 0;
  if (e !== 0 && !FLOAT_TYPES.has(e)) {
    fail("UNSUPPORTED_OP", `graph input '${printable(input.name)}' has element type ${TYPE_NAMES[e] ?? e}; netsize reads networks on float inputs (float32/float64) — export the model with a float input`, { file });
  }
}

/**
 * Every name is defined once: by one node output, one initializer or one graph input (an initializer
 * may also be listed as a graph input). A second definition would otherwise silently win or lose.
 */
function checkUniqueNames(g: onnxp.onnx.IGraphProto, file?: string): void {
  const by = new Map<string, string>();
  const define = (name: string | null | undefined, what: string): void => {
    if (!name) return;
    const prev = by.get(name);
    if (prev !== undefined) fail("BAD_MODEL", `'${printable(name)}' is defined twice (${prev} and ${what}); onnxruntime rejects such a model — rename one`, { file });
    by.set(name, what);
  };
  const inits = new Set<string>();
  for (const t of g.initializer ?? []) { define(t.name, `initializer '${printable(t.name)}'`); inits.add(t.name ?? ""); }
  for (const v of g.input ?? []) if (!inits.has(v.name ?? "")) define(v.name, "the graph input");
  (g.node ?? []).forEach((n, i) => {
    for (const o of n.output ?? []) define(o, `node ${printable(n.name || `#${i}`)} (${printable(n.opType, 40)})`);
  });
}

function defaultMeta(
  model: onnxp.onnx.ModelProto, input: onnxp.onnx.IValueInfoProto, output: onnxp.onnx.IValueInfoProto | undefined,
  batched: boolean, opset: number, file?: string,
): Record<string, unknown> {
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(" ");
  return {
    ...(file ? { source: baseName(file) } : {}),
    onnx: {
      inputName: input.name ?? "input",
      inputShape: dimsOf(input),
      outputName: output?.name ?? "output",
      ...(output && dimsOf(output) ? { outputShape: dimsOf(output) } : {}),
      batched,
      opset,
      ...(producer ? { producer } : {}),
    },
  };
}
