// The netsize library API. Each area re-exports its public names here.
export * from "./core/errors.js";
export * from "./core/tolerance.js";
export * from "./core/random.js";
export * from "./core/activations.js";
export * from "./core/network.js";
export * from "./core/summary.js";
export * from "./core/build.js";
export * from "./core/domain.js";
export * from "./core/lens.js";
export * from "./core/engine/reference.js";
export * from "./core/io/index.js";
export * from "./data/dataset.js";
export * from "./data/mnist.js";
export * from "./core/lp/highs.js";
