import { describe, expect, it } from "vitest";
import { loadMnist, loadMnistAll, firstOfClass } from "../../src/node/data.js";

describe("mnist package data", () => {
  it("has 10,000 digits in [0,1] and a fixed 8,000/2,000 split", () => {
    const all = loadMnistAll();
    expect(all.n).toBe(10000);
    let lo = Infinity, hi = -Infinity;
    for (const v of all.x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBe(0);
    expect(hi).toBeLessThanOrEqual(1);
    const tr = loadMnist("train"), te = loadMnist("test");
    expect([tr.n, te.n]).toEqual([8000, 2000]);
    const counts = new Array(10).fill(0);
    for (const l of te.labels!) counts[l]++;
    expect(counts.every((c) => c > 120 && c < 280)).toBe(true);
    expect(Array.from(loadMnist("test").labels!.slice(0, 20))).toEqual(Array.from(te.labels!.slice(0, 20)));
    expect(all.labels![firstOfClass(3)]).toBe(3);
  });
});
