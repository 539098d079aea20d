// Live training for the studio: the training lab's model, optimisers and loop driven a few steps at a
// time in one page, handing the network to a callback every `every` steps. Browser-safe (no Node
// module): the page picks TensorFlow.js's backend (cpu by default; tiny networks train fastest there).
import { ActivationName } from "../core/activations.js";
import { fail, NetsizeError } from "../core/errors.js";
import { Network } from "../core/network.js";
import { createRng } from "../core/random.js";
import { Arch, archOutputSize, parseArch } from "./arch.js";
import { exportNetwork } from "./export.js";
import { initParams } from "./init/index.js";
import { InitScheme } from "./init/standard.js";
import { paramsFromNetwork } from "./init-from.js";
import { deriveSeed, disposeData, evaluate, initialLoopState, LoopConfig, LoopState, TensorData, tensorData, trainLoop } from "./loop.js";
import { createModel, disposeModel, readParams, TrainModel } from "./model.js";
import { createOptimizer, OptimizerName } from "./optimizers.js";
import { tf } from "./tf.js";

/** What a live session trains: one MLP on one labelled data set. */
export interface LiveConfig {
  /** Architecture spec, e.g. "2-16-16-2" (see ARCH_HELP). */
  arch: string;
  activation: ActivationName;
  init: InitScheme;
  /** γ of the small initialisation. */
  gamma: number;
  l1: number;
  l2: number;
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  seed: number;
}

/** Defaults of a live session (Playground's: ReLU, He initialisation, batch 10). */
export const LIVE_DEFAULTS: LiveConfig = {
  arch: "2-8-8-2", activation: "relu", init: "he-normal", gamma: 2, l1: 0, l2: 0, optimizer: "sgd", lr: 0.03, batch: 10, seed: 1,
};

/** A labelled data set of n points of d features (row-major). */
export interface LiveData { x: ArrayLike<number>; n: number; d: number; labels: Int32Array; classes: number }

/** One training session: the model and optimiser state persist across runs (pause, resume). */
export class LiveTrainer {
  readonly arch: Arch;
  private model: TrainModel;
  private readonly opt: tf.Optimizer;
  private readonly data: TensorData;
  private readonly loop: LoopConfig;
  private state: LoopState = initialLoopState();

  /** Start from fresh weights (seeded) or from `start`, a network of the same architecture. */
  constructor(readonly config: LiveConfig, data: LiveData, start?: Network) {
    this.arch = parseArch(config.arch, { activation: config.activation });
    const inSize = this.arch.inputShape.reduce((a, b) => a * b, 1);
    if (inSize !== data.d) fail("BAD_ARGUMENT", `the architecture ${config.arch} takes ${inSize} inputs but the data has ${data.d} features`);
    if (archOutputSize(this.arch) < data.classes) fail("BAD_ARGUMENT", `the architecture ${config.arch} has ${archOutputSize(this.arch)} outputs but the data has ${data.classes} classes`);
    const params = start ? paramsFromNetwork(this.arch, start, "the loaded network")
      : initParams(this.arch, { scheme: config.init, gamma: config.gamma }, createRng(deriveSeed(config.seed, 0)));
    this.model = createModel(this.arch, params, { outputBias: true });
    this.loop = {
      optimizer: config.optimizer, lr: config.lr, momentum: config.optimizer === "sgd" ? 0 : 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
      weightDecay: 0, lrStep: 0, lrGamma: 1, seed: config.seed, batch: Math.min(config.batch, data.n), loss: "ce", l1: config.l1, l2: config.l2,
    };
    this.opt = createOptimizer(this.loop);
    this.data = tensorData(data.x, data.n, data.d, { labels: data.labels, classes: archOutputSize(this.arch) });
  }

  /** Optimiser steps taken so far. */
  get step(): number { return this.state.step; }

  /** The network now, as a float64 netsize network. */
  network(meta: Record<string, unknown> = {}): Network {
    return exportNetwork(this.arch, readParams(this.model), { step: this.state.step, ...meta });
  }

  /** Loss and accuracy on the training data now. */
  evaluate(): { loss: number; accuracy?: number } {
    return evaluate(this.model, this.data, "ce");
  }

  /**
   * Train until step `until` (or until `signal` fires), calling `onFrame` after every `every` steps
   * and at the last step. Resolves with the step reached; training can continue with another call.
   */
  async run(until: number, every: number, onFrame: (step: number) => Promise<void> | void, signal?: AbortSignal): Promise<number> {
    if (until <= this.state.step) return this.state.step;
    const inner = new AbortController();
    const stop = (): void => inner.abort();
    signal?.addEventListener("abort", stop);
    let saved: LoopState | undefined;
    const epochs = Math.ceil(until / Math.ceil(this.data.n / this.loop.batch)) + 1;
    try {
      this.state = await trainLoop(this.model, this.opt, this.data, undefined, this.loop, epochs, this.state, {
        stepDue: (s) => s % every === 0 || s >= until,
        afterStep: async (s) => { saved = s; this.state = s; if (s.step >= until) inner.abort(); await onFrame(s.step); },
        onAbort: (s) => { saved = s; this.state = s; },
      }, { signal: inner.signal });
    } catch (e) {
      if (!(e instanceof NetsizeError && e.code === "ABORTED")) throw e;
      if (saved) this.state = saved;
    } finally {
      signal?.removeEventListener("abort", stop);
    }
    return this.state.step;
  }

  dispose(): void {
    disposeModel(this.model);
    disposeData(this.data);
    this.opt.dispose();
  }
}

export { tf };
