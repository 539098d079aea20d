// Say the cost before paying it: a slice first counts distinct activation patterns on a coarse grid
// (a lower bound on its regions), and refuses up front when even that, or the density found by zooming
// into a saturated grid, is beyond the memory limit — instead of failing after minutes of partitioning.
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { planeThrough } from "../../src/lenses/regions/anchors.js";
import { sliceRegions } from "../../src/lenses/regions/slice.js";
import { loadNetwork } from "../../src/node/files.js";
import { loadMnist } from "../../src/node/data.js";
import { sample } from "../../src/data/dataset.js";
import { codeOf } from "../helpers/errors.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";

describe("the slice's up-front estimate", () => {
  const net = randomMlp([3, 12, 12, 3], { seed: 6, biasStd: 0.5 });
  const plane = planeThrough([1, 0, 0], [0, 1, 0], [0, 0, 1]);

  it("is a lower bound on the exact count, recorded in the result", () => {
    for (const h of [0.5, 2, 8]) {
      // 24 units: the region limit binds first at the defaults, so no estimate is spent; a smaller byte limit asks for it.
      expect(sliceRegions(net, plane, { halfWidth: h }).estimate).toBeUndefined();
      const r = sliceRegions(net, plane, { halfWidth: h, maxBytes: 2 ** 24 });
      const e = r.estimate!;
      expect(e.grid).toBe(32);
      expect(e.points).toBe(32 * 32);
      expect(e.distinctPatterns).toBeGreaterThan(0);
      expect(e.distinctPatterns).toBeLessThanOrEqual(r.count);
      expect(e.bytesAtLeast).toBe(e.distinctPatterns * (24 + 64));
    }
  });

  it("refuses up front, computing nothing, when the lower bound's storage exceeds the memory limit", () => {
    const r = sliceRegions(net, plane, { halfWidth: 8, maxBytes: 2 ** 24 });
    expect(codeOf(() => sliceRegions(net, plane, { halfWidth: 8, maxBytes: r.estimate!.bytesAtLeast - 1 }))).toMatch(/^LIMIT_EXCEEDED: a 32×32 grid .*need more than 0 MiB; nothing was computed/);
  });

  it.skipIf(!HAVE_SHARED)("a CNN's slice at the default half-width is refused by the zoomed density estimate", async () => {
    const cnn = await loadNetwork(model("vnncomp2021/Convnet_avgpool.onnx"));
    const ds = loadMnist("all");
    const p = planeThrough(sample(ds, 0), sample(ds, 1), sample(ds, 2));
    expect(codeOf(() => sliceRegions(cnn, p, {}))).toMatch(/^LIMIT_EXCEEDED: this slice is too fine for the memory limit: .*estimates about [\d,]+ regions, which would need about [\d,]+ MiB \(limit 1024 MiB\); nothing was computed/);
  });
});
