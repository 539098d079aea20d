// Exact regions on domains where float64 overflows (issue 16, item 1): a NaN or ∞ in a unit's map
// must not silently decide its state (NaN > tol is false: "on the line", then "inactive"); netsize
// refuses with DOMAIN_MISMATCH. Huge but representable domains are still partitioned exactly.
import { describe, expect, it } from "vitest";
import { uniformBox } from "../../src/core/domain.js";
import { mlp } from "../../src/core/network.js";
import { patternHoldsAt } from "../../src/lenses/regions/box-affine.js";
import { boxRegions } from "../../src/lenses/regions/box.js";
import { planeFromDirections } from "../../src/lenses/regions/anchors.js";
import { lineRegions } from "../../src/lenses/regions/line.js";
import { sliceRegions } from "../../src/lenses/regions/slice.js";
import { expectThrows } from "../helpers/errors.js";

const f64 = (a: number[]): Float64Array => Float64Array.from(a);

/** relu(w·x), relu(w·y), relu(w·(x + y) − b) and an output that sums them. */
function lines(w: number, b = 1) {
  return mlp([2, 3, 1], [
    { weight: f64([w, 0, 0, w, w, w]), bias: f64([0, 0, -b]) },
    { weight: f64([1, 1, 1]), bias: f64([0]) },
  ]);
}

describe("exact regions where float64 overflows", () => {
  it("a slice or line whose maps overflow is DOMAIN_MISMATCH, not a silent guess", () => {
    const plane = planeFromDirections([0, 0], [1, 0], [0, 1]);
    // 1e300 × 1e10 overflows in the unit's map (its scale is ∞).
    expectThrows(() => sliceRegions(lines(1e300), plane, { halfWidth: 1e10 }), "DOMAIN_MISMATCH");
    expectThrows(() => lineRegions(lines(1e300), { point: [0, 0], direction: [1, 1], range: [-1e10, 1e10] }), "DOMAIN_MISMATCH");
    // The area of a square of half-width 1e200 is ∞.
    expectThrows(() => sliceRegions(lines(1), plane, { halfWidth: 1e200 }), "DOMAIN_MISMATCH");
  });

  it("huge but representable domains are still exact: the three lines cut a square of half-width 1e150 into 7 regions", () => {
    const r = sliceRegions(lines(1, 1e149), planeFromDirections([0, 0], [1, 0], [0, 1]), { halfWidth: 1e150, verify: true });
    expect(r.count).toBe(7);
    expect(r.verification!.mismatches).toBe(0);
    expect(r.areaSum / 4e300).toBeCloseTo(1, 12);
  });

  it("a box whose maps overflow is DOMAIN_MISMATCH; a box of ±1.7e308 (width overflows, maps do not) is exact", async () => {
    await expect(boxRegions(lines(1e300), uniformBox(2, -1e10, 1e10))).rejects.toMatchObject({ code: "DOMAIN_MISMATCH" });
    const r = await boxRegions(lines(1e-10, 1e297), uniformBox(2, -1.7e308, 1.7e308));
    expect(r.count).toBe(7);
    expect(r.unconfirmed).toBe(0);
  });

  it("patternHoldsAt fails on a NaN pre-activation instead of accepting it", () => {
    const net = lines(1);
    const pats = net.layers.map((l) => (l.kind === "activation" ? new Uint8Array(3) : undefined));
    expect(patternHoldsAt(net, pats, f64([-1, -1]), 1e-9)).toBe(true);
    expect(patternHoldsAt(net, pats, f64([NaN, -1]), 1e-9)).toBe(false);
  });
});
