// The eval lens's public face.
import { Lens } from "../../core/lens.js";
import type { Dataset } from "../../data/dataset.js";
import { EVAL_OPTIONS, EvalResult, evaluate, EvaluateOptions } from "./evaluate.js";

export { evaluate, predictedClass, EVAL_OPTIONS } from "./evaluate.js";
export type { EvaluateOptions, EvalResult, ClassAccuracy } from "./evaluate.js";

/** eval: classification accuracy on a labelled data set, on the context's batch engine. */
export const evalLens: Lens<Dataset, EvaluateOptions, EvalResult> = {
  name: "eval",
  schema: "netsize.eval/1",
  description: "classification accuracy, per-class counts and the confusion matrix on a labelled data set",
  options: EVAL_OPTIONS,
  run: (net, data, options, ctx) => evaluate(net, data, options, ctx),
};
