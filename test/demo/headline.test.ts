import { describe, expect, it } from "vitest";
import { createNetwork, uniformBox, forward, createRng, summarize } from "../../src/index.js";
import { headline } from "../../src/cli/demo/headline.js";
import { approx, renderTable } from "../../src/cli/demo/table.js";

/** A 4-6-6-3 ReLU net whose first two units of each layer are dead on [0,1]^4 (bias -50) and next two always on (bias +50). */
function netWithStableUnits() {
  const rng = createRng(5);
  const dense = (inSize: number, outSize: number) => {
    const weight = Float64Array.from({ length: inSize * outSize }, () => rng.normal() * 0.5);
    const bias = Float64Array.from({ length: outSize }, (_, i) => (i < 2 ? -50 : i < 4 ? 50 : 0.1 * rng.normal()));
    return { kind: "dense" as const, inSize, outSize, weight, bias };
  };
  return createNetwork([4], [dense(4, 6), { kind: "activation", fn: "relu" }, dense(6, 6), { kind: "activation", fn: "relu" }, { ...dense(6, 3), bias: new Float64Array(3) }]);
}

describe("demo headline measurement", () => {
  it("finds the planted stable units, compresses exactly, and counts slice regions within the bound", async () => {
    const net = netWithStableUnits();
    const box = uniformBox(4, 0, 1);
    const anchors = [[0.1, 0.2, 0.3, 0.4], [0.9, 0.1, 0.5, 0.2], [0.4, 0.8, 0.1, 0.7]].map((a) => Float64Array.from(a)) as [Float64Array, Float64Array, Float64Array];
    const { row, compressed } = await headline("planted", net, { anchors, halfWidth: 2, box, points: 5000 });
    // Layer 1's planted units are stable for sure; layer 2's dead ones too (their inputs are bounded on the box).
    expect(row.stable.inactive).toBeGreaterThanOrEqual(4);
    expect(row.stable.active).toBeGreaterThanOrEqual(2);
    expect(row.stable.units).toBe(12);
    expect(row.compressed.params).toBeLessThan(row.params);
    expect(row.compressed.maxAbsDiff).toBeLessThanOrEqual(1e-9);
    expect(summarize(compressed).params).toBe(row.compressed.params);
    // The compressed network equals the original at an independent point of the box.
    const x = [0.33, 0.66, 0.5, 0.25];
    const a = forward(net, x), b = forward(compressed, x);
    for (let i = 0; i < 3; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-12);
    expect(row.slice.regions).toBeGreaterThanOrEqual(1);
    expect(BigInt(row.slice.regions)).toBeLessThanOrEqual(BigInt(row.slice.serraUpper2d));
    const table = renderTable([row]);
    expect(table).toContain(`${row.stable.active + row.stable.inactive} of 12`);
  });

  it("writes big bounds as powers of ten and small ones exactly", () => {
    expect(approx("25502500")).toBe("≈ 2.5 × 10^7");
    expect(approx("120")).toBe("120");
  });
});
