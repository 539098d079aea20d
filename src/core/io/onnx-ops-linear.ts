// Converters for the affine ONNX ops: Gemm, MatMul, Conv, BatchNormalization, element-wise
// arithmetic with constants, Pad and pooling.
import { printable } from "../errors.js";
import { Pads2d } from "../network.js";
import { fuseElementwise } from "./fuse.js";
import { ConstValue, DynValue, NodeCtx, Value, fromFloat32 } from "./onnx-context.js";
import { binary, broadcastDims, expandTo, matmul, numel, transpose } from "./onnx-const.js";
import { Tensor } from "./onnx-tensor.js";

/** A constant laid onto a tensor's per-sample shape: one value per channel (axis 0) or per element. */
interface PerSample {
  perChannel: boolean;
  values: Float64Array;
}

/** Broadcast a constant onto the per-sample shape of x; per channel when it varies along axis 0 only. */
export function perSample(c: NodeCtx, t: Tensor, x: DynValue): PerSample {
  const S = x.shape;
  const F = c.state.batched ? [1, ...S] : [...S];
  const bad = (): never => c.fail("SHAPE_MISMATCH", `constant of shape [${t.dims.join(",")}] does not broadcast onto a tensor of shape [${c.state.batched ? "batch," : ""}${S.join(",")}] without changing it`);
  if (t.dims.length > F.length) bad();
  const cd = [...new Array<number>(F.length - t.dims.length).fill(1), ...t.dims];
  cd.forEach((d, k) => { if (d !== 1 && d !== F[k]) bad(); });
  const cS = c.state.batched ? cd.slice(1) : cd;
  const channelOnly = cS.slice(1).every((d) => d === 1);
  // When per channel and per element mean the same, the constant's rank tells which was written (see onnx-export).
  const ambiguous = S.slice(1).every((d) => d === 1);
  const perChannel = channelOnly && !(ambiguous && t.dims.length === S.length);
  if (perChannel) return { perChannel, values: expandTo({ dims: [cS[0]!], data: t.data }, [S[0]!]) };
  return { perChannel, values: expandTo({ dims: cS, data: t.data }, S) };
}

function toPerElement(p: PerSample, x: DynValue): Float64Array {
  if (!p.perChannel) return p.values;
  const per = numel(x.shape) / x.shape[0]!;
  const out = new Float64Array(numel(x.shape));
  for (let i = 0; i < out.length; i++) out[i] = p.values[Math.floor(i / per)]!;
  return out;
}

/** Emit y = x·scale + shift (either may be omitted) as a scale node. */
export function affine(c: NodeCtx, x: DynValue, scale?: Tensor, shift?: Tensor, suffix = ""): DynValue {
  let s = scale ? perSample(c, scale, x) : undefined;
  let t = shift ? perSample(c, shift, x) : undefined;
  if (s && t && s.perChannel !== t.perChannel) {
    s = { perChannel: false, values: toPerElement(s, x) };
    t = { perChannel: false, values: toPerElement(t, x) };
  }
  const perChannel = (s ?? t)!.perChannel;
  const n = perChannel ? x.shape[0]! : numel(x.shape);
  const v = c.emit({
    kind: "scale", perChannel,
    scale: s?.values ?? new Float64Array(n).fill(1),
    shift: t?.values ?? new Float64Array(n),
  }, [x.id], suffix);
  return fuseElementwise(c, v);
}

export const scalar = (v: number): Tensor => ({ dims: [], data: Float64Array.of(v) });
const mapT = (t: Tensor, f: (v: number) => number): Tensor => ({ dims: t.dims, data: t.data.map(f) });

/** Add, Sub, Mul, Div: constants fold, a constant operand becomes a scale, two tensors add (or multiply, inside activations). */
export function arithmetic(c: NodeCtx): Value[] {
  const a = c.need(0), b = c.need(1);
  const fns: Record<string, (x: number, y: number) => number> = {
    Add: (x, y) => x + y, Sub: (x, y) => x - y, Mul: (x, y) => x * y, Div: (x, y) => x / y,
  };
  if (a.kind === "const" && b.kind === "const") return [{ kind: "const", t: binary(a.t, b.t, fns[c.op]!, { file: c.state.file, node: c.where }) }];
  if (a.kind === "dyn" && b.kind === "dyn") {
    if (a.shape.join(",") !== b.shape.join(",")) c.fail("SHAPE_MISMATCH", `${c.op} of [${a.shape.join(",")}] and [${b.shape.join(",")}]; netsize needs equal shapes`);
    if (c.op === "Add") return [c.emit({ kind: "add" }, [a.id, b.id])];
    if (c.op === "Sub") {
      const neg = affine(c, b, scalar(-1), undefined, "/neg");
      return [c.emit({ kind: "add" }, [a.id, neg.id])];
    }
    if (c.op === "Mul") return [fuseElementwise(c, c.emit({ kind: "mul2" }, [a.id, b.id]))];
    // Only inside an activation (nn.Softsign is x / (1 + |x|)); a lone quotient fails when the import ends.
    return [fuseElementwise(c, c.emit({ kind: "div2" }, [a.id, b.id]))];
  }
  const [x, k, constFirst] = a.kind === "dyn" ? [a, (b as ConstValue).t, false] : [b as DynValue, a.t, true];
  switch (c.op) {
    case "Add": return [affine(c, x, undefined, k)];
    case "Mul": return [affine(c, x, k)];
    case "Sub": return [constFirst ? affine(c, x, scalar(-1), k) : affine(c, x, undefined, mapT(k, (v) => -v))];
    default:
      if (constFirst) c.fail("UNSUPPORTED_OP", "Div of a constant by a computed tensor is not affine; netsize supports division by constants");
      return [affine(c, x, mapT(k, (v) => 1 / v))];
  }
}

/** Neg: a scale of -1 (or a folded constant). */
export function neg(c: NodeCtx): Value[] {
  const x = c.need(0);
  if (x.kind === "const") return [{ kind: "const", t: mapT(x.t, (v) => -v) }];
  return [affine(c, x, scalar(-1))];
}

function denseBias(c: NodeCtx, C: Tensor | undefined, beta: number, m: number): Float64Array {
  if (!C) return new Float64Array(m);
  if (!broadcastDims(C.dims, [1, m]) || numel(broadcastDims(C.dims, [1, m])!) !== m) {
    c.fail("SHAPE_MISMATCH", `bias of shape [${C.dims.join(",")}] does not broadcast to ${m} outputs`);
  }
  const b = expandTo(C, [1, m]);
  if (beta !== 1) for (let i = 0; i < m; i++) b[i] = beta * b[i]!;
  return b;
}

function needVector(c: NodeCtx, x: DynValue, batched: boolean): number {
  if (x.shape.length !== 1 || c.state.batched !== batched) {
    c.fail("UNSUPPORTED_OP", `${c.op} on a tensor of shape [${c.state.batched ? "batch," : ""}${x.shape.join(",")}]; netsize needs ${batched ? "a batch of vectors [batch, n] (add a Flatten)" : "a vector"}`);
  }
  return x.shape[0]!;
}

/** Gemm: Y = alpha·A'·B' + beta·C with A the (batched) input and B, C constant → dense. */
export function gemm(c: NodeCtx): Value[] {
  const A = c.need(0), B = c.need(1);
  const alpha = fromFloat32(c.attrs.float("alpha", 1)), beta = fromFloat32(c.attrs.float("beta", 1));
  const transA = c.attrs.int("transA", 0), transB = c.attrs.int("transB", 0);
  const C = c.optConstant(2, "the bias C");
  if (A.kind === "const" && B.kind === "const") {
    const ctx = { file: c.state.file, node: c.where };
    let y = matmul(transA ? transpose(A.t) : A.t, transB ? transpose(B.t) : B.t, ctx);
    y = mapT(y, (v) => alpha * v);
    return [C ? { kind: "const", t: binary(y, mapT(C, (v) => beta * v), (p, q) => p + q, ctx) } : { kind: "const", t: y }];
  }
  if (A.kind !== "dyn" || transA) c.fail("UNSUPPORTED_OP", "Gemm whose computed operand is B or transposed (transA=1); netsize needs Y = X·W' + b with X the input");
  const k = needVector(c, A, true);
  const W = c.constant(1, "the weight B");
  if (W.dims.length !== 2) c.fail("SHAPE_MISMATCH", `Gemm weight has shape [${W.dims.join(",")}], expected a matrix`);
  const Wt = transB ? W : transpose(W);
  if (Wt.dims[1] !== k) c.fail("SHAPE_MISMATCH", `Gemm weight [${W.dims.join(",")}] (transB=${transB}) does not take ${k} inputs`);
  const m = Wt.dims[0]!;
  const weight = alpha === 1 ? Float64Array.from(Wt.data) : Wt.data.map((v) => alpha * v);
  return [c.emit({ kind: "dense", inSize: k, outSize: m, weight, bias: denseBias(c, C, beta, m) }, [A.id])];
}

/** MatMul with one constant matrix → dense with zero bias (the following Add folds into it). */
export function matMul(c: NodeCtx): Value[] {
  const a = c.need(0), b = c.need(1);
  const ctx = { file: c.state.file, node: c.where };
  if (a.kind === "const" && b.kind === "const") return [{ kind: "const", t: matmul(a.t, b.t, ctx) }];
  if (a.kind === "dyn" && b.kind === "dyn") c.fail("UNSUPPORTED_OP", "MatMul of two computed tensors is not affine; netsize needs one constant operand");
  if (a.kind === "dyn") {
    const W = (b as ConstValue).t;
    const k = needVector(c, a, c.state.batched);
    if (W.dims.length !== 2 || W.dims[0] !== k) c.fail("SHAPE_MISMATCH", `MatMul of [${a.shape.join(",")}] by a constant [${W.dims.join(",")}]`);
    const m = W.dims[1]!;
    return [c.emit({ kind: "dense", inSize: k, outSize: m, weight: transpose(W).data, bias: new Float64Array(m) }, [a.id])];
  }
  // W · x: only meaningful for a single unbatched vector (the VNN-COMP test networks).
  const x = b as DynValue, W = a.t;
  const k = needVector(c, x, false);
  if (W.dims.length !== 2 || W.dims[1] !== k) c.fail("SHAPE_MISMATCH", `MatMul of a constant [${W.dims.join(",")}] by [${x.shape.join(",")}]`);
  const m = W.dims[0]!;
  return [c.emit({ kind: "dense", inSize: k, outSize: m, weight: Float64Array.from(W.data), bias: new Float64Array(m) }, [x.id])];
}

function image(c: NodeCtx, x: DynValue): [number, number, number] {
  if (x.shape.length !== 3 || !c.state.batched) {
    c.fail("UNSUPPORTED_OP", `${c.op} on [${c.state.batched ? "batch," : ""}${x.shape.join(",")}]; netsize supports 2-D ${c.op} on [batch, C, H, W]`);
  }
  return x.shape as unknown as [number, number, number];
}

/** Spatial pads [top, left, bottom, right] from pads/auto_pad attributes. */
function spatialPads(c: NodeCtx, hw: [number, number], k: [number, number], s: [number, number], d: [number, number]): Pads2d {
  const auto = c.attrs.str("auto_pad", "NOTSET");
  if (auto === "SAME_UPPER" || auto === "SAME_LOWER") {
    const p = [0, 1].map((a) => {
      const out = Math.ceil(hw[a]! / s[a]!);
      const total = Math.max(0, (out - 1) * s[a]! + (k[a]! - 1) * d[a]! + 1 - hw[a]!);
      const begin = auto === "SAME_UPPER" ? Math.floor(total / 2) : Math.ceil(total / 2);
      return [begin, total - begin];
    });
    return [p[0]![0]!, p[1]![0]!, p[0]![1]!, p[1]![1]!];
  }
  if (auto === "VALID") return [0, 0, 0, 0];
  const pads = c.attrs.ints("pads") ?? [0, 0, 0, 0];
  if (pads.length !== 4 || pads.some((v) => v < 0)) c.fail("UNSUPPORTED_OP", `pads [${pads.join(",")}]; netsize supports 4 non-negative 2-D pads`);
  return [pads[0]!, pads[1]!, pads[2]!, pads[3]!];
}

function pair(c: NodeCtx, name: string, def: number): [number, number] {
  const v = c.attrs.ints(name) ?? [def, def];
  if (v.length !== 2) c.fail("UNSUPPORTED_OP", `${name} [${v.join(",")}]; netsize supports 2-D ${c.op}`);
  // A zero or negative stride/dilation/kernel is not an unsupported op but an invalid model (onnxruntime rejects it too).
  if (v.some((x) => !Number.isInteger(x) || x < 1)) c.fail("BAD_MODEL", `${name} [${v.join(",")}] must be positive integers; fix the export`);
  return [v[0]!, v[1]!];
}

/** A 1-D op's single stride/dilation/kernel attribute as the [1, k] of its 2-D form (height 1). */
function pair1d(c: NodeCtx, name: string, def: number): [number, number] {
  const v = c.attrs.ints(name) ?? [def];
  if (v.length !== 1 || v.some((k) => !Number.isInteger(k) || k < 1)) c.fail("BAD_MODEL", `${name} [${v.join(",")}] of a 1-D ${c.op} must be one positive integer`);
  return [1, v[0]!];
}

/** A 1-D op's explicit pads [begin, end] as 2-D pads [0, begin, 0, end]. */
function pads1d(c: NodeCtx): Pads2d {
  const p = c.attrs.ints("pads") ?? [0, 0];
  if (p.length !== 2 || p.some((v) => v < 0)) c.fail("UNSUPPORTED_OP", `pads [${p.join(",")}] of a 1-D ${c.op}; netsize supports 2 non-negative pads`);
  return [0, p[0]!, 0, p[1]!];
}

/** Conv (2-D or 1-D, any group) → conv2d. */
export function conv(c: NodeCtx): Value[] {
  const x0 = c.dyn(0);
  const w0 = c.constant(1, "the weight");
  // nn.Conv1d: [C, L] with a [O, C/g, k] kernel is a 2-D convolution of [C, 1, L] with a [1, k] kernel.
  const oneD = c.state.batched && x0.shape.length === 2 && w0.dims.length === 3;
  const x = oneD ? c.emit({ kind: "reshape", shape: [x0.shape[0]!, 1, x0.shape[1]!] }, [x0.id], "/as2d") : x0;
  const w: Tensor = oneD ? { dims: [w0.dims[0]!, w0.dims[1]!, 1, w0.dims[2]!], data: w0.data } : w0;
  const [C, H, W] = image(c, x);
  const g = c.attrs.int("group", 1);
  if (!Number.isInteger(g) || g < 1 || C % g !== 0 || w.dims.length !== 4 || w.dims[0]! % g !== 0) {
    c.fail("SHAPE_MISMATCH", `Conv weight [${w0.dims.join(",")}] with group=${g} does not fit ${C} input channels`);
  }
  if (w.dims[1] !== C / g) c.fail("SHAPE_MISMATCH", `Conv weight [${w0.dims.join(",")}] does not fit ${C} input channels${g > 1 ? ` in ${g} groups` : ""}`);
  const O = w.dims[0]!, kernel: [number, number] = [w.dims[2]!, w.dims[3]!];
  const one = (name: string, def: number): [number, number] => (oneD ? pair1d(c, name, def) : pair(c, name, def));
  const stride = one("strides", 1), dilation = one("dilations", 1);
  const b = c.optConstant(2, "the bias");
  if (b && numel(b.dims) !== O) c.fail("SHAPE_MISMATCH", `Conv bias has ${numel(b.dims)} values for ${O} channels`);
  let pads: Pads2d;
  if (oneD && c.attrs.str("auto_pad", "NOTSET") === "NOTSET") pads = pads1d(c);
  else pads = spatialPads(c, [H, W], kernel, stride, dilation);
  // A grouped (or depthwise) convolution is the full convolution whose kernel is zero across groups: exact, with g× the stored weights.
  const weight = g === 1 ? Float64Array.from(w.data) : blockDiagonal(w.data, O, C, g, kernel[0] * kernel[1]);
  const y = c.emit({
    kind: "conv2d", inChannels: C, outChannels: O, kernel, stride, pads, dilation,
    weight, bias: b ? Float64Array.from(b.data) : new Float64Array(O),
  }, [x.id], oneD ? "/conv" : "");
  return [oneD ? c.emit({ kind: "reshape", shape: [O, y.shape[2]!] }, [y.id]) : y];
}

/** The [O][C][k] kernel of a convolution in g groups, from its [O][C/g][k] weights. */
function blockDiagonal(w: Float64Array, O: number, C: number, g: number, kk: number): Float64Array {
  const cg = C / g, og = O / g;
  const out = new Float64Array(O * C * kk);
  for (let o = 0; o < O; o++) {
    const q = Math.floor(o / og);
    for (let i = 0; i < cg; i++) out.set(w.subarray((o * cg + i) * kk, (o * cg + i + 1) * kk), (o * C + q * cg + i) * kk);
  }
  return out;
}

/** BatchNormalization (inference) → per-channel scale, folded later into the neighbouring conv/dense. */
export function batchNorm(c: NodeCtx): Value[] {
  const x = c.dyn(0);
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => c.constant(i));
  const eps = fromFloat32(c.attrs.float("epsilon", 1e-5));
  const C = x.shape[0]!;
  for (const t of [gamma, beta, mean, variance]) if (numel(t!.dims) !== C) c.fail("SHAPE_MISMATCH", `BatchNormalization parameters need ${C} values, got [${t!.dims.join(",")}]`);
  const scale = new Float64Array(C), shift = new Float64Array(C);
  for (let i = 0; i < C; i++) {
    scale[i] = gamma!.data[i]! / Math.sqrt(variance!.data[i]! + eps);
    shift[i] = beta!.data[i]! - mean!.data[i]! * scale[i]!;
  }
  return [c.emit({ kind: "scale", perChannel: true, scale, shift }, [x.id])];
}

/** Pad (constant mode, spatial axes only) → pad. */
export function pad(c: NodeCtx): Value[] {
  const x = c.dyn(0);
  const mode = c.attrs.str("mode", "constant");
  if (mode !== "constant") {
    const torch = mode === "reflect" ? "nn.ReflectionPad2d / F.pad(mode='reflect')" : mode === "edge" ? "nn.ReplicationPad2d / F.pad(mode='replicate')" : mode === "wrap" ? "F.pad(mode='circular')" : "a padding";
    c.fail("UNSUPPORTED_OP", `Pad mode '${printable(mode, 40)}' (PyTorch's ${torch}); netsize supports constant padding (nn.ZeroPad2d, nn.ConstantPad2d)`);
  }
  const old = c.state.opset < 11;
  let pads = old ? c.attrs.ints("pads") ?? [] : Array.from(c.constant(1, "pads").data);
  const value = old ? c.attrs.float("value", 0) : c.optConstant(2, "constant_value")?.data[0] ?? 0;
  const r = c.rank(x);
  const axesT = old ? undefined : c.optConstant(3, "axes");
  if (axesT) {
    const full = new Array<number>(2 * r).fill(0);
    Array.from(axesT.data).forEach((a, q) => {
      const ax = a < 0 ? a + r : a;
      full[ax] = pads[q]!;
      full[ax + r] = pads[q + axesT.data.length]!;
    });
    pads = full;
  }
  if (pads.length !== 2 * r) c.fail("BAD_MODEL", `Pad has ${pads.length} pads for a rank-${r} tensor`);
  // A zero Pad is a no-op, except in netsize's own files where it is a layer of its own.
  if (pads.every((p) => p === 0) && c.group === undefined) return [x];
  image(c, x);
  if (pads[0] || pads[1] || pads[4] || pads[5] || pads.some((p) => p < 0)) c.fail("UNSUPPORTED_OP", `Pad [${pads.join(",")}]; netsize pads the two spatial axes only, by non-negative amounts`);
  return [c.emit({ kind: "pad", pads: [pads[2]!, pads[3]!, pads[6]!, pads[7]!], value }, [x.id])];
}

/** MaxPool / AveragePool (2-D, no dilation, floor mode) and their Global forms. */
export function pool(c: NodeCtx): Value[] {
  const x0 = c.dyn(0);
  // nn.MaxPool1d / AvgPool1d on [C, L]: the 2-D pool of [C, 1, L] with a [1, k] window.
  const oneD = c.state.batched && x0.shape.length === 2;
  const x = oneD ? c.emit({ kind: "reshape", shape: [x0.shape[0]!, 1, x0.shape[1]!] }, [x0.id], "/as2d") : x0;
  const back = (y: DynValue): DynValue => (oneD ? c.emit({ kind: "reshape", shape: [y.shape[0]!, y.shape[2]!] }, [y.id]) : y);
  const [, H, W] = image(c, x);
  const kind = c.op.includes("Max") ? "maxpool" : "avgpool";
  if (c.op.startsWith("Global")) {
    return [back(c.emit({ kind, kernel: [H, W], stride: [1, 1], pads: [0, 0, 0, 0], ...(kind === "avgpool" ? { countIncludePad: false } : {}) }, [x.id], oneD ? "/pool" : ""))];
  }
  if (c.node.output && c.node.output.length > 1 && c.node.output[1]) c.fail("UNSUPPORTED_OP", "MaxPool with an Indices output (PyTorch's return_indices=True, as before nn.MaxUnpool2d)");
  const one = (name: string, def: number): [number, number] => (oneD ? pair1d(c, name, def) : pair(c, name, def));
  const kernel = one("kernel_shape", 1), stride = one("strides", 1), dil = one("dilations", 1);
  if (dil[0] !== 1 || dil[1] !== 1) c.fail("UNSUPPORTED_OP", `pooling with dilations [${dil.join(",")}]`);
  let pads: Pads2d;
  if (oneD && c.attrs.str("auto_pad", "NOTSET") === "NOTSET") pads = pads1d(c);
  else pads = spatialPads(c, [H, W], kernel, stride, dil);
  let countIncludePad = kind === "avgpool" && c.attrs.int("count_include_pad", 0) === 1;
  if (c.attrs.int("ceil_mode", 0)) {
    // ceil_mode=1 (nn.MaxPool2d(ceil_mode=True)): the last window may run past the input; it is kept when it starts
    // inside (input or left pad). That is floor mode with the missing cells added as bottom/right padding the window ignores.
    const extra = [0, 1].map((a) => {
      const n = [H, W][a]! + pads[a]! + pads[a + 2]!;
      let out = Math.ceil((n - kernel[a]!) / stride[a]!) + 1;
      if ((out - 1) * stride[a]! >= [H, W][a]! + pads[a]!) out--;
      return Math.max(0, (out - 1) * stride[a]! + kernel[a]! - n);
    });
    if (extra[0]! > 0 || extra[1]! > 0) {
      // Average pooling divides by the cells inside the input and explicit pads; with explicit pads counted that cannot be written as one pad.
      if (countIncludePad && pads.some((p) => p > 0)) c.fail("UNSUPPORTED_OP", "AveragePool with ceil_mode=1, count_include_pad=1 and explicit pads (PyTorch's nn.AvgPool2d(padding>0, ceil_mode=True)); re-export with ceil_mode=False");
      countIncludePad = false;
      pads = [pads[0], pads[1], pads[2] + extra[0]!, pads[3] + extra[1]!];
    }
  }
  return [back(c.emit({ kind, kernel, stride, pads, ...(kind === "avgpool" ? { countIncludePad } : {}) }, [x.id], oneD ? "/pool" : ""))];
}


