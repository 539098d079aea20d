// The playground's URL state: a round trip keeps every field, weights exactly (float32 when they are,
// float64 otherwise), and malformed fields fall back to their defaults instead of reaching a decision.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, decodeWeights, encodeWeights, formatState, parseState } from "../../src/studio/app/state.js";

describe("the playground's URL state", () => {
  it("round-trips every field, the weights exactly", () => {
    const w = Float64Array.from(Float32Array.of(0.1, -2.5, 3e-8, 1234.5));
    const s = { ...DEFAULT_STATE, data: "spiral:n=300,noise=0.05,classes=3", hidden: [16, 16, 16], activation: "leakyrelu", l1: 0.001, lr: 0.1, steps: 50, view: { cx: 0.5, cy: -0.25, scale: 140 }, line: [-1, 0, 2, 1] as [number, number, number, number], weights: w };
    const back = parseState(formatState(s));
    expect(back).toEqual(s);
    expect(formatState(s)).toContain("w=f32%3A");
  });

  it("encodes float32 weights in 4 bytes each and any other float64 exactly", () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 50 }), (xs) => {
      const w = Float64Array.from(xs);
      const enc = encodeWeights(w);
      expect(Array.from(decodeWeights(enc)!)).toEqual(Array.from(w));
      const f32 = Float64Array.from(Float32Array.from(xs));
      expect(encodeWeights(f32).startsWith("f32:")).toBe(true);
    }));
  });

  it("ignores malformed fields: defaults, never NaN", () => {
    const s = parseState("#h=8,x,-1&lr=abc&batch=0&view=1,2&line=1,2,3&w=f32:%%%&every=NaN&steps=-5");
    expect(s.hidden).toEqual(DEFAULT_STATE.hidden);
    expect(s.lr).toBe(DEFAULT_STATE.lr);
    expect(s.batch).toBe(1);
    expect(s.every).toBe(DEFAULT_STATE.every);
    expect(s.steps).toBe(0);
    expect(s.view).toBeUndefined();
    expect(s.line).toBeUndefined();
    expect(s.weights).toBeUndefined();
    expect(decodeWeights("f32:AAA")).toBeUndefined();
    expect(decodeWeights("f64:AAAAAAAA")).toBeUndefined();
  });
});
