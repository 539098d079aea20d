import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { multiplicityOf } from "../../src/core/weights/multiplicity.js";
import { trainActivations } from "../../src/train/activations.js";

describe("activation multiplicity (first non-zero derivative at 0, computed)", () => {
  it("gives the condensation paper's values: tanh 1, xtanh 2, x2tanh 3", () => {
    expect(trainActivations.tanh.multiplicity.order).toBe(1);
    expect(trainActivations.xtanh.multiplicity.order).toBe(2);
    expect(trainActivations.x2tanh.multiplicity.order).toBe(3);
    expect(trainActivations.xtanh.multiplicity.derivatives[1]).toBeCloseTo(2, 5);
    expect(trainActivations.x2tanh.multiplicity.derivatives[2]).toBeCloseTo(6, 4);
  });

  it("gives 1 with the right first derivative for the smooth ones", () => {
    const first: Record<string, number> = {
      sigmoid: 0.25, softplus: 0.5, gelu: 0.5, silu: 0.5, mish: Math.tanh(Math.log(2)), hardtanh: 1, tanh: 1, elu: 1,
    };
    for (const [name, d] of Object.entries(first)) {
      const m = trainActivations[name as keyof typeof trainActivations].multiplicity;
      expect(m.order, name).toBe(1);
      expect(m.derivatives[0], name).toBeCloseTo(d, 6);
    }
  });

  it("is undefined for activations with a kink at 0 (the definition does not apply)", () => {
    for (const name of ["relu", "leakyrelu", "abs"] as const) {
      const m = trainActivations[name].multiplicity;
      expect(m.order, name).toBeNull();
      expect(m.reason, name).toMatch(/not differentiable at 0/);
    }
  });

  it("detects kinks in higher derivatives and vanishing Taylor series", () => {
    expect(multiplicityOf((x) => x * Math.abs(x)).order).toBeNull();
    expect(multiplicityOf(() => 3).order).toBeNull();
    expect(multiplicityOf(() => 3).reason).toMatch(/vanishes/);
    expect(multiplicityOf((x) => Math.cos(x)).order).toBe(2);
    expect(multiplicityOf((x) => x ** 3 * Math.tanh(x)).order).toBe(4);
  });

  it("recovers p for c·x^p + higher-order terms + a constant (property)", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.double({ min: 0.2, max: 5, noNaN: true }), fc.boolean(),
      fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }),
      (p, c, neg, c1, c0) => {
        const a = neg ? -c : c;
        const f = (x: number): number => c0 + a * x ** p + c1 * x ** (p + 1);
        const m = multiplicityOf(f);
        let fact = 1;
        for (let i = 2; i <= p; i++) fact *= i;
        return m.order === p && Math.abs(m.derivatives[p - 1]! - a * fact) < 1e-3 * fact * Math.abs(a);
      },
    ), { numRuns: 60 });
  });
});
