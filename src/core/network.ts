import { ActivationName, ActivationParams, activations, isActivationName } from "./activations.js";
import { fail, printable } from "./errors.js";

/** Per-sample tensor shape (no batch dimension); data is stored flat, row-major (C,H,W for images). */
export type Shape = readonly number[];

/** Padding as [top, left, bottom, right]. */
export type Pads2d = readonly [number, number, number, number];

/** y = W x + b, W row-major [outSize][inSize]. */
export interface DenseOp {
  kind: "dense";
  inSize: number;
  outSize: number;
  weight: Float64Array;
  bias: Float64Array;
}

/** 2-D convolution (groups = 1) on C×H×W input; weight [out][in][kh][kw]. */
export interface Conv2dOp {
  kind: "conv2d";
  inChannels: number;
  outChannels: number;
  kernel: readonly [number, number];
  stride: readonly [number, number];
  pads: Pads2d;
  dilation: readonly [number, number];
  weight: Float64Array;
  bias: Float64Array;
}

/** Element-wise affine y = x·scale + shift, per channel (axis 0 of the shape) or per element; what folded normalisation leaves when it cannot be merged. */
export interface ScaleOp {
  kind: "scale";
  perChannel: boolean;
  scale: Float64Array;
  shift: Float64Array;
}

/** Element-wise activation. */
export interface ActivationOp extends ActivationParams {
  kind: "activation";
  fn: ActivationName;
}

/** Flatten to a vector (no-op on the flat data). */
export interface FlattenOp {
  kind: "flatten";
}

/** Reinterpret the flat data with another shape of the same size. */
export interface ReshapeOp {
  kind: "reshape";
  shape: Shape;
}

/** Constant padding of the two spatial axes of C×H×W. */
export interface PadOp {
  kind: "pad";
  pads: Pads2d;
  value: number;
}

/** Max or average pooling over the spatial axes of C×H×W. */
export interface PoolOp {
  kind: "maxpool" | "avgpool";
  kernel: readonly [number, number];
  stride: readonly [number, number];
  pads: Pads2d;
  /** AveragePool: count padded cells in the divisor (ONNX count_include_pad). */
  countIncludePad?: boolean;
}

/** Element-wise sum of two inputs of equal shape (residual connection). */
export interface AddOp {
  kind: "add";
}

/** Any operation a layer can perform. */
export type Op = DenseOp | Conv2dOp | ScaleOp | ActivationOp | FlattenOp | ReshapeOp | PadOp | PoolOp | AddOp;

/** A layer as given to createNetwork: an op, its inputs (indices of earlier layers; -1 = network input), optional name. */
export type LayerSpec = Op & { name?: string; inputs?: number[] };

/** A validated layer: op plus name, inputs and computed per-sample output shape. */
export type Layer = Op & { name: string; inputs: number[]; shape: Shape };

/** A feedforward network: a DAG of layers in topological order; the last layer is the output. */
export interface Network {
  readonly inputShape: Shape;
  readonly layers: readonly Layer[];
  /** Free-form provenance (source file, training config). */
  readonly meta: Record<string, unknown>;
}

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Output size (flat) of the network. */
export function outputSize(net: Network): number {
  return sizeOf(net.layers[net.layers.length - 1]!.shape);
}

/** Input size (flat) of the network. */
export function inputSize(net: Network): number {
  return sizeOf(net.inputShape);
}

function poolOut(n: number, k: number, s: number, p0: number, p1: number, d = 1): number {
  return Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

function checkFinite(a: Float64Array, what: string, name: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) fail("BAD_WEIGHTS", `${what}[${i}] is ${a[i]}; every weight must be finite — retrain or fix the export`, { node: name });
  }
}

function expectLen(a: Float64Array, n: number, what: string, name: string): void {
  if (!(a instanceof Float64Array)) fail("SHAPE_MISMATCH", `${what} must be a Float64Array`, { node: name });
  if (a.length !== n) fail("SHAPE_MISMATCH", `${what} has ${a.length} values, expected ${n}`, { node: name });
  checkFinite(a, what, name);
}

/** A count (channels, kernel size, stride, dilation) must be a positive integer; with `zero`, a non-negative one (a dense layer may have 0 units: compression deletes every constant unit). */
function positive(v: unknown, what: string, name: string, zero = false): void {
  if (!(typeof v === "number" && Number.isInteger(v) && v >= (zero ? 0 : 1))) fail("BAD_MODEL", `${what} is ${String(v)}; it must be a ${zero ? "non-negative" : "positive"} integer — fix the export`, { node: name });
}

/** A list of `n` positive (or, with `zero`, non-negative) integers: kernels, strides, dilations, pads. */
function integers(v: unknown, n: number, what: string, name: string, zero = false): void {
  if (!Array.isArray(v) || v.length !== n) fail("BAD_MODEL", `${what} must be a list of ${n} integers, got ${printable(JSON.stringify(v), 60)}`, { node: name });
  for (const x of v) {
    if (!(typeof x === "number" && Number.isInteger(x) && x >= (zero ? 0 : 1))) {
      fail("BAD_MODEL", `${what} [${v.join(",")}] has ${String(x)}; each must be a ${zero ? "non-negative" : "positive"} integer — fix the export`, { node: name });
    }
  }
}

/** A scalar parameter (slope, clip bound, pad value) must be a finite number. */
function finiteParam(v: unknown, what: string, name: string): void {
  if (!(typeof v === "number" && Number.isFinite(v))) fail("BAD_WEIGHTS", `${what} is ${String(v)}; it must be a finite number — fix the export (a NaN or infinite parameter makes every bound and slope NaN)`, { node: name });
}

/** Pooling and convolution windows: a pad as large as the kernel makes windows of padding only (onnxruntime rejects it; max pooling would give −∞). */
function padsBelowKernel(pads: Pads2d, kernel: readonly [number, number], name: string, kind: string): void {
  if (pads[0] >= kernel[0] || pads[2] >= kernel[0] || pads[1] >= kernel[1] || pads[3] >= kernel[1]) {
    fail("BAD_MODEL", `${kind} pads [${pads.join(",")}] are not all smaller than the kernel ${kernel.join("×")}: some windows would hold padding only; fix the export`, { node: name });
  }
}

function chw(shape: Shape, name: string, kind: string): [number, number, number] {
  if (shape.length !== 3) fail("SHAPE_MISMATCH", `${kind} needs a C×H×W input, got [${shape.join(",")}]`, { node: name });
  return [shape[0]!, shape[1]!, shape[2]!];
}

/** Infer and check the output shape of one layer from its input shapes. */
export function inferShape(op: Op, ins: Shape[], name: string): Shape {
  const x = ins[0]!;
  switch (op.kind) {
    case "dense":
      positive(op.inSize, "dense inSize", name, true);
      positive(op.outSize, "dense outSize", name, true);
      if (sizeOf(x) !== op.inSize || x.length !== 1) {
        fail("SHAPE_MISMATCH", `dense expects a vector of ${op.inSize}, got [${x.join(",")}] (add a flatten first)`, { node: name });
      }
      expectLen(op.weight, op.inSize * op.outSize, "weight", name);
      expectLen(op.bias, op.outSize, "bias", name);
      return [op.outSize];
    case "conv2d": {
      const [c, h, w] = chw(x, name, "conv2d");
      positive(op.inChannels, "conv2d inChannels", name);
      positive(op.outChannels, "conv2d outChannels", name);
      integers(op.kernel, 2, "conv2d kernel", name);
      integers(op.stride, 2, "conv2d stride", name);
      integers(op.dilation, 2, "conv2d dilation", name);
      integers(op.pads, 4, "conv2d pads", name, true);
      if (c !== op.inChannels) fail("SHAPE_MISMATCH", `conv2d expects ${op.inChannels} channels, got ${c}`, { node: name });
      expectLen(op.weight, op.outChannels * op.inChannels * op.kernel[0] * op.kernel[1], "weight", name);
      expectLen(op.bias, op.outChannels, "bias", name);
      const oh = poolOut(h, op.kernel[0], op.stride[0], op.pads[0], op.pads[2], op.dilation[0]);
      const ow = poolOut(w, op.kernel[1], op.stride[1], op.pads[1], op.pads[3], op.dilation[1]);
      if (oh < 1 || ow < 1) fail("SHAPE_MISMATCH", `conv2d output would be ${oh}×${ow}`, { node: name });
      return [op.outChannels, oh, ow];
    }
    case "scale": {
      const n = op.perChannel ? x[0] ?? 1 : sizeOf(x);
      expectLen(op.scale, n, "scale", name);
      expectLen(op.shift, n, "shift", name);
      return x;
    }
    case "activation":
      if (!isActivationName(op.fn)) fail("UNSUPPORTED_OP", `unknown activation '${printable(op.fn, 40)}'`, { node: name });
      if (op.alpha !== undefined) finiteParam(op.alpha, `${op.fn} alpha`, name);
      if (op.min !== undefined) finiteParam(op.min, `${op.fn} min`, name);
      if (op.max !== undefined) finiteParam(op.max, `${op.fn} max`, name);
      if (op.fn === "hardtanh" && (op.min ?? -1) > (op.max ?? 1)) {
        fail("BAD_MODEL", `hard tanh (Clip) min ${op.min ?? -1} is above its max ${op.max ?? 1}; fix the export`, { node: name });
      }
      return x;
    case "flatten":
      return [sizeOf(x)];
    case "reshape":
      if (!Array.isArray(op.shape) || op.shape.length === 0) fail("BAD_MODEL", `reshape needs a target shape, got ${printable(JSON.stringify(op.shape), 60)}`, { node: name });
      integers(op.shape, op.shape.length, "reshape shape", name);
      if (sizeOf(op.shape) !== sizeOf(x)) fail("SHAPE_MISMATCH", `reshape from [${x.join(",")}] to [${op.shape.join(",")}]`, { node: name });
      return [...op.shape];
    case "pad": {
      const [c, h, w] = chw(x, name, "pad");
      integers(op.pads, 4, "pad pads", name, true);
      finiteParam(op.value, "pad value", name);
      return [c, h + op.pads[0] + op.pads[2], w + op.pads[1] + op.pads[3]];
    }
    case "maxpool":
    case "avgpool": {
      const [c, h, w] = chw(x, name, op.kind);
      integers(op.kernel, 2, `${op.kind} kernel`, name);
      integers(op.stride, 2, `${op.kind} stride`, name);
      integers(op.pads, 4, `${op.kind} pads`, name, true);
      padsBelowKernel(op.pads, op.kernel, name, op.kind);
      const oh = poolOut(h, op.kernel[0], op.stride[0], op.pads[0], op.pads[2]);
      const ow = poolOut(w, op.kernel[1], op.stride[1], op.pads[1], op.pads[3]);
      if (oh < 1 || ow < 1) fail("SHAPE_MISMATCH", `${op.kind} output would be ${oh}×${ow}`, { node: name });
      return [c, oh, ow];
    }
    case "add": {
      if (ins.length !== 2) fail("SHAPE_MISMATCH", `add needs 2 inputs, got ${ins.length}`, { node: name });
      const y = ins[1]!;
      if (x.length !== y.length || x.some((d, i) => d !== y[i])) {
        fail("SHAPE_MISMATCH", `add of [${x.join(",")}] and [${y.join(",")}]`, { node: name });
      }
      return x;
    }
    default:
      // From a file (JSON) any kind can arrive; without this the layer would have no shape.
      return fail("UNSUPPORTED_OP", `unknown layer kind '${printable((op as { kind: unknown }).kind, 40)}'; netsize layers are dense, conv2d, scale, activation, flatten, reshape, pad, maxpool, avgpool, add`, { node: name });
  }
}

/** Build and validate a network: shapes are inferred layer by layer and every weight is checked finite. */
export function createNetwork(inputShape: Shape, specs: readonly LayerSpec[], meta: Record<string, unknown> = {}): Network {
  if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    fail("SHAPE_MISMATCH", `input shape [${inputShape.join(",")}] must be positive integers`);
  }
  if (specs.length === 0) fail("BAD_MODEL", "a network needs at least one layer");
  const layers: Layer[] = [];
  specs.forEach((spec, i) => {
    const name = spec.name ?? `${spec.kind}_${i}`;
    const inputs = spec.inputs ?? [i - 1];
    for (const j of inputs) {
      if (!Number.isInteger(j) || j < -1 || j >= i) fail("BAD_MODEL", `input ${j} is not an earlier layer`, { node: name });
    }
    const ins = inputs.map((j) => (j === -1 ? inputShape : layers[j]!.shape));
    const { name: _n, inputs: _i, ...op } = spec;
    const shape = inferShape(op as Op, ins, name);
    layers.push({ ...(op as Op), name, inputs, shape } as Layer);
  });
  return { inputShape: [...inputShape], layers, meta };
}

/** Shorthand: a multilayer perceptron from widths [in, h1, ..., out] and dense weights, with `act` between layers. */
export function mlp(
  widths: readonly number[],
  weights: readonly { weight: Float64Array; bias: Float64Array }[],
  act: ActivationName = "relu",
  meta: Record<string, unknown> = {},
): Network {
  if (weights.length !== widths.length - 1) fail("SHAPE_MISMATCH", `${widths.length} widths need ${widths.length - 1} weight pairs`);
  const specs: LayerSpec[] = [];
  weights.forEach((w, l) => {
    specs.push({ kind: "dense", inSize: widths[l]!, outSize: widths[l + 1]!, weight: w.weight, bias: w.bias, name: `dense${l}` });
    if (l < weights.length - 1) specs.push({ kind: "activation", fn: act, name: `${act}${l}` });
  });
  return createNetwork([widths[0]!], specs, meta);
}

/** Why a network is not piecewise linear, naming its first smooth layer; undefined when it is. */
export function notPiecewiseLinear(net: Network): string | undefined {
  const i = net.layers.findIndex((l) => l.kind === "activation" && !activations[l.fn].piecewiseLinear);
  if (i < 0) return undefined;
  const l = net.layers[i]! as Layer & ActivationOp;
  return `layer ${i} '${printable(l.name, 60)}' is ${l.fn}, which is not piecewise linear`;
}

/** True when every layer is piecewise linear (exact lenses need this). */
export function isPiecewiseLinear(net: Network): boolean {
  return net.layers.every((l) => l.kind !== "activation" || activations[l.fn].piecewiseLinear);
}
