import { describe, expect, it } from "vitest";
import { ALL_MODELS, HAVE_SHARED } from "../helpers/shared.js";
import { checkSharedModel, sampleCount } from "./shared-inputs.js";

// Split from shared-other.test.ts so the two halves run in parallel forks.
const MODELS = ALL_MODELS.filter((m) => m.startsWith("vnncomp2021/") && !m.includes("Convnet") && !m.includes("resnet") && !m.includes("SIGMOID"));

describe.skipIf(!HAVE_SHARED)("batched engine = reference on the shared VNN-COMP MLPs (float64)", () => {
  for (const rel of MODELS) {
    it(`${rel}: ${sampleCount(rel).toLocaleString("en-US")} inputs, outputs to 1e-9 relative, identical patterns where |z| > 1e-9`, async () => {
      await expect(checkSharedModel(rel)).resolves.toBeUndefined();
    });
  }
});
