// The training lab's browser-safe part, for the studio: live training in a page and the architecture
// and initialisation vocabulary. Everything that reads or writes files stays in index.ts (Node).
export { LiveTrainer, LIVE_DEFAULTS } from "./live.js";
export type { LiveConfig, LiveData } from "./live.js";
export { ARCH_HELP, parseArch, archOutputSize } from "./arch.js";
export type { Arch } from "./arch.js";
export { trainActivations } from "./activations.js";
export { INIT_SCHEMES } from "./init/standard.js";
export type { InitScheme } from "./init/standard.js";
export { OPTIMIZERS } from "./optimizers.js";
export type { OptimizerName } from "./optimizers.js";
export { tf } from "./tf.js";
