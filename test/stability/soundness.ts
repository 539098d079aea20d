// The soundness check the shared-model tests run: many domain points through the batched float64
// engine, and no point may contradict a stable claim or leave a unit's final interval.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { Box, inBox, uniformBox } from "../../src/core/domain.js";
import { createBatchedEngine } from "../../src/node/engine/onnxruntime.js";
import { parseVnnlib } from "../../src/core/io/index.js";
import { inputSize, Network } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { loadMnist } from "../../src/node/data.js";
import { StabilityResult } from "../../src/lenses/stability/report.js";
import { model } from "../helpers/shared.js";

/** The domain of a shared model in these tests: [0,1]^n for images, a property's box where one is named. */
export function sharedDomain(net: Network, vnnlib?: string): Box {
  if (vnnlib) return parseVnnlib(readFileSync(model(vnnlib), "utf8"), vnnlib).box;
  return uniformBox(inputSize(net), 0, 1, "[0,1]^n");
}

/** Count contradictions of `r` on n points of the box (uniform, random vertices, MNIST digits inside it). */
export async function contradictions(net: Network, box: Box, r: StabilityResult, n: number, seed: number): Promise<{ points: number; stableViolations: number; boundViolations: number }> {
  const d = inputSize(net), rng = createRng(seed);
  const engine = await createBatchedEngine(net, { float: 64, threads: 1 });
  const digits = d === 784 ? loadMnist("test") : undefined;
  let stableViolations = 0, boundViolations = 0, points = 0, digit = 0;
  try {
    const chunk = 2000;
    for (let s0 = 0; s0 < n; s0 += chunk) {
      const k = Math.min(chunk, n - s0);
      const X = new Float64Array(k * d);
      for (let s = 0; s < k; s++) {
        const row = X.subarray(s * d, (s + 1) * d);
        const kind = (s0 + s) % 4;
        if (kind === 0 && digits) {
          // The next digit that lies in the box, else a uniform point.
          while (digit < digits.n && !inBox(box, digits.x.subarray(digit * d, (digit + 1) * d))) digit++;
          if (digit < digits.n) { row.set(digits.x.subarray(digit * d, (digit + 1) * d)); digit++; continue; }
        }
        for (let i = 0; i < d; i++) {
          const t = kind === 1 ? (rng.next() < 0.5 ? 0 : 1) : rng.next();
          row[i] = box.lower[i]! + t * (box.upper[i]! - box.lower[i]!);
        }
      }
      const res = await engine.run(X, k);
      for (const l of r.layers) {
        const j = res.unitLayers.indexOf(l.layer);
        expect(j).toBeGreaterThanOrEqual(0);
        const Z = res.preActivations[j]!;
        for (let s = 0; s < k; s++) {
          for (let i = 0; i < l.units; i++) {
            const z = Z[s * l.units + i]!;
            const st = l.state[i];
            if ((st === "active" && !(z > 0)) || (st === "inactive" && z > 0)) stableViolations++;
            const e = 1e-9 * (1 + Math.abs(z));
            if (z < l.lower[i]! - e || z > l.upper[i]! + e) boundViolations++;
          }
        }
      }
      points += k;
    }
  } finally {
    await engine.dispose();
  }
  return { points, stableViolations, boundViolations };
}
