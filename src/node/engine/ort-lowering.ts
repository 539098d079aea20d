// onnxruntime's CPU provider has no float64 kernels for Conv, AveragePool, LeakyRelu/PRelu, Softplus, Elu and Erf.
// This pass rewrites those nodes into ops it does run in float64 (Pad, Slice, Concat, Reshape, MatMul, Div, Relu,
// Exp, Log), so the batched engine stays exact in float64 on convolutional networks: a convolution becomes strided
// windows stacked on the channel axis times the reordered kernel (im2col), an average pool two products with 0/1
// window matrices. Erf alone is computed in float32 (good to ~1e-7; the reference engine's erf is float64-accurate).
import onnxProto from "onnx-proto";
import { fail } from "../../core/errors.js";

const { onnx } = onnxProto;
type IModel = onnxProto.onnx.IModelProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IAttr = onnxProto.onnx.IAttributeProto;

const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
const INT64 = onnx.TensorProto.DataType.INT64;
/** An "until the end" Slice bound that every ORT build accepts (ends are clamped to the axis length). */
const TO_END = 2 ** 31 - 1;

/** Ops this pass rewrites when the model is float64. */
export const LOWERED_OPS = ["Conv", "AveragePool", "LeakyRelu", "PRelu", "Softplus", "Elu", "Erf"] as const;

/**
 * The ops of float64 ONNX bytes that onnxruntime's CPU provider has no float64 kernel for (the file is
 * valid ONNX and netsize reads it exactly; onnxruntime needs the float32 file or netsize's rewrite).
 */
export function ortFloat64Gaps(bytes: Uint8Array): string[] {
  const model = onnx.ModelProto.decode(bytes);
  const f64 = (model.graph?.input ?? []).some((v) => v.type?.tensorType?.elemType === DOUBLE);
  if (!f64) return [];
  return [...new Set((model.graph?.node ?? []).map((n) => n.opType ?? ""))].filter((op) => (LOWERED_OPS as readonly string[]).includes(op));
}

/** The warning a command prints after writing such a file, or "" when onnxruntime runs it. */
export function ortFloat64Warning(bytes: Uint8Array, file: string): string {
  const gaps = ortFloat64Gaps(bytes);
  if (gaps.length === 0) return "";
  return `note: ${file} is valid float64 ONNX, and netsize reads and runs it exactly, but onnxruntime's CPU provider has no float64 kernel for ${gaps.join(", ")}: to run it in onnxruntime write it with --float 32 (or let netsize run it: its batched engine rewrites those ops exactly)\n`;
}

function num(v: number | { toNumber(): number } | null | undefined): number {
  return v === null || v === undefined ? 0 : typeof v === "number" ? v : v.toNumber();
}

function attr(node: INode, name: string): IAttr | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function ints(node: INode, name: string, dflt: number[]): number[] {
  const a = attr(node, name);
  return a?.ints && a.ints.length > 0 ? a.ints.map(num) : dflt;
}

/** Values of an initializer as float64, whatever field the exporter stored them in. */
export function tensorValues(t: ITensor): Float64Array {
  const n = (t.dims ?? []).map(num).reduce((a, b) => a * b, 1);
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float64Array(n);
    const size = t.dataType === DOUBLE ? 8 : 4;
    if (raw.byteLength < n * size) fail("BAD_MODEL", `tensor ${t.name} holds ${raw.byteLength} bytes, needs ${n * size}`);
    for (let i = 0; i < n; i++) out[i] = size === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
    return out;
  }
  const src = t.dataType === DOUBLE ? t.doubleData : t.floatData;
  return Float64Array.from(src ?? []);
}

/** A builder of replacement nodes with unique names under one prefix. */
class Emitter {
  readonly nodes: INode[] = [];
  readonly inits: ITensor[] = [];
  private k = 0;
  constructor(private readonly prefix: string) {}

  name(tag: string): string {
    return `${this.prefix}_${tag}_${this.k++}`;
  }

  node(opType: string, input: string[], attrs: IAttr[] = [], output = this.name(opType)): string {
    this.nodes.push(onnx.NodeProto.create({ opType, input, output: [output], attribute: attrs, name: output }));
    return output;
  }

  int64s(values: number[]): string {
    const name = this.name("i64");
    this.inits.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, int64Data: values }));
    return name;
  }

  doubles(values: ArrayLike<number>, dims: number[]): string {
    const name = this.name("f64");
    const raw = new Uint8Array(Float64Array.from(values).buffer);
    this.inits.push(onnx.TensorProto.create({ name, dims, dataType: DOUBLE, rawData: raw }));
    return name;
  }
}

const intsAttr = (name: string, v: number[]): IAttr => onnx.AttributeProto.create({ name, ints: v, type: onnx.AttributeProto.AttributeType.INTS });
const intAttr = (name: string, v: number): IAttr => onnx.AttributeProto.create({ name, i: v, type: onnx.AttributeProto.AttributeType.INT });

/**
 * The kh·kw strided windows of a (padded) N×C×H×W tensor, each N×C×OH×OW. A window starting at ky·dh with
 * step sh and ending (kh-1-ky)·dh before the end holds ceil((H-(kh-1)·dh)/sh) = OH rows, so no shape is needed.
 */
function windows(e: Emitter, x: string, kernel: number[], stride: number[], dil: number[]): string[] {
  const out: string[] = [];
  const axes = e.int64s([2, 3]), steps = e.int64s(stride);
  for (let ky = 0; ky < kernel[0]!; ky++) {
    for (let kx = 0; kx < kernel[1]!; kx++) {
      const endY = ky === kernel[0]! - 1 ? TO_END : -(kernel[0]! - 1 - ky) * dil[0]!;
      const endX = kx === kernel[1]! - 1 ? TO_END : -(kernel[1]! - 1 - kx) * dil[1]!;
      out.push(e.node("Slice", [x, e.int64s([ky * dil[0]!, kx * dil[1]!]), e.int64s([endY, endX]), axes, steps]));
    }
  }
  return out;
}

function padded(e: Emitter, x: string, pads: number[]): string {
  if (pads.every((p) => p === 0)) return x;
  return e.node("Pad", [x, e.int64s([0, 0, pads[0]!, pads[1]!, 0, 0, pads[2]!, pads[3]!])]);
}

function checkSpatial(node: INode, kernel: number[]): void {
  const autoPad = attr(node, "auto_pad")?.s;
  const mode = autoPad ? new TextDecoder().decode(autoPad) : "NOTSET";
  if (mode !== "NOTSET" && mode !== "") fail("UNSUPPORTED_OP", `${node.opType} with auto_pad=${mode} cannot run in float64; use float 32`, { node: node.name ?? "" });
  if (kernel.length !== 2) fail("UNSUPPORTED_OP", `${node.opType} over ${kernel.length} spatial axes cannot run in float64; use float 32`, { node: node.name ?? "" });
  if (num(attr(node, "ceil_mode")?.i) !== 0) fail("UNSUPPORTED_OP", `${node.opType} with ceil_mode cannot run in float64; use float 32`, { node: node.name ?? "" });
}

/** Per-sample C×H×W shape of a node's first input, which the spatial rewrites need (see probeShapes). */
function spatialShape(node: INode, shapes: ReadonlyMap<string, readonly number[]>): [number, number, number] {
  const s = shapes.get(node.input![0]!);
  if (!s || s.length !== 3) fail("UNSUPPORTED_OP", `${node.opType} input '${node.input![0]}' has no C×H×W shape; use float 32`, { node: node.name ?? "" });
  return [s[0]!, s[1]!, s[2]!];
}

const outSize = (n: number, k: number, s: number, p0: number, p1: number, d = 1): number => Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;

function lowerConv(e: Emitter, node: INode, inits: Map<string, ITensor>, shapes: ReadonlyMap<string, readonly number[]>): void {
  const [x, wName, bName] = node.input!;
  const w = inits.get(wName!);
  if (!w) fail("UNSUPPORTED_OP", "Conv with a computed weight cannot run in float64; use float 32", { node: node.name ?? "" });
  const [O, C, kh, kw] = (w.dims ?? []).map(num) as [number, number, number, number];
  const kernel = ints(node, "kernel_shape", [kh, kw]);
  checkSpatial(node, kernel);
  if (num(attr(node, "group")?.i ?? 1) !== 1) fail("UNSUPPORTED_OP", "grouped Conv cannot run in float64; use float 32", { node: node.name ?? "" });
  const [, H, W] = spatialShape(node, shapes);
  const pads = ints(node, "pads", [0, 0, 0, 0]), stride = ints(node, "strides", [1, 1]), dil = ints(node, "dilations", [1, 1]);
  const OH = outSize(H, kh, stride[0]!, pads[0]!, pads[2]!, dil[0]), OW = outSize(W, kw, stride[1]!, pads[1]!, pads[3]!, dil[1]);
  // im2col: the K = kh·kw windows stacked on the channel axis, row (ky·kw + kx)·C + c, times W reordered to match.
  const K = kh * kw;
  const wt = new Float64Array(O * K * C);
  const wv = tensorValues(w);
  for (let o = 0; o < O; o++)
    for (let c = 0; c < C; c++)
      for (let k = 0; k < K; k++) wt[o * K * C + k * C + c] = wv[(o * C + c) * K + k]!;
  const wins = windows(e, padded(e, x!, pads), kernel, stride, dil);
  const cat = wins.length === 1 ? wins[0]! : e.node("Concat", wins, [intAttr("axis", 1)]);
  const cols = e.node("Reshape", [cat, e.int64s([0, K * C, OH * OW])]);
  let y = e.node("MatMul", [e.doubles(wt, [O, K * C]), cols]);
  if (bName) {
    const b = inits.get(bName);
    y = e.node("Add", [y, b ? e.doubles(tensorValues(b), [O, 1]) : e.node("Unsqueeze", [bName, e.int64s([1])])]);
  }
  e.node("Reshape", [y, e.int64s([0, O, OH, OW])], [], node.output![0]!);
}

/** 0/1 matrix [out][n] marking which of n cells (unpadded) fall in each of `out` windows of size k, stride s, leading pad p. */
function windowMatrix(out: number, n: number, k: number, s: number, p: number): Float64Array {
  const m = new Float64Array(out * n);
  for (let o = 0; o < out; o++) for (let j = 0; j < k; j++) { const i = o * s - p + j; if (i >= 0 && i < n) m[o * n + i] = 1; }
  return m;
}

function lowerAvgPool(e: Emitter, node: INode, shapes: ReadonlyMap<string, readonly number[]>): void {
  const x = node.input![0]!;
  const kernel = ints(node, "kernel_shape", []);
  checkSpatial(node, kernel);
  const [, H, W] = spatialShape(node, shapes);
  const pads = ints(node, "pads", [0, 0, 0, 0]), stride = ints(node, "strides", [1, 1]);
  const [kh, kw] = kernel as [number, number];
  const OH = outSize(H, kh, stride[0]!, pads[0]!, pads[2]!), OW = outSize(W, kw, stride[1]!, pads[1]!, pads[3]!);
  // Window sums are separable: Ph · X · Pwᵀ with 0/1 window matrices (padding cells add zero, so they are left out).
  const ph = windowMatrix(OH, H, kh, stride[0]!, pads[0]!), pw = windowMatrix(OW, W, kw, stride[1]!, pads[1]!);
  const pwT = new Float64Array(W * OW);
  for (let o = 0; o < OW; o++) for (let i = 0; i < W; i++) pwT[i * OW + o] = pw[o * W + i]!;
  const rows = e.node("MatMul", [x, e.doubles(pwT, [W, OW])]);
  const sum = e.node("MatMul", [e.doubles(ph, [OH, H]), rows]);
  const includePad = num(attr(node, "count_include_pad")?.i) !== 0;
  const count = new Float64Array(OH * OW);
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      let rh = 0, rw = 0;
      for (let i = 0; i < H; i++) rh += ph[oy * H + i]!;
      for (let i = 0; i < W; i++) rw += pw[ox * W + i]!;
      count[oy * OW + ox] = includePad ? kh * kw : rh * rw;
    }
  }
  e.node("Div", [sum, e.doubles(count, [OH, OW])], [], node.output![0]!);
}

function lowerLeakyRelu(e: Emitter, node: INode, inits: Map<string, ITensor>): void {
  const x = node.input![0]!;
  let slope: string;
  if (node.opType === "PRelu") {
    const t = inits.get(node.input![1]!);
    slope = t ? e.doubles(tensorValues(t), (t.dims ?? []).map(num)) : node.input![1]!;
  } else slope = e.doubles([attr(node, "alpha")?.f ?? 0.01], []);
  // relu(x) - slope·relu(-x): exactly x for x > 0 and exactly slope·x otherwise.
  const neg = e.node("Mul", [e.node("Relu", [e.node("Neg", [x])]), slope]);
  e.node("Sub", [e.node("Relu", [x]), neg], [], node.output![0]!);
}

function lowerSmooth(e: Emitter, node: INode): void {
  const x = node.input![0]!, out = node.output![0]!;
  if (node.opType === "Softplus") {
    // max(x, 0) + log(1 + exp(-|x|)): no overflow for large |x|.
    const tail = e.node("Log", [e.node("Add", [e.node("Exp", [e.node("Neg", [e.node("Abs", [x])])]), e.doubles([1], [])])]);
    e.node("Add", [e.node("Relu", [x]), tail], [], out);
  } else if (node.opType === "Elu") {
    // relu(x) + alpha·(exp(min(x, 0)) - 1).
    const alpha = attr(node, "alpha")?.f ?? 1;
    const m = e.node("Neg", [e.node("Relu", [e.node("Neg", [x])])]);
    const t = e.node("Mul", [e.node("Sub", [e.node("Exp", [m]), e.doubles([1], [])]), e.doubles([alpha], [])]);
    e.node("Add", [e.node("Relu", [x]), t], [], out);
  } else {
    const to = (t: number): IAttr => intAttr("to", t);
    const f = e.node("Erf", [e.node("Cast", [x], [to(onnx.TensorProto.DataType.FLOAT)])]);
    e.node("Cast", [f], [to(DOUBLE)], out);
  }
}

/** Rewrite a float64 model's nodes that onnxruntime has no float64 kernel for (LOWERED_OPS) into ones it has. */
export function lowerForOrtFloat64(model: IModel, shapes: ReadonlyMap<string, readonly number[]> = new Map()): IModel {
  const graph = model.graph;
  if (!graph?.node) return model;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", t]));
  const nodes: INode[] = [];
  const extra: ITensor[] = [];
  const consumed = new Set<string>();
  graph.node.forEach((node, i) => {
    if (!(LOWERED_OPS as readonly string[]).includes(node.opType ?? "")) { nodes.push(node); return; }
    const e = new Emitter(`__lowered${i}`);
    if (node.opType === "Conv") {
      lowerConv(e, node, inits, shapes);
      for (const n of node.input!.slice(1)) consumed.add(n);
    } else if (node.opType === "AveragePool") lowerAvgPool(e, node, shapes);
    else if (node.opType === "LeakyRelu" || node.opType === "PRelu") lowerLeakyRelu(e, node, inits);
    else lowerSmooth(e, node);
    nodes.push(...e.nodes);
    extra.push(...e.inits);
  });
  // Weights folded into the lowered MatMul are dropped unless another node still reads them.
  const stillUsed = new Set(nodes.flatMap((n) => n.input ?? []));
  const kept = (graph.initializer ?? []).filter((t) => !consumed.has(t.name ?? "") || stillUsed.has(t.name ?? ""));
  const input = (graph.input ?? []).filter((v) => !consumed.has(v.name ?? "") || stillUsed.has(v.name ?? ""));
  const g = onnx.GraphProto.create({ ...graph, node: nodes, input, initializer: [...kept, ...extra] });
  return onnx.ModelProto.create({ ...model, graph: g });
}
