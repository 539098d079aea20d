// The eval lens: classification accuracy of a network on a labelled data set, on the context's batch engine.
import { engineOf } from "../../core/engine/batch.js";
import { fail } from "../../core/errors.js";
import { LensContext, LensOptions, LensResultBase, since } from "../../core/lens.js";
import { inputSize, Network, outputSize } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";
import { applyOutputTransform, isProbability, outputTransformOf } from "../../core/output-transform.js";

/** Options of evaluate. */
export interface EvaluateOptions {
  /** Engine precision (default 64; 32 needs an engine that computes in float32, e.g. onnxruntime). */
  float?: 32 | 64;
  /** Samples per onnxruntime run (default: the engine's). */
  chunkSize?: number;
  /** A single output's decision threshold: class 1 when the output exceeds it (default 0.5 for a probability output — a final Sigmoid — else 0). */
  threshold?: number;
  /** Also return the network's outputs (after its output transform: the probabilities of a final Softmax/Sigmoid), row-major [n][m]. */
  outputs?: boolean;
}

/** The eval lens's options, each default stated once. */
export const EVAL_OPTIONS: LensOptions<EvaluateOptions> = {
  float: { default: 64, description: "engine precision: 64 (exact) or 32 (faster; needs the onnxruntime engine)" },
  chunkSize: { description: "samples per engine run (the engine's default when absent)" },
  threshold: { description: "single-output models: class 1 when the output exceeds this (default 0.5 when the model ends in a Sigmoid, else 0)" },
  outputs: { default: false, description: "also return every sample's outputs (probabilities when the model ends in Softmax/Sigmoid)" },
};

/** Accuracy of one class. */
export interface ClassAccuracy {
  label: number;
  n: number;
  correct: number;
  accuracy: number;
}

/** Classification accuracy of a network on a labelled data set (schema "netsize.eval/1"). */
export interface EvalResult extends LensResultBase {
  schema: "netsize.eval/1";
  data: string;
  n: number;
  correct: number;
  accuracy: number;
  /** Per true label present in the data. */
  perClass: ClassAccuracy[];
  /** confusion[label][predicted] counts, labels 0..classes-1. */
  confusion: number[][];
  classes: number;
  /** How a single output was decided (absent for several outputs: the first largest one wins). */
  decision?: { threshold: number; on: "probability" | "output" };
  /** The model's final Softmax/LogSoftmax/Sigmoid, when it has one (classes are decided on its outputs, which order like the logits). */
  outputTransform?: string;
  /** Every sample's outputs (with options.outputs), after the output transform; not serialised. */
  outputs?: Float64Array;
}

/** The predicted class of one output row: the first largest output, or for a single output 1 when it exceeds `threshold` (default 0). */
export function predictedClass(out: Float64Array, offset: number, m: number, threshold = 0): number {
  if (m === 1) return out[offset]! > threshold ? 1 : 0;
  let best = 0;
  for (let j = 1; j < m; j++) if (out[offset + j]! > out[offset + best]!) best = j;
  return best;
}

/** Classify every sample of `ds` with the context's batch engine (default: the float64 reference) and count hits per class. */
export async function evaluate(net: Network, ds: Dataset, opts: EvaluateOptions = {}, ctx: LensContext = {}): Promise<EvalResult> {
  const t0 = performance.now();
  const d = ds.x.length / Math.max(ds.n, 1);
  if (d !== inputSize(net)) {
    fail("DOMAIN_MISMATCH", `${ds.name} has ${d} features per sample ([${ds.shape.join(",")}]), the network expects ${inputSize(net)} ([${net.inputShape.join(",")}])`);
  }
  const labels = ds.labels;
  if (!labels) fail("BAD_DATA", `${ds.name} has no labels; give a label column or a labels file`);
  const m = outputSize(net);
  const classes = Math.max(m === 1 ? 2 : m, 0);
  for (let i = 0; i < ds.n; i++) {
    if (labels[i]! >= classes) fail("DOMAIN_MISMATCH", `sample ${i} of ${ds.name} has label ${labels[i]}, but the network's ${m} output(s) give classes 0..${classes - 1}`);
  }
  const engine = await engineOf(ctx).create(net, { float: opts.float ?? EVAL_OPTIONS.float.default!, withUnits: false, ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}) });
  const tCompile = since(t0);
  let outputs: Float64Array;
  try {
    outputs = (await engine.run(ds.x, ds.n, { withUnits: false, ...ctx })).outputs;
  } finally {
    await engine.dispose();
  }
  // A final Sigmoid/Softmax is applied: a single probability is thresholded at 0.5, not at 0 (where every sample would be class 1).
  const transform = outputTransformOf(net);
  const probs = applyOutputTransform(transform, outputs, m);
  const onProbability = m === 1 && isProbability(transform);
  const threshold = opts.threshold ?? (onProbability ? 0.5 : 0);
  if (!Number.isFinite(threshold)) fail("BAD_ARGUMENT", `threshold ${threshold} is not a finite number`);
  if (onProbability && !(threshold > 0 && threshold < 1)) fail("BAD_ARGUMENT", `threshold ${threshold} for a probability output (the model ends in a Sigmoid); give one in (0, 1)`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < ds.n; i++) {
    const p = predictedClass(probs, i * m, m, threshold);
    confusion[labels[i]!]![p]!++;
    if (p === labels[i]) correct++;
  }
  const perClass = confusion
    .map((row, label) => ({ label, n: row.reduce((a, b) => a + b, 0), correct: row[label]! }))
    .filter((c) => c.n > 0)
    .map((c) => ({ ...c, accuracy: c.correct / c.n }));
  const result: EvalResult = {
    schema: "netsize.eval/1",
    options: { float: opts.float ?? EVAL_OPTIONS.float.default!, engine: engine.name, ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}), ...(m === 1 ? { threshold } : {}) },
    tolerance: {},
    timings: { compile: tCompile, total: since(t0) },
    data: ds.name,
    n: ds.n,
    correct,
    accuracy: ds.n > 0 ? correct / ds.n : 0,
    perClass,
    confusion,
    classes,
    ...(m === 1 ? { decision: { threshold, on: onProbability ? "probability" as const : "output" as const } } : {}),
    ...(transform ? { outputTransform: transform.op } : {}),
  };
  if (opts.outputs) Object.defineProperty(result, "outputs", { value: probs, enumerable: false });
  return result;
}
