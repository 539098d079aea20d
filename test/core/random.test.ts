import { describe, expect, it } from "vitest";
import { createRng } from "../../src/index.js";

describe("seeded rng", () => {
  it("is reproducible and roughly standard normal", () => {
    const a = createRng(42), b = createRng(42);
    const xs = Array.from({ length: 20000 }, () => a.normal());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.normal()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.04);
    const u = createRng(7);
    for (let i = 0; i < 1000; i++) { const r = u.next(); expect(r >= 0 && r < 1).toBe(true); }
  });
});
