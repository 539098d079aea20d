// A trainable model: an architecture's parameters as TensorFlow.js variables, its forward pass
// (training or inference mode), and conversion of its values to and from float64 netsize layout.
import { tf } from "./tf.js";
import { Arch, ArchNode, ConvNode, DenseNode, affineNodes } from "./arch.js";
import { trainActivations } from "./activations.js";
import { AffineParams, NormParams, ParamSet, normNodes } from "./init/params.js";
import { NormVariables, batchNorm } from "./normalization.js";
import { conv2dOp, denseOp } from "./ops.js";
import { sizeOf } from "../core/network.js";

/** An architecture with its variables (dense W as [in, out], conv filters as [kh, kw, in, out]). */
export interface TrainModel {
  arch: Arch;
  weights: tf.Variable[];
  biases: tf.Variable[];
  norms: NormVariables[];
}

/** Dense [out][in] → [in, out]; conv [out][in][kh][kw] → [kh, kw, in, out] (float32). */
export function toTfLayout(node: DenseNode | ConvNode, w: Float64Array): { data: Float32Array; shape: number[] } {
  if (node.kind === "dense") {
    const { inSize: I, outSize: O } = node;
    const data = new Float32Array(I * O);
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) data[i * O + o] = w[o * I + i]!;
    return { data, shape: [I, O] };
  }
  const { inChannels: C, outChannels: O, kernel: [KH, KW] } = node;
  const data = new Float32Array(w.length);
  for (let o = 0; o < O; o++) for (let c = 0; c < C; c++) for (let a = 0; a < KH; a++) for (let b = 0; b < KW; b++) {
    data[((a * KW + b) * C + c) * O + o] = w[((o * C + c) * KH + a) * KW + b]!;
  }
  return { data, shape: [KH, KW, C, O] };
}

/** Inverse of toTfLayout, to float64. */
export function fromTfLayout(node: DenseNode | ConvNode, data: ArrayLike<number>): Float64Array {
  const w = new Float64Array(data.length);
  if (node.kind === "dense") {
    const { inSize: I, outSize: O } = node;
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) w[o * I + i] = data[i * O + o]!;
    return w;
  }
  const { inChannels: C, outChannels: O, kernel: [KH, KW] } = node;
  for (let o = 0; o < O; o++) for (let c = 0; c < C; c++) for (let a = 0; a < KH; a++) for (let b = 0; b < KW; b++) {
    w[((o * C + c) * KH + a) * KW + b] = data[((a * KW + b) * C + c) * O + o]!;
  }
  return w;
}

const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);

/** Create the variables of a model from float64 parameters (rounded to float32); without `outputBias` the last affine node's bias is a constant 0. */
export function createModel(arch: Arch, params: ParamSet, opts: { outputBias?: boolean } = {}): TrainModel {
  const affine = affineNodes(arch);
  const fixed = opts.outputBias === false ? affine.length - 1 : -1;
  const weights = affine.map((node, i) => {
    const { data, shape } = toTfLayout(node, params.affine[i]!.weight);
    return tf.variable(tf.tensor(data, shape), true);
  });
  const biases = affine.map((_, i) => (i === fixed
    ? tf.variable(tf.zeros([params.affine[i]!.bias.length]), false)
    : tf.variable(tf.tensor1d(f32(params.affine[i]!.bias)), true)));
  const norms = params.norm.map((p) => ({
    gamma: tf.variable(tf.tensor1d(f32(p.gamma)), true),
    beta: tf.variable(tf.tensor1d(f32(p.beta)), true),
    mean: tf.variable(tf.tensor1d(f32(p.mean)), false),
    scale: tf.variable(tf.tensor1d(f32(p.scale)), false),
  }));
  return { arch, weights, biases, norms };
}

/** Overwrite a model's variables with new float64 parameters (same architecture). */
export function assignParams(model: TrainModel, params: ParamSet): void {
  const affine = affineNodes(model.arch);
  tf.tidy(() => {
    affine.forEach((node, i) => {
      const { data, shape } = toTfLayout(node, params.affine[i]!.weight);
      model.weights[i]!.assign(tf.tensor(data, shape));
      model.biases[i]!.assign(tf.tensor1d(f32(params.affine[i]!.bias)));
    });
    params.norm.forEach((p, i) => {
      const v = model.norms[i]!;
      v.gamma.assign(tf.tensor1d(f32(p.gamma)));
      v.beta.assign(tf.tensor1d(f32(p.beta)));
      v.mean.assign(tf.tensor1d(f32(p.mean)));
      v.scale.assign(tf.tensor1d(f32(p.scale)));
    });
  });
}

/** The trainable variables in a fixed order: weights, biases, then γ and β of each norm. */
export function trainables(model: TrainModel): tf.Variable[] {
  return [...model.weights, ...model.biases.filter((b) => b.trainable), ...model.norms.flatMap((n) => [n.gamma, n.beta])];
}

/** Every variable (trainable and running statistics), in the checkpoint order. */
export function allVariables(model: TrainModel): tf.Variable[] {
  return [...trainables(model), ...model.norms.flatMap((n) => [n.mean, n.scale])];
}

/** Read a model's values back as float64 parameters in netsize layout. */
export function readParams(model: TrainModel): ParamSet {
  const affine = affineNodes(model.arch);
  const aff: AffineParams[] = affine.map((node, i) => ({
    weight: fromTfLayout(node, model.weights[i]!.dataSync()),
    bias: Float64Array.from(model.biases[i]!.dataSync()),
  }));
  const norm: NormParams[] = model.norms.map((v) => ({
    gamma: Float64Array.from(v.gamma.dataSync()),
    beta: Float64Array.from(v.beta.dataSync()),
    mean: Float64Array.from(v.mean.dataSync()),
    scale: Float64Array.from(v.scale.dataSync()),
  }));
  return { affine: aff, norm };
}

/** Options of a forward pass. */
export interface ForwardOptions {
  training: boolean;
  /** Seed of the dropout masks of this pass (each dropout node adds its index). */
  dropoutSeed?: number;
}

/**
 * The forward pass of a batch x [N, inputSize] (features in netsize's flat C,H,W order) to
 * [N, outputSize]. Images run as NHWC inside and are flattened back in C,H,W order, so exported
 * dense weights line up with netsize's flatten.
 */
export function forward(model: TrainModel, x: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D {
  const { arch } = model;
  const n = x.shape[0];
  let input: tf.Tensor = x;
  if (arch.inputShape.length === 3) {
    const [c, h, w] = arch.inputShape as [number, number, number];
    input = tf.transpose(tf.reshape(x, [n, c, h, w]), [0, 2, 3, 1]);
  }
  const values: tf.Tensor[] = [];
  let affineIdx = 0, normIdx = 0;
  const at = (i: number): tf.Tensor => (i === -1 ? input : values[i]!);
  arch.nodes.forEach((node: ArchNode, k) => {
    const a = at(node.inputs[0]!);
    const fromInput = node.inputs[0] === -1;
    let y: tf.Tensor;
    switch (node.kind) {
      case "dense":
        y = denseOp(a as tf.Tensor2D, model.weights[affineIdx] as tf.Tensor2D, model.biases[affineIdx] as tf.Tensor1D, !fromInput);
        affineIdx++;
        break;
      case "conv2d":
        y = conv2dOp(a as tf.Tensor4D, model.weights[affineIdx] as tf.Tensor4D, model.biases[affineIdx] as tf.Tensor1D,
          { stride: node.stride, pads: node.pads }, !fromInput);
        affineIdx++;
        break;
      case "norm": y = batchNorm(a, node.norm, model.norms[normIdx++]!, opts.training); break;
      case "activation": y = trainActivations[node.fn].apply(a, node.params); break;
      case "dropout":
        y = opts.training && node.rate > 0 ? tf.dropout(a, node.rate, undefined, ((opts.dropoutSeed ?? 0) + 7919 * k) >>> 0) : a;
        break;
      case "add": y = tf.add(a, at(node.inputs[1]!)); break;
      case "maxpool": y = tf.maxPool(a as tf.Tensor4D, node.kernel, node.stride, "valid"); break;
      case "avgpool": y = tf.avgPool(a as tf.Tensor4D, node.kernel, node.stride, "valid"); break;
      case "flatten":
        y = a.rank === 4 ? tf.reshape(tf.transpose(a, [0, 3, 1, 2]), [n, sizeOf(node.shape)]) : tf.reshape(a, [n, sizeOf(node.shape)]);
        break;
    }
    values.push(y);
  });
  return values[values.length - 1] as tf.Tensor2D;
}

/** Predictions in inference mode, in chunks (no gradients, no variable updates). */
export function predict(model: TrainModel, x: tf.Tensor2D, chunk = 2048): tf.Tensor2D {
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let i = 0; i < x.shape[0]; i += chunk) {
      const b = Math.min(chunk, x.shape[0] - i);
      parts.push(forward(model, tf.slice(x, [i, 0], [b, x.shape[1]]), { training: false }));
    }
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
  });
}

/** Free a model's variables. */
export function disposeModel(model: TrainModel): void {
  tf.dispose(allVariables(model));
}

export { normNodes };
