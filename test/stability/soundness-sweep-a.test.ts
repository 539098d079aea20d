// The soundness sweep (see sweep.ts) on the first half of the shared piecewise-linear models: no stable claim
// is contradicted by any of the domain's points, and no two methods claim opposite states.
import { describe, expect, it } from "vitest";
import { HAVE_SHARED, PL_MODELS } from "../helpers/shared.js";
import { sweepModel } from "./sweep.js";

describe.skipIf(!HAVE_SHARED)("soundness sweep: tiny, data-sized, huge and float64-edge domains × ibp, crown (and auto on the tiny ball)", () => {
  it.each(PL_MODELS.filter((_, i) => i % 2 === 0))("%s", async (rel) => {
    const r = await sweepModel(rel);
    console.log(`[soundness] ${rel}: ${r.summary.join("; ")}`);
    expect(r.summary).toHaveLength(4);
    expect(r.problems).toEqual([]);
  });
});
