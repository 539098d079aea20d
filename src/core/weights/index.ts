// Pure measures of weight matrices, shared by the training lab and the lenses.
export * from "./strength.js";
export * from "./hypercore.js";
export * from "./multiplicity.js";
