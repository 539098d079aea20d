// Optimisers (tf.train's SGD with momentum and Adam; AdamW = Adam plus a decoupled decay step),
// the step learning-rate schedule, and the optimiser state a checkpoint saves for --resume.
import { fail } from "../core/errors.js";
import { tf } from "./tf.js";

/** The optimisers of the training lab. */
export type OptimizerName = "sgd" | "adam" | "adamw";

/** The optimiser names, for option validation. */
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "adam", "adamw"];

/** Optimiser settings. */
export interface OptimizerConfig {
  optimizer: OptimizerName;
  lr: number;
  /** SGD momentum (PyTorch convention: v ← μv + g, w ← w − lr·v). */
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay: w ← w·(1 − lr·wd) on weights each step (AdamW's; also allowed with sgd/adam). */
  weightDecay: number;
  /** Multiply the learning rate by lrGamma every lrStep epochs (0 = constant). */
  lrStep: number;
  lrGamma: number;
}

/** The learning rate during an epoch (0-based) under the step schedule. */
export function learningRateAt(cfg: OptimizerConfig, epoch: number): number {
  return cfg.lrStep > 0 ? cfg.lr * cfg.lrGamma ** Math.floor(epoch / cfg.lrStep) : cfg.lr;
}

/** Create a tf.train optimiser for the config. */
export function createOptimizer(cfg: OptimizerConfig): tf.Optimizer {
  if (!OPTIMIZERS.includes(cfg.optimizer)) fail("BAD_ARGUMENT", `unknown optimizer '${cfg.optimizer}'; use ${OPTIMIZERS.join(", ")}`);
  if (!(cfg.lr > 0)) fail("BAD_ARGUMENT", `learning rate must be > 0, got ${cfg.lr}`);
  if (cfg.optimizer === "sgd") return tf.train.momentum(cfg.lr, cfg.momentum);
  return tf.train.adam(cfg.lr, cfg.beta1, cfg.beta2, cfg.epsilon);
}

/** Change an optimiser's learning rate in place (SGD precomputes −lr; Adam reads it every step). */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  // tf.Optimizer's Symbol.hasInstance is duck-typed (every optimiser passes `instanceof SGDOptimizer`), so ask for the method
  const sgd = opt as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof sgd.setLearningRate === "function") sgd.setLearningRate(lr);
  else sgd.learningRate = lr;
}

/** Apply decoupled weight decay w ← w·(1 − lr·wd) to the given weights. */
export function decayWeights(weights: tf.Variable[], lr: number, wd: number): void {
  if (wd === 0) return;
  tf.tidy(() => { for (const w of weights) w.assign(tf.mul(w, 1 - lr * wd)); });
}

/** An optimiser's state as plain arrays: the step count and its accumulators in variable order. */
export interface OptimizerState {
  iterations: number;
  slots: { name: string; shape: number[]; data: Float32Array }[];
}

/** Read an optimiser's state (its accumulators exist after the first step). */
export async function saveOptimizerState(opt: tf.Optimizer): Promise<OptimizerState> {
  const ws = await opt.getWeights();
  const iterations = (await ws[0]!.tensor.data())[0]!;
  ws[0]!.tensor.dispose();
  const slots = await Promise.all(ws.slice(1).map(async (w) => ({
    name: w.name, shape: [...w.tensor.shape], data: Float32Array.from(await w.tensor.data()),
  })));
  return { iterations, slots };
}

/** Restore a saved state into a fresh optimiser of the same kind for the same variables. */
export async function restoreOptimizerState(opt: tf.Optimizer, state: OptimizerState): Promise<void> {
  const named = [
    { name: "iter", tensor: tf.scalar(state.iterations, "int32") },
    ...state.slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.data, s.shape) })),
  ];
  await opt.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
}
