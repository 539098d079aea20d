// netsize for Node ("netsize/node"): everything in "netsize", plus files, atomic writes, the
// onnxruntime batch engine, PNG rasterising, file data loaders and the training lab.
export * from "../index.js";
export * from "./files.js";
export * from "./atomic.js";
export * from "./read.js";
export * from "./data.js";
export * from "./png.js";
export * from "./engine/onnxruntime.js";
export * from "./engine/onnx-runner.js";
export * from "../train/index.js";
