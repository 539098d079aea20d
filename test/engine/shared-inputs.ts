// Inputs in each shared model's natural range, and the agreement check both shared-model test files run.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { createBatchedEngine } from "../../src/node/engine/onnxruntime.js";
import { loadNetwork } from "../../src/node/files.js";
import { parseVnnlib } from "../../src/core/io/index.js";
import { inputSize } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { model } from "../helpers/shared.js";
import { expectAgrees } from "./agree.js";

/** n inputs for a shared model: pixels uniform in [0,1] for images, the prop_1 box for ACAS Xu, standard normal for the 1-input test nets. */
export function naturalInputs(rel: string, d: number, n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const X = new Float64Array(n * d);
  if (rel.includes("ACASXU")) {
    const box = parseVnnlib(readFileSync(model("vnncomp2021/prop_1.vnnlib"), "utf8")).box;
    for (let i = 0; i < n * d; i++) {
      const j = i % d;
      X[i] = box.lower[j]! + rng.next() * (box.upper[j]! - box.lower[j]!);
    }
  } else if (rel.includes("test_")) {
    for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  } else {
    for (let i = 0; i < X.length; i++) X[i] = rng.next();
  }
  return X;
}

/** True in the full tier (NETSIZE_FULL=1, `npm run test:full`): the heavy sweeps at full size. */
export const FULL_TIER = process.env.NETSIZE_FULL === "1";

/**
 * Samples compared per model: 10,000 for every shared model in the full tier; in the default tier
 * 10,000 for the dense networks and 2,000 for the conv/residual ones, whose reference forward pass is
 * ~50× the work (10,000 of them took 75 s at load 5 — a sweep, not a unit test).
 */
export function sampleCount(rel: string): number {
  return FULL_TIER || !/resnet|Convnet/.test(rel) ? 10_000 : 2_000;
}

/** Load a shared model, run n natural inputs through the float64 batched engine, and compare with the reference. */
export async function checkSharedModel(rel: string): Promise<void> {
  const net = await loadNetwork(model(rel));
  const n = sampleCount(rel);
  const X = naturalInputs(rel, inputSize(net), n, 1);
  const engine = await createBatchedEngine(net, { float: 64 });
  try {
    const got = await engine.run(X, n);
    const ref = expectAgrees(net, got, X, n, 1e-9);
    // The comparison covers units in both states, not only dead or saturated ones.
    const states = new Set(ref.patterns.flatMap((p) => [...new Set(p)]));
    expect(states.size).toBeGreaterThanOrEqual(2);
  } finally {
    await engine.dispose();
  }
}
