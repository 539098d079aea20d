// The eval lens: classification accuracy of a network on a labelled data set, on the context's batch engine.
import { engineOf } from "../../core/engine/batch.js";
import { fail } from "../../core/errors.js";
import { LensContext, LensOptions, LensResultBase, since } from "../../core/lens.js";
import { inputSize, Network, outputSize } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";

/** Options of evaluate. */
export interface EvaluateOptions {
  /** Engine precision (default 64; 32 needs an engine that computes in float32, e.g. onnxruntime). */
  float?: 32 | 64;
  /** Samples per onnxruntime run (default: the engine's). */
  chunkSize?: number;
}

/** The eval lens's options, each default stated once. */
export const EVAL_OPTIONS: LensOptions<EvaluateOptions> = {
  float: { default: 64, description: "engine precision: 64 (exact) or 32 (faster; needs the onnxruntime engine)" },
  chunkSize: { description: "samples per engine run (the engine's default when absent)" },
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
}

/** The predicted class of one output row: the first largest logit, or for a single output 1 when it is > 0. */
export function predictedClass(out: Float64Array, offset: number, m: number): number {
  if (m === 1) return out[offset]! > 0 ? 1 : 0;
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
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < ds.n; i++) {
    const p = predictedClass(outputs, i * m, m);
    confusion[labels[i]!]![p]!++;
    if (p === labels[i]) correct++;
  }
  const perClass = confusion
    .map((row, label) => ({ label, n: row.reduce((a, b) => a + b, 0), correct: row[label]! }))
    .filter((c) => c.n > 0)
    .map((c) => ({ ...c, accuracy: c.correct / c.n }));
  return {
    schema: "netsize.eval/1",
    options: { float: opts.float ?? EVAL_OPTIONS.float.default!, engine: engine.name, ...(opts.chunkSize ? { chunkSize: opts.chunkSize } : {}) },
    tolerance: {},
    timings: { compile: tCompile, total: since(t0) },
    data: ds.name,
    n: ds.n,
    correct,
    accuracy: ds.n > 0 ? correct / ds.n : 0,
    perClass,
    confusion,
    classes,
  };
}
