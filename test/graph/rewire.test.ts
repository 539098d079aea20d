// What `--rewire pa` does, measured by the graph lens: on a He-initialised 256×512 layer the signed
// strength variances fall (Scabini et al.: ~20–50×) while the multiset of weights stays exactly the same.
import { describe, expect, it } from "vitest";
import { createNetwork } from "../../src/core/network.js";
import { createRng } from "../../src/core/random.js";
import { graphMeasures } from "../../src/lenses/graph/index.js";
import { paRewire } from "../../src/train/rewire.js";

const rows = 256, cols = 512;
const layer = (w: Float64Array) => createNetwork([cols], [{ kind: "dense", inSize: cols, outSize: rows, weight: w, bias: new Float64Array(rows) }]);

describe("PA rewiring seen through the graph lens", () => {
  it("256×512 He-normal: in- and out-strength variances drop ≥ 15×, the weights' multiset is unchanged", async () => {
    const rng = createRng(123), std = Math.sqrt(2 / cols);
    const before = Float64Array.from({ length: rows * cols }, () => rng.normal() * std);
    const after = paRewire(before.slice(), rows, cols, createRng(7));
    const opts = { graphology: false, drawEdges: 0 };
    const a = (await graphMeasures(layer(before), undefined, opts)).matrices[0]!, b = (await graphMeasures(layer(after), undefined, opts)).matrices[0]!;
    // analytic: var(row sums) = cols·2/cols = 2, var(column sums) = rows·2/cols = 1
    expect(a.rowSumVariance).toBeGreaterThan(1.6); expect(a.rowSumVariance).toBeLessThan(2.4);
    expect(a.columnSumVariance).toBeGreaterThan(0.8); expect(a.columnSumVariance).toBeLessThan(1.2);
    expect(a.columnSumVariance / b.columnSumVariance).toBeGreaterThan(15);
    expect(a.rowSumVariance / b.rowSumVariance).toBeGreaterThan(15);
    expect(Array.from(after).sort((x, y) => x - y)).toEqual(Array.from(before).sort((x, y) => x - y));
    expect(Array.from(after)).not.toEqual(Array.from(before));
  });
});
