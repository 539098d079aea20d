import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isNetsizeError } from "../../src/core/errors.js";
import { parseVnnlib } from "../../src/core/io/index.js";
import { HAVE_SHARED, model } from "../helpers/shared.js";

const read = (f: string): string => readFileSync(model(`vnncomp2021/${f}`), "utf8");

describe.skipIf(!HAVE_SHARED)("VNN-LIB: the VNN-COMP 2021 properties", () => {
  it("prop_1: ACAS Xu's 5-input box and one output assert", () => {
    const p = parseVnnlib(read("prop_1.vnnlib"), "prop_1.vnnlib");
    expect([p.numInputs, p.numOutputs]).toEqual([5, 5]);
    expect(Array.from(p.box.lower)).toEqual([0.6, -0.5, -0.5, 0.45, -0.5]);
    expect(Array.from(p.box.upper)).toEqual([0.679857769, 0.5, 0.5, 0.5, -0.45]);
    expect(p.outputCondition).toEqual(["(assert (>= Y_0 3.991125645861615))"]);
    expect(p.box.source).toBe("vnnlib prop_1.vnnlib");
  });

  it("prop_2 and prop_3 keep every output assert", () => {
    const p2 = parseVnnlib(read("prop_2.vnnlib"));
    expect(p2.outputCondition).toEqual(["(assert (<= Y_1 Y_0))", "(assert (<= Y_2 Y_0))", "(assert (<= Y_3 Y_0))", "(assert (<= Y_4 Y_0))"]);
    const p3 = parseVnnlib(read("prop_3.vnnlib"));
    expect(p3.box.lower[0]).toBe(-0.303531156);
    expect(p3.box.upper[2]).toBe(0.5);
  });

  it.each([["prop_0_0.03.vnnlib", 0.03], ["prop_1_0.05.vnnlib", 0.05]])("%s: a 784-input ε-ball clipped to [0,1]", (f, eps) => {
    const p = parseVnnlib(read(f), f);
    expect([p.numInputs, p.numOutputs]).toEqual([784, 10]);
    let interior = 0, worst = 0, minLo = Infinity, maxHi = -Infinity, maxWidth = 0;
    for (let i = 0; i < 784; i++) {
      const lo = p.box.lower[i]!, hi = p.box.upper[i]!;
      minLo = Math.min(minLo, lo);
      maxHi = Math.max(maxHi, hi);
      maxWidth = Math.max(maxWidth, hi - lo);
      if (lo > 0 && hi < 1) {
        interior++;
        worst = Math.max(worst, Math.abs(hi - lo - 2 * eps));
      }
    }
    expect(minLo).toBeGreaterThanOrEqual(0);
    expect(maxHi).toBeLessThanOrEqual(1);
    expect(maxWidth).toBeLessThanOrEqual(2 * eps + 1e-6);
    expect(worst).toBeLessThan(1e-6); // the property's bounds are float32 decimals
    expect(interior).toBeGreaterThan(20);
    expect(p.outputCondition).toHaveLength(1);
    expect(p.outputCondition[0]).toMatch(/^\(assert \(or\s+\(and \(>= Y_0 Y_\d\)\)/);
  });
});

describe("VNN-LIB: forms and errors", () => {
  const decl = "(declare-const X_0 Real)(declare-const X_1 Real)(declare-const Y_0 Real)";

  it("reads (<= c X_i) forms, conjunctions, comments, and keeps the tightest bound", () => {
    const p = parseVnnlib(`${decl}
      ; a comment (with parentheses
      (assert (<= -1 X_0)) (assert (>= 2.5e-1 X_0)) (assert (and (<= X_1 3) (>= X_1 1) (<= X_1 2)))
      (assert (or (and (<= Y_0 0)) (and (>= Y_0 1))))`);
    expect(Array.from(p.box.lower)).toEqual([-1, 1]);
    expect(Array.from(p.box.upper)).toEqual([0.25, 2]);
    expect(p.outputCondition).toEqual(["(assert (or (and (<= Y_0 0)) (and (>= Y_0 1))))"]);
  });

  it("a missing bound is DOMAIN_MISMATCH naming the input", () => {
    try {
      parseVnnlib(`${decl}(assert (<= X_0 1))(assert (>= X_0 0))(assert (<= X_1 1))`, "p.vnnlib");
      expect.unreachable();
    } catch (e) {
      expect(isNetsizeError(e, "DOMAIN_MISMATCH")).toBe(true);
      expect((e as Error).message).toBe("p.vnnlib: no bound for X_1 (lower); every input needs both");
    }
  });

  it("rejects malformed text, non-box input constraints and empty boxes", () => {
    const code = (t: string): string | undefined => {
      try { parseVnnlib(t); } catch (e) { return isNetsizeError(e) ? e.code : "OTHER"; }
      return undefined;
    };
    expect(code(`${decl}(assert (<= X_0 1)`)).toBe("BAD_DATA");
    expect(code(`${decl})`)).toBe("BAD_DATA");
    expect(code(`${decl}(assert (<= X_0 X_1))`)).toBe("DOMAIN_MISMATCH");
    expect(code(`${decl}(assert (or (<= X_0 1) (>= X_0 2)))`)).toBe("DOMAIN_MISMATCH");
    expect(code(`${decl}(assert (<= X_0 abc))`)).toBe("BAD_DATA");
    expect(code(`${decl}(assert (<= X_0 0))(assert (>= X_0 1))(assert (<= X_1 0))(assert (>= X_1 0))`)).toBe("DOMAIN_MISMATCH");
    expect(code(`${decl}(assert (<= (+ X_0 Y_0) 0))`)).toBe("DOMAIN_MISMATCH");
  });
  it("an empty assertion is DOMAIN_MISMATCH, not a crash (found by the fuzzer)", () => {
    const text = "(declare-const X_0 Real)\n(declare-const Y_0 Real)\n(assert ())\n(assert (<= X_0 1))\n";
    expect(() => parseVnnlib(text, "empty.vnnlib")).toThrow(expect.objectContaining({ code: "DOMAIN_MISMATCH" }));
  });
});
