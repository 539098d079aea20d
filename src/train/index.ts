// The training lab's public API (curated: loop internals such as its forward pass stay private,
// so names like `forward` and `evaluate` keep meaning the reference engine's and the eval lens's).
export { train } from "./run.js";
export type { TrainOptions, TrainResult, TrainRun } from "./run.js";
export { TRAIN_DEFAULTS, RESUMABLE_KEYS, resolveConfig } from "./config.js";
export type { TrainConfig } from "./config.js";
export { ARCH_HELP, NORM_KINDS, parseArch, affineNodes, archOutputSize } from "./arch.js";
export type { Arch, ArchNode, ArchOptions, NormKind } from "./arch.js";
export { initBackend, currentBackend, BACKENDS } from "./backend.js";
export type { BackendName } from "./backend.js";
export { trainActivations, trainActivation } from "./activations.js";
export type { TrainActivation } from "./activations.js";
export { initParams, initAffine, weightDraws, INIT_SCHEMES } from "./init/index.js";
export type { InitOptions, InitScheme } from "./init/index.js";
export { standardDraw, sampleDraw, drawVariance } from "./init/standard.js";
export type { WeightDraw } from "./init/standard.js";
export { planAutoInit, activationMoments, gaussianExpectation } from "./init/autoinit.js";
export type { AutoInitPlan, Moments } from "./init/autoinit.js";
export { paramCount } from "./init/params.js";
export type { ParamSet, AffineParams, NormParams } from "./init/params.js";
export { paRewire, stabilizeStrength } from "./rewire.js";
export type { HypercoreSummary } from "./hcore-init.js";
export { L1_NORM_CONSTANT, NORM_EPSILON, NORM_MOMENTUM, linfConstant, foldNorm } from "./normalization.js";
export { exportNetwork as trainedNetwork } from "./export.js";
export { OPTIMIZERS, learningRateAt } from "./optimizers.js";
export type { OptimizerName, OptimizerConfig } from "./optimizers.js";
export { snapshotName, readCheckpoint } from "./snapshot.js";
export type { SnapshotInfo, SnapshotFormat, Checkpoint } from "./snapshot.js";
export type { EpochMetrics, LoopState, LossKind } from "./loop.js";
