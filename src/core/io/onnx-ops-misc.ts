// Converters for activations, shape manipulation and constants.
import { ActivationName } from "../activations.js";
import { printable } from "../errors.js";
import { ActivationOp } from "../network.js";
import { fuseElementwise } from "./fuse.js";
import { DynValue, NodeCtx, Value, constant, fromFloat32 } from "./onnx-context.js";
import { axisOf, concat, gather, numel, reshapeDims, slice, transpose } from "./onnx-const.js";
import { Tensor } from "./onnx-tensor.js";
import { isTerminal, outputTransform } from "./onnx-ops-output.js";
import { dynamicShapeOp, maxOfScaled, preluPerChannel } from "./onnx-ops-torch.js";

/** float32's largest value: exporters write it for "no bound". */
const FLT_MAX = 3.4028234663852886e38;

function activation(c: NodeCtx, x: DynValue, fn: ActivationName, params: Omit<ActivationOp, "kind" | "fn"> = {}): DynValue {
  return fuseElementwise(c, c.emit({ kind: "activation", fn, ...params }, [x.id]));
}

const SIMPLE: Record<string, ActivationName> = {
  Relu: "relu", Abs: "abs", Tanh: "tanh", Sigmoid: "sigmoid", Softplus: "softplus",
};

const UNARY_FOLD: Record<string, (v: number) => number> = {
  Relu: (v) => Math.max(0, v), Abs: Math.abs, Tanh: Math.tanh, Sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  Sqrt: Math.sqrt, Reciprocal: (v) => 1 / v, Exp: Math.exp, Log: Math.log, Floor: Math.floor, Ceil: Math.ceil,
};

/** Constant folding of unary ops. */
export function unaryConst(c: NodeCtx): Value[] {
  const t = c.constant(0);
  return [{ kind: "const", t: { dims: t.dims, data: t.data.map(UNARY_FOLD[c.op]!) } }];
}

/** Relu, Abs, Tanh, Sigmoid, Softplus, LeakyRelu, Elu, Gelu, PRelu, Erf. */
export function act(c: NodeCtx): Value[] {
  const v = c.need(0);
  if (v.kind === "const") {
    if (UNARY_FOLD[c.op]) return unaryConst(c);
    c.fail("UNSUPPORTED_OP", `${c.op} of a constant`);
  }
  if (c.op === "Sigmoid" && isTerminal(c)) return outputTransform(c);
  const simple = SIMPLE[c.op];
  if (simple) return [activation(c, v, simple)];
  switch (c.op) {
    case "LeakyRelu": return [activation(c, v, "leakyrelu", { alpha: fromFloat32(c.attrs.float("alpha", 0.01)) })];
    case "Elu": return [activation(c, v, "elu", { alpha: fromFloat32(c.attrs.float("alpha", 1)) })];
    case "PRelu": {
      const slope = c.constant(1, "the slope");
      if (slope.data.some((s) => !Number.isFinite(s))) c.fail("BAD_WEIGHTS", "PRelu slope is NaN or infinite; fix the export");
      if (!slope.data.every((s) => s === slope.data[0])) return [preluPerChannel(c, v, slope)];
      return [activation(c, v, "leakyrelu", { alpha: slope.data[0]! })];
    }
    case "Gelu": {
      const approx = c.attrs.str("approximate", "none");
      if (approx !== "none") c.fail("UNSUPPORTED_OP", `Gelu with approximate='${printable(approx, 40)}'; netsize supports the exact (erf) GELU`);
      return [activation(c, v, "gelu")];
    }
    case "Erf": return [fuseElementwise(c, c.emit({ kind: "erf" }, [v.id]))];
  }
  return c.fail("UNSUPPORTED_OP", `${c.op} is not an activation netsize knows`);
}

/** Clips emitted as a ReLU between two shifts, by output node id, so a later clip can merge with them. */
const oneSided = new WeakMap<object, Map<number, { src: number; lo: number; hi: number }>>();

/** The clip a node applies to its source: ReLU is [0, ∞), hard tanh [min, max], or a recorded one-sided clip. */
function clipOf(c: NodeCtx, id: number): { src: number; lo: number; hi: number } | undefined {
  if (id < 0) return undefined;
  const n = c.state.ir.nodes[id]!;
  if (n.op.kind === "activation" && n.op.fn === "relu") return { src: n.inputs[0]!, lo: 0, hi: Infinity };
  if (n.op.kind === "activation" && n.op.fn === "hardtanh") return { src: n.inputs[0]!, lo: n.op.min ?? -1, hi: n.op.max ?? 1 };
  return oneSided.get(c.state)?.get(id);
}

/** Emit a clip to [lo, hi] (either may be infinite): hard tanh, ReLU, identity, or a shifted ReLU. */
function clip(c: NodeCtx, x: DynValue, lo: number, hi: number): DynValue {
  // NaN compares false everywhere: unchecked, a NaN bound would silently drop the clip.
  if (Number.isNaN(lo) || Number.isNaN(hi)) c.fail("BAD_WEIGHTS", `${c.op} bound is NaN (min ${lo}, max ${hi}); fix the export`);
  if (lo > hi) c.fail("UNSUPPORTED_OP", `Clip with min ${lo} > max ${hi} (a constant output)`);
  // clip(clip(x, a, b), c, d) = clip(x, max(a, c), min(b, d)) while the intervals overlap (ReLU6 written as Min(Relu(x), 6)).
  const inner = c.group === undefined ? clipOf(c, x.id) : undefined;
  if (inner && Math.max(lo, inner.lo) <= Math.min(hi, inner.hi)) {
    return clip(c, { kind: "dyn", id: inner.src, shape: x.shape }, Math.max(lo, inner.lo), Math.min(hi, inner.hi));
  }
  const fin = (v: number): boolean => Number.isFinite(v) && Math.abs(v) !== FLT_MAX;
  if (fin(lo) && fin(hi)) return activation(c, x, "hardtanh", { min: lo, max: hi });
  if (lo === 0 && !fin(hi)) return activation(c, x, "relu");
  if (!fin(lo) && !fin(hi)) return x;
  // One-sided clips are a ReLU between two shifts: max(x, m) = relu(x - m) + m; min(x, M) = M - relu(M - x).
  const n = x.shape[0]!;
  const uni = (v: number): Float64Array => new Float64Array(n).fill(v);
  const s = fin(lo) ? 1 : -1, m = fin(lo) ? lo : hi;
  const pre = c.emit({ kind: "scale", perChannel: true, scale: uni(s), shift: uni(-s * m) }, [x.id], "/pre");
  const r = c.emit({ kind: "activation", fn: "relu" }, [pre.id], "/relu");
  const out = c.emit({ kind: "scale", perChannel: true, scale: uni(s), shift: uni(m) }, [r.id]);
  if (!oneSided.has(c.state)) oneSided.set(c.state, new Map());
  oneSided.get(c.state)!.set(out.id, { src: x.id, lo: fin(lo) ? lo : -Infinity, hi: fin(hi) ? hi : Infinity });
  return out;
}

/** Clip (attributes before opset 11, constant inputs after). */
export function clipOp(c: NodeCtx): Value[] {
  const x = c.dyn(0);
  let lo: number, hi: number;
  if (c.state.opset < 11) {
    lo = c.attrs.float("min", -Infinity);
    hi = c.attrs.float("max", Infinity);
    lo = lo <= -FLT_MAX ? -Infinity : fromFloat32(lo);
    hi = hi >= FLT_MAX ? Infinity : fromFloat32(hi);
  } else {
    lo = c.optConstant(1, "min")?.data[0] ?? -Infinity;
    hi = c.optConstant(2, "max")?.data[0] ?? Infinity;
  }
  return [clip(c, x, lo, hi)];
}

/** Max / Min of a tensor and a scalar constant: one-sided clips (Max(x, 0) is ReLU). */
export function maxMin(c: NodeCtx): Value[] {
  const ins = (c.node.input ?? []).map((_, i) => c.need(i));
  const dyn = ins.filter((v): v is DynValue => v.kind === "dyn");
  const consts = ins.filter((v) => v.kind === "const").map((v) => (v as { t: Tensor }).t);
  if (consts.some((t) => t.data.some((v) => Number.isNaN(v)))) c.fail("BAD_WEIGHTS", `${c.op} with a NaN constant; fix the export`);
  if (c.op === "Max" && dyn.length === 2 && consts.length === 0) {
    const m = maxOfScaled(c, dyn[0]!, dyn[1]!);
    if (m) return [m];
  }
  if (dyn.length !== 1 || consts.some((t) => !t.data.every((v) => v === t.data[0]))) {
    c.fail("UNSUPPORTED_OP", `${c.op} of ${dyn.length} computed tensors (PyTorch's torch.${c.op === "Max" ? "maximum" : "minimum"}); netsize supports ${c.op} of one tensor and scalar constants (a clip), and torch.maximum(x, a·x) (a leaky ReLU)`);
  }
  const vals = consts.map((t) => t.data[0]!);
  const m = vals.reduce((a, b) => (c.op === "Max" ? Math.max(a, b) : Math.min(a, b)), c.op === "Max" ? -Infinity : Infinity);
  return [c.op === "Max" ? clip(c, dyn[0]!, m, Infinity) : clip(c, dyn[0]!, -Infinity, m)];
}

function reshapeTo(c: NodeCtx, x: DynValue, shape: number[]): DynValue {
  if (shape.length === 0) c.fail("UNSUPPORTED_OP", "a per-sample scalar; netsize needs at least one axis per sample");
  return c.emit({ kind: "reshape", shape }, [x.id]);
}

/** Flatten: the batched form [batch, ...] → [batch, n] is a flatten layer. */
export function flatten(c: NodeCtx): Value[] {
  const v = c.need(0);
  const axis = c.attrs.int("axis", 1);
  if (v.kind === "const") {
    const a = axis < 0 ? axis + v.t.dims.length : axis;
    return [{ kind: "const", t: { dims: [numel(v.t.dims.slice(0, a)), numel(v.t.dims.slice(a))], data: v.t.data } }];
  }
  if (c.state.batched) {
    if (axis !== 1 && axis !== -c.rank(v)) {
      const a = axis < 0 ? axis + c.rank(v) : axis;
      if (a !== 1) c.fail("UNSUPPORTED_OP", `Flatten with axis ${axis} mixes the batch axis with the sample's axes; netsize needs axis=1`);
    }
    return [c.emit({ kind: "flatten" }, [v.id])];
  }
  const a = axis < 0 ? axis + v.shape.length : axis;
  return [reshapeTo(c, v, [numel(v.shape.slice(0, a)), numel(v.shape.slice(a))])];
}

/** Reshape: constants fold; for a batched tensor the first target entry must keep the batch axis. */
export function reshape(c: NodeCtx): Value[] {
  const v = c.need(0);
  const target = Array.from(c.state.opset < 5 ? c.attrs.ints("shape") ?? [] : c.constant(1, "the target shape").data);
  const allowZero = c.attrs.int("allowzero", 0) === 1;
  const ctx = { file: c.state.file, node: c.where };
  if (v.kind === "const") return [{ kind: "const", t: { dims: reshapeDims(v.t.dims, target, allowZero, ctx), data: v.t.data } }];
  if (!c.state.batched) return [reshapeTo(c, v, reshapeDims(v.shape, target, allowZero, ctx))];
  const rest = target.slice(1);
  if (![0, 1, -1].includes(target[0]!) || (target[0] === -1 && rest.includes(-1))) {
    c.fail("UNSUPPORTED_OP", `Reshape to [${target.join(",")}] changes the batch axis; netsize needs the first entry to keep it (0, -1 or 1)`);
  }
  return [reshapeTo(c, v, reshapeDims(v.shape, rest.map((d, k) => (d === 0 && !allowZero ? v.shape[k]! : d)), allowZero, ctx))];
}

function axesOf(c: NodeCtx, i: number): number[] | undefined {
  return c.state.opset >= 13 ? (c.optConstant(i, "axes") ? Array.from(c.constant(i).data) : undefined) : c.attrs.ints("axes");
}

/** Squeeze / Unsqueeze: constants fold; on tensors a reshape (never of the batch axis). */
export function squeeze(c: NodeCtx): Value[] {
  const v = c.need(0);
  const axes = axesOf(c, 1);
  const dims = v.kind === "const" ? v.t.dims : c.fullDims(v);
  let out: number[];
  const ctx = { file: c.state.file, node: c.where };
  if (c.op === "Unsqueeze") {
    const r = dims.length + (axes?.length ?? 0);
    const set = new Set((axes ?? []).map((a) => axisOf(a, r, ctx)));
    out = [];
    let j = 0;
    for (let k = 0; k < r; k++) out.push(set.has(k) ? 1 : dims[j++]!);
  } else {
    const set = new Set((axes ?? dims.flatMap((d, k) => (d === 1 ? [k] : []))).map((a) => axisOf(a, dims.length, ctx)));
    if (v.kind === "dyn" && c.state.batched) set.delete(0);
    out = dims.filter((_, k) => !set.has(k));
  }
  if (v.kind === "const") return [{ kind: "const", t: { dims: out, data: v.t.data } }];
  if (c.state.batched && out[0] !== 1) c.fail("UNSUPPORTED_OP", `${c.op} would move the batch axis`);
  return [reshapeTo(c, v, c.state.batched ? out.slice(1) : out)];
}

/** Shape, Gather, Concat, Cast, Slice, Transpose, Constant, ConstantOfShape on constants. */
export function constantOp(c: NodeCtx): Value[] {
  const ctx = { file: c.state.file, node: c.where };
  switch (c.op) {
    case "Constant": {
      const t = c.attrs.tensor("value");
      if (t) return [{ kind: "const", t }];
      if (c.attrs.has("value_float")) return [constant([], [c.attrs.float("value_float", 0)])];
      if (c.attrs.has("value_int")) return [constant([], [c.attrs.int("value_int", 0)])];
      const l = c.attrs.ints("value_ints");
      if (l) return [constant([l.length], l)];
      return c.fail("UNSUPPORTED_OP", `Constant with attribute ${c.attrs.names().join(",")}; netsize reads value, value_float(s), value_int(s)`);
    }
    case "Shape": {
      const v = c.need(0);
      let dims = v.kind === "const" ? v.t.dims : c.fullDims(v);
      const r = dims.length;
      const start = c.attrs.int("start", 0), end = c.attrs.int("end", r);
      dims = dims.slice(start < 0 ? start + r : start, end < 0 ? end + r : end);
      return [constant([dims.length], dims)];
    }
    case "ConstantOfShape": {
      const dims = Array.from(c.constant(0).data);
      const fill = c.attrs.tensor("value")?.data[0] ?? 0;
      return [constant(dims, new Float64Array(numel(dims)).fill(fill))];
    }
    case "Gather": if (c.need(0).kind === "dyn") dynamicShapeOp(c); return [{ kind: "const", t: gather(c.constant(0), c.constant(1), c.attrs.int("axis", 0), ctx) }];
    case "Concat": {
      if ((c.node.input ?? []).some((_, i) => c.need(i).kind === "dyn")) dynamicShapeOp(c);
      const ts = (c.node.input ?? []).map((_, i) => c.constant(i));
      return [{ kind: "const", t: concat(ts, c.attrs.int("axis", 0), ctx) }];
    }
    case "Cast": {
      const t = c.constant(0);
      const to = c.attrs.int("to", 1);
      const isFloat = to === 1 || to === 10 || to === 11 || to === 16;
      return [{ kind: "const", t: { dims: t.dims, data: isFloat ? (to === 11 ? t.data : t.data.map(Math.fround)) : t.data.map(Math.trunc) } }];
    }
    case "Slice": {
      if (c.need(0).kind === "dyn") dynamicShapeOp(c);
      const t = c.constant(0);
      if (c.state.opset < 10) {
        return [{ kind: "const", t: slice(t, c.attrs.ints("starts") ?? [], c.attrs.ints("ends") ?? [], c.attrs.ints("axes"), undefined, ctx) }];
      }
      const arr = (i: number): number[] | undefined => { const x = c.optConstant(i); return x ? Array.from(x.data) : undefined; };
      return [{ kind: "const", t: slice(t, arr(1) ?? [], arr(2) ?? [], arr(3), arr(4), ctx) }];
    }
    case "Transpose": {
      const v = c.need(0);
      if (v.kind === "dyn") {
        const perm = c.attrs.ints("perm");
        const id = perm?.every((p, k) => p === k);
        if (id) return [v];
        dynamicShapeOp(c);
      }
      return [{ kind: "const", t: transpose(v.t, c.attrs.ints("perm")) }];
    }
  }
  return c.fail("UNSUPPORTED_OP", `${c.op}`);
}

/** Identity and Dropout (inference): pass the input through. */
export function passThrough(c: NodeCtx): Value[] {
  const v = c.need(0);
  // In netsize's own files an Identity node is an identity activation layer; elsewhere it is a no-op.
  if (c.group !== undefined && c.op === "Identity" && v.kind === "dyn") return [c.emit({ kind: "activation", fn: "identity" }, [v.id])];
  return [v];
}
