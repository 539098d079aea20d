// The configuration of a training run: every choice, with defaults, validated in one place and
// written verbatim to the run folder's config.json.
import { ActivationName, ActivationParams } from "../core/activations.js";
import { fail } from "../core/errors.js";
import { NORM_KINDS, NormKind } from "./arch.js";
import { trainActivation } from "./activations.js";
import { BACKENDS, BackendName } from "./backend.js";
import { INIT_SCHEMES, InitScheme } from "./init/index.js";
import { OPTIMIZERS, OptimizerConfig } from "./optimizers.js";
import { SnapshotFormat } from "./snapshot.js";

/** Every setting of a training run (the optimiser's settings are OptimizerConfig's). */
export interface TrainConfig extends OptimizerConfig {
  /** Architecture spec (see ARCH_HELP). */
  arch: string;
  /** Training data: "mnist" (the documented train split; test on the held-out split), a synthetic spec, or a CSV/NPY file. */
  data: string;
  /** Test data (default: mnist's held-out split, a fresh draw of a synthetic set, none for files). */
  testData?: string;
  /** CSV/NPY files: the label column (index or CSV header name). */
  labelColumn?: string;
  activation: ActivationName;
  activationParams: ActivationParams;
  norm: NormKind;
  dropout: number;
  init: InitScheme;
  /** γ of the small initialisation. */
  initGamma: number;
  /** Bias std (default: 0; the small initialisation draws biases like weights). */
  biasStd?: number;
  /** Every weight and bias ~ N(0, initStd²) in every layer, whatever the scheme (Zhou et al.'s code: std = m^(−γ) with m the width, e.g. 50^(−4) = 1.6e-7); biases take biasStd instead when it is given. */
  initStd?: number;
  /** Start from the weights of this model file (netsize JSON or ONNX of the same architecture) instead of drawing them. */
  initFrom?: string;
  /** Train a bias on the output layer (false: it stays 0, as in the condensation experiments). */
  outputBias: boolean;
  /** Train exactly this many optimiser steps (must be a whole number of epochs; with a full batch, steps = epochs). */
  steps?: number;
  rewire: "none" | "pa";
  /** Strength stabilisation draws before PA rewiring (1 = off). */
  stabilize: number;
  /** Hcore-Init: pretrain this many epochs, then re-initialise scaled by hypercore numbers (0 = off). */
  hypercoreEpochs: number;
  hypercoreLambda: number;
  /** "auto": cross-entropy for labelled data, MSE for regression targets. */
  loss: "auto" | "ce" | "mse";
  l1: number;
  l2: number;
  epochs: number;
  /** Samples per step; 0 = the whole training set (full batch). */
  batch: number;
  seed: number;
  /** Snapshot after these epochs (0 = the initialisation). */
  snapshots: number[];
  /** Snapshot after these global steps. */
  snapshotSteps: number[];
  /** Also every this many epochs (0 = off). */
  snapshotEvery: number;
  /** Also every this many steps (0 = off). */
  snapshotEverySteps: number;
  formats: SnapshotFormat[];
  backend: BackendName;
}

/** Defaults of every setting but arch and data. */
export const TRAIN_DEFAULTS: Omit<TrainConfig, "arch" | "data"> = {
  activation: "relu", activationParams: {}, norm: "none", dropout: 0,
  init: "he-normal", initGamma: 2, outputBias: true, rewire: "none", stabilize: 1, hypercoreEpochs: 0, hypercoreLambda: 0.5,
  loss: "auto", optimizer: "adam", lr: 1e-3, momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7,
  weightDecay: 0, lrStep: 0, lrGamma: 0.1, l1: 0, l2: 0,
  epochs: 10, batch: 64, seed: 0,
  snapshots: [], snapshotSteps: [], snapshotEvery: 0, snapshotEverySteps: 0, formats: ["json", "onnx"], backend: "wasm",
};

function check(ok: boolean, message: string): void {
  if (!ok) fail("BAD_ARGUMENT", message);
}

const nonNegInt = (v: number): boolean => Number.isInteger(v) && v >= 0;

/** Fill defaults and validate; AdamW gets weight decay 0.01 unless one is given. */
export function resolveConfig(partial: Partial<TrainConfig> & { arch: string; data: string }): TrainConfig {
  const c: TrainConfig = { ...TRAIN_DEFAULTS, ...partial } as TrainConfig;
  if (partial.weightDecay === undefined && c.optimizer === "adamw") c.weightDecay = 0.01;
  trainActivation(c.activation);
  check(NORM_KINDS.includes(c.norm), `unknown norm '${c.norm}'; use ${NORM_KINDS.join(", ")}`);
  check(INIT_SCHEMES.includes(c.init), `unknown init '${c.init}'; use ${INIT_SCHEMES.join(", ")}`);
  check(OPTIMIZERS.includes(c.optimizer), `unknown optimizer '${c.optimizer}'; use ${OPTIMIZERS.join(", ")}`);
  check(BACKENDS.includes(c.backend), `unknown backend '${c.backend}'; use ${BACKENDS.join(", ")}`);
  check(["auto", "ce", "mse"].includes(c.loss), `unknown loss '${c.loss}'; use auto, ce or mse`);
  check(c.rewire === "none" || c.rewire === "pa", `unknown rewiring '${c.rewire}'; use none or pa`);
  check(c.lr > 0, `--lr must be > 0, got ${c.lr}`);
  for (const [k, v] of [["l1", c.l1], ["l2", c.l2], ["weight-decay", c.weightDecay], ["momentum", c.momentum]] as const) {
    check(v >= 0 && Number.isFinite(v), `--${k} must be >= 0, got ${v}`);
  }
  check(c.dropout >= 0 && c.dropout < 1, `--dropout must be in [0, 1), got ${c.dropout}`);
  check(Number.isInteger(c.epochs) && c.epochs >= 0, `--epochs must be a non-negative integer, got ${c.epochs}`);
  check(Number.isInteger(c.batch) && c.batch >= 0, `--batch must be a positive integer or 'full', got ${c.batch}`);
  check(c.epsilon > 0 && Number.isFinite(c.epsilon), `--adam-eps must be > 0, got ${c.epsilon}`);
  check(c.initStd === undefined || (c.initStd >= 0 && Number.isFinite(c.initStd)), `--init-std must be >= 0, got ${c.initStd}`);
  check(c.steps === undefined || nonNegInt(c.steps), `--steps must be a non-negative integer, got ${c.steps}`);
  check(Number.isInteger(c.seed) && c.seed >= 0 && c.seed <= 0xffffffff, `--seed must be an integer in [0, 2^32), got ${c.seed}`);
  check(nonNegInt(c.lrStep) && c.lrGamma > 0, `--lr-step must be a non-negative integer and --lr-gamma > 0`);
  check(nonNegInt(c.hypercoreEpochs) && c.hypercoreLambda >= 0, "--hypercore needs a non-negative integer of epochs and λ >= 0");
  check(Number.isInteger(c.stabilize) && c.stabilize >= 1, `--stabilize must be a positive integer, got ${c.stabilize}`);
  check(c.snapshots.every(nonNegInt) && c.snapshotSteps.every(nonNegInt), "snapshot epochs and steps must be non-negative integers");
  check(nonNegInt(c.snapshotEvery) && nonNegInt(c.snapshotEverySteps), "--snapshot-every must be a non-negative integer");
  check(c.formats.length > 0 && c.formats.every((f) => f === "json" || f === "onnx"), `--formats takes json and/or onnx`);
  check(c.initGamma > 0, `--init-gamma must be > 0, got ${c.initGamma}`);
  return c;
}

/** Settings that may change between a run and its resumption (everything else must match). */
export const RESUMABLE_KEYS: readonly (keyof TrainConfig)[] = ["epochs", "snapshots", "snapshotSteps", "snapshotEvery", "snapshotEverySteps", "formats", "backend"];

/** True when a snapshot is due after `epoch` whole epochs: listed, a multiple of snapshotEvery (0 included), or the last epoch (always). */
export function epochSnapshotDue(c: TrainConfig, epoch: number): boolean {
  return c.snapshots.includes(epoch) || (c.snapshotEvery > 0 && epoch % c.snapshotEvery === 0) || epoch === c.epochs;
}

/** True when a snapshot is due after global step `step` (steps that end an epoch are snapshotted as epochs instead when both are due). */
export function stepSnapshotDue(c: TrainConfig, step: number): boolean {
  return c.snapshotSteps.includes(step) || (c.snapshotEverySteps > 0 && step > 0 && step % c.snapshotEverySteps === 0);
}
