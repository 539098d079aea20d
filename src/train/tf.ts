// TensorFlow.js as the training lab uses it, browser-safe: tfjs-core with every gradient registered
// (tfjs-core's CommonJS build registers none; the tfjs-layers bundle registers all of them into the
// shared kernel registry as a side effect of being loaded) and the plain-JS cpu backend. The Node
// set-up of the wasm backend is in backend.ts; the studio picks its backend in the page.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";
import "@tensorflow/tfjs-backend-cpu";

export { tf };
