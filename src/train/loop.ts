// The training loop: seeded shuffling, one optimiser step per batch (loss + L1/L2 penalties,
// decoupled decay), running loss/accuracy kept on the device until the epoch ends, evaluation.
import { checkAborted, LensContext } from "../core/lens.js";
import { fail } from "../core/errors.js";
import { tf } from "./tf.js";
import { TrainModel, forward, predict, trainables } from "./model.js";
import { OptimizerConfig, decayWeights, learningRateAt, setLearningRate } from "./optimizers.js";

/**
 * A data set ready for training: host copies (batches are assembled on the host, since the wasm
 * backend's gather is slower than copying rows) and device tensors for evaluation.
 */
export interface TensorData {
  n: number;
  /** Features, n × d, float32. */
  hostX: Float32Array;
  /** Targets, n × k (one-hot for classification), float32. */
  hostY: Float32Array;
  hostLabels?: Int32Array;
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  labels?: tf.Tensor1D;
}

/** Copy a data set into host float32 arrays and device tensors; targets one-hot when `classes` is given. */
export function tensorData(x: ArrayLike<number>, n: number, d: number, target: { labels: Int32Array; classes: number } | { y: ArrayLike<number>; size: number }): TensorData {
  const hostX = Float32Array.from(x);
  let hostY: Float32Array, hostLabels: Int32Array | undefined, k: number;
  if ("labels" in target) {
    k = target.classes;
    hostLabels = target.labels;
    hostY = new Float32Array(n * k);
    for (let i = 0; i < n; i++) hostY[i * k + target.labels[i]!] = 1;
  } else {
    k = target.size;
    hostY = Float32Array.from(target.y);
  }
  return {
    n, hostX, hostY, ...(hostLabels ? { hostLabels } : {}),
    x: tf.tensor2d(hostX, [n, d]), y: tf.tensor2d(hostY, [n, k]),
    ...(hostLabels ? { labels: tf.tensor1d(hostLabels, "int32") } : {}),
  };
}

/** Free a data set's device tensors. */
export function disposeData(d: TensorData): void {
  tf.dispose([d.x, d.y, ...(d.labels ? [d.labels] : [])]);
}

function gatherRows(src: Float32Array, width: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length * width);
  for (let k = 0; k < idx.length; k++) out.set(src.subarray(idx[k]! * width, (idx[k]! + 1) * width), k * width);
  return out;
}

/** The loss functions: softmax cross-entropy (mean over the batch) or ½·mean over the batch of the squared error summed over outputs. */
export type LossKind = "ce" | "mse";

/** What the loop needs besides the model and data. */
export interface LoopConfig extends OptimizerConfig {
  seed: number;
  batch: number;
  loss: LossKind;
  /** L1 penalty l1·Σ|W| over every weight matrix and kernel (not biases, not norm parameters). */
  l1: number;
  /** L2 penalty (l2/2)·Σ W² over the same weights (coupled: it goes through the optimiser). */
  l2: number;
}

/** Where the loop stands: completed epochs, batches done in the current epoch, global step, and the running sums of the current epoch. */
export interface LoopState {
  epoch: number;
  batchInEpoch: number;
  step: number;
  lossSum: number;
  correct: number;
  seen: number;
}

/** The metrics of one finished epoch (test fields when a test set is given). */
export interface EpochMetrics {
  epoch: number;
  step: number;
  lr: number;
  loss: number;
  accuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
  seconds: number;
}

/** A 32-bit seed derived from a base seed and integers (FNV-1a style mixing), for per-epoch and per-step streams. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (2166136261 ^ (seed >>> 0)) >>> 0;
  for (const p of [0x5eed, ...parts]) {
    h = Math.imul(h ^ (p >>> 0), 16777619) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  }
  return h >>> 0;
}

/** The permutation of n samples used in an epoch: a function of (seed, epoch) only, so a resumed run reshuffles identically. */
export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  let s = deriveSeed(seed, 1, epoch);
  for (let i = n - 1; i > 0; i--) {
    // xorshift32: cheap and fully determined by the derived seed
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const j = s % (i + 1);
    const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t;
  }
  return perm;
}

/** Number of batches per epoch (the last one may be short, as with PyTorch's default loader). */
export function batchesPerEpoch(n: number, batch: number): number {
  return Math.ceil(n / batch);
}

/** Loss of predictions against targets (mean over the batch). */
export function lossOf(kind: LossKind, out: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  if (kind === "ce") return tf.losses.softmaxCrossEntropy(y, out) as tf.Scalar;
  return tf.div(tf.sum(tf.square(tf.sub(out, y))), 2 * out.shape[0]) as tf.Scalar;
}

function penalty(model: TrainModel, cfg: LoopConfig): tf.Scalar | undefined {
  let p: tf.Scalar | undefined;
  if (cfg.l1 > 0) p = tf.mul(tf.addN(model.weights.map((w) => tf.sum(tf.abs(w)))), cfg.l1) as tf.Scalar;
  if (cfg.l2 > 0) {
    const q = tf.mul(tf.addN(model.weights.map((w) => tf.sum(tf.square(w)))), cfg.l2 / 2) as tf.Scalar;
    p = p ? (tf.add(p, q) as tf.Scalar) : q;
  }
  return p;
}

/** Device-side running sums of an epoch (loss × batch size, correct predictions). */
interface Running {
  loss: tf.Scalar;
  correct: tf.Scalar;
}

/** One optimiser step on the batch `idx`; adds to the running sums. */
function step(model: TrainModel, opt: tf.Optimizer, data: TensorData, cfg: LoopConfig, idx: Int32Array, stepNo: number, lr: number, run: Running): void {
  tf.tidy(() => {
    const d = data.x.shape[1], k = data.y.shape[1];
    const xb = tf.tensor2d(gatherRows(data.hostX, d, idx), [idx.length, d]);
    const yb = tf.tensor2d(gatherRows(data.hostY, k, idx), [idx.length, k]);
    const lb = data.hostLabels ? tf.tensor1d(idx.map((i) => data.hostLabels![i]!), "int32") : undefined;
    const vars = trainables(model);
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const out = forward(model, xb, { training: true, dropoutSeed: deriveSeed(cfg.seed, 2, stepNo) });
      if (lb) correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), lb), "float32")) as tf.Scalar);
      const loss = lossOf(cfg.loss, out, yb);
      const p = penalty(model, cfg);
      return p ? tf.add(loss, p) : loss;
    }, vars);
    decayWeights(model.weights, lr, cfg.weightDecay);
    opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
    const oldL = run.loss, oldC = run.correct;
    run.loss = tf.keep(tf.add(oldL, tf.mul(value, idx.length)));
    run.correct = tf.keep(correct ? tf.add(oldC, correct) : oldC);
    oldL.dispose();
    if (correct) { oldC.dispose(); correct.dispose(); }
  });
}

/** Loss and accuracy of the model in inference mode on a data set. */
export function evaluate(model: TrainModel, data: TensorData, kind: LossKind): { loss: number; accuracy?: number } {
  return tf.tidy(() => {
    const out = predict(model, data.x);
    const loss = lossOf(kind, out, data.y).dataSync()[0]!;
    if (!data.labels) return { loss };
    const acc = tf.mean(tf.cast(tf.equal(tf.argMax(out, 1), data.labels), "float32")).dataSync()[0]!;
    return { loss, accuracy: acc };
  });
}

/** Callbacks of the loop; each may be async (the loop awaits it). */
export interface LoopHooks {
  /** True when afterStep wants to run after global step `step` (so running sums are read only then). */
  stepDue?(step: number): boolean;
  /** After a step for which stepDue returned true (state already advanced). */
  afterStep?(state: LoopState): Promise<void> | void;
  /** After every epoch, with its metrics. */
  afterEpoch?(state: LoopState, metrics: EpochMetrics): Promise<void> | void;
  /** When the context's signal fires between steps, before ABORTED is thrown. */
  onAbort?(state: LoopState): Promise<void> | void;
}

/**
 * Train from `state` until `epochs` epochs are complete. Progress reports count global steps;
 * the stage shows the epoch and the last epoch's loss and accuracy.
 */
export async function trainLoop(
  model: TrainModel, opt: tf.Optimizer, train: TensorData, test: TensorData | undefined,
  cfg: LoopConfig, epochs: number, state: LoopState, hooks: LoopHooks = {}, ctx: LensContext = {},
): Promise<LoopState> {
  const nb = batchesPerEpoch(train.n, cfg.batch);
  const total = epochs * nb;
  let stage = `epoch ${state.epoch + 1}/${epochs}`;
  const s = { ...state };
  while (s.epoch < epochs) {
    const t0 = performance.now();
    const lr = learningRateAt(cfg, s.epoch);
    setLearningRate(opt, lr);
    const perm = epochPermutation(train.n, cfg.seed, s.epoch);
    const run: Running = { loss: tf.keep(tf.scalar(s.lossSum)), correct: tf.keep(tf.scalar(s.correct)) };
    const sync = async (): Promise<void> => {
      s.lossSum = (await run.loss.data())[0]!;
      s.correct = (await run.correct.data())[0]!;
    };
    try {
      for (; s.batchInEpoch < nb; ) {
        if (ctx.signal?.aborted) {
          await sync();
          await hooks.onAbort?.({ ...s });
          checkAborted(ctx);
        }
        const idx = perm.subarray(s.batchInEpoch * cfg.batch, Math.min(train.n, (s.batchInEpoch + 1) * cfg.batch));
        step(model, opt, train, cfg, idx, s.step, lr, run);
        s.batchInEpoch++; s.step++; s.seen += idx.length;
        if (hooks.afterStep && hooks.stepDue?.(s.step)) { await sync(); await hooks.afterStep({ ...s }); }
        if (s.step % 8 === 0 || s.batchInEpoch === nb) ctx.onProgress?.({ done: s.step, total, stage });
      }
      await sync();
    } finally {
      run.loss.dispose(); run.correct.dispose();
    }
    const loss = s.lossSum / s.seen;
    if (!Number.isFinite(loss)) {
      fail("TRAIN_ERROR", `the training loss became ${loss} in epoch ${s.epoch + 1}; lower the learning rate (--lr) or use batch norm (--norm l2)`);
    }
    const metrics: EpochMetrics = { epoch: s.epoch + 1, step: s.step, lr, loss, seconds: (performance.now() - t0) / 1000 };
    if (train.labels) metrics.accuracy = s.correct / s.seen;
    if (test) {
      const e = evaluate(model, test, cfg.loss);
      metrics.testLoss = e.loss;
      if (e.accuracy !== undefined) metrics.testAccuracy = e.accuracy;
    }
    s.epoch++; s.batchInEpoch = 0; s.lossSum = 0; s.correct = 0; s.seen = 0;
    stage = `epoch ${Math.min(s.epoch + 1, epochs)}/${epochs} loss ${loss.toPrecision(4)}` +
      (metrics.testAccuracy !== undefined ? ` test acc ${(100 * metrics.testAccuracy).toFixed(1)}%`
        : metrics.accuracy !== undefined ? ` acc ${(100 * metrics.accuracy).toFixed(1)}%` : "");
    ctx.onProgress?.({ done: s.step, total, stage });
    await hooks.afterEpoch?.({ ...s }, metrics);
  }
  return s;
}

/** The initial loop state. */
export function initialLoopState(): LoopState {
  return { epoch: 0, batchInEpoch: 0, step: 0, lossSum: 0, correct: 0, seen: 0 };
}
