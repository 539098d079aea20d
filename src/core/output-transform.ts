// A network's output transform: a final Softmax, LogSoftmax or Sigmoid, kept beside the network
// (meta.outputTransform) rather than as a layer, so that every exact lens measures the logits before
// it (the transform is monotone per output, so classes and decisions are the logits' own), while the
// outputs a user sees (eval --outputs, exported files) are the probabilities the model computes.
import type { Network } from "./network.js";

/** The transforms netsize keeps at a network's output. */
export type OutputTransformKind = "softmax" | "logsoftmax" | "sigmoid";

/** What meta.outputTransform holds. */
export interface OutputTransform {
  kind: OutputTransformKind;
  /** The ONNX op it was read from (Softmax, LogSoftmax, Sigmoid). */
  op: string;
}

const KINDS: ReadonlySet<string> = new Set(["softmax", "logsoftmax", "sigmoid"]);
const OPS: Record<OutputTransformKind, string> = { softmax: "Softmax", logsoftmax: "LogSoftmax", sigmoid: "Sigmoid" };

/** The output transform recorded in the network's meta, or undefined. */
export function outputTransformOf(net: Network): OutputTransform | undefined {
  const t = net.meta.outputTransform as { kind?: unknown } | undefined;
  if (!t || typeof t !== "object" || typeof t.kind !== "string" || !KINDS.has(t.kind)) return undefined;
  return { kind: t.kind as OutputTransformKind, op: OPS[t.kind as OutputTransformKind] };
}

/** The ONNX op that computes a transform. */
export function transformOp(kind: OutputTransformKind): string {
  return OPS[kind];
}

/** Whether the transform turns logits into probabilities (Softmax, Sigmoid; not LogSoftmax). */
export function isProbability(t: OutputTransform | undefined): boolean {
  return t !== undefined && t.kind !== "logsoftmax";
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Apply a transform to n rows of m logits (a new array); softmax and log-softmax shift by each row's maximum. */
export function applyOutputTransform(t: OutputTransform | undefined, logits: Float64Array, m: number): Float64Array {
  if (!t) return logits;
  const out = new Float64Array(logits.length);
  if (t.kind === "sigmoid") {
    for (let k = 0; k < logits.length; k++) out[k] = sigmoid(logits[k]!);
    return out;
  }
  for (let r = 0; r + m <= logits.length; r += m) {
    let max = -Infinity;
    for (let j = 0; j < m; j++) if (logits[r + j]! > max) max = logits[r + j]!;
    let sum = 0;
    for (let j = 0; j < m; j++) sum += Math.exp(logits[r + j]! - max);
    if (t.kind === "softmax") for (let j = 0; j < m; j++) out[r + j] = Math.exp(logits[r + j]! - max) / sum;
    else { const ls = Math.log(sum); for (let j = 0; j < m; j++) out[r + j] = logits[r + j]! - max - ls; }
  }
  return out;
}
