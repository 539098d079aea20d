import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCsv } from "../../src/node/data.js";
import { parseCsv } from "../../src/data/csv.js";
import { codeOf } from "../helpers/errors.js";

describe("CSV loader", () => {
  it("reads a headerless numeric file row-major", () => {
    const ds = parseCsv("1,2,3\n4,5.5,-6e-1\n", "a.csv");
    expect(ds.n).toBe(2);
    expect(ds.shape).toEqual([3]);
    expect(Array.from(ds.x)).toEqual([1, 2, 3, 4, 5.5, -0.6]);
    expect(ds.labels).toBeUndefined();
  });

  it("detects a header and takes the label column by name, index or negative index", () => {
    const text = "a,b,label\r\n0.5,1,3\r\n\r\n0.25,2,7\r\n";
    for (const col of ["label", 2, -1, "2"] as const) {
      const ds = parseCsv(text, "h.csv", { labelColumn: col });
      expect(ds.n).toBe(2);
      expect(Array.from(ds.x)).toEqual([0.5, 1, 0.25, 2]);
      expect(Array.from(ds.labels!)).toEqual([3, 7]);
    }
    const first = parseCsv("y,x\n1,0.5\n", "h.csv", { labelColumn: 0 });
    expect(Array.from(first.labels!)).toEqual([1]);
    expect(Array.from(first.x)).toEqual([0.5]);
  });

  it("applies a per-sample shape", () => {
    const ds = parseCsv("1,2,3,4\n", "s.csv", { shape: [1, 2, 2] });
    expect(ds.shape).toEqual([1, 2, 2]);
    expect(codeOf(() => parseCsv("1,2,3\n", "s.csv", { shape: [2, 2] }))).toMatch(/^BAD_DATA: s.csv: shape \[2,2\]/);
  });

  it("names the file, line and column of bad input", () => {
    expect(codeOf(() => parseCsv("", "e.csv"))).toMatch(/^BAD_DATA: e.csv: the CSV file is empty/);
    expect(codeOf(() => parseCsv("a,b\n", "h.csv"))).toMatch(/^BAD_DATA: h.csv: .*no data lines/);
    expect(codeOf(() => parseCsv("1,2\n3\n", "r.csv"))).toBe("BAD_DATA: r.csv: line 2 has 1 fields, expected 2 like the first line");
    expect(codeOf(() => parseCsv("1,2\n3,x\n", "n.csv"))).toBe("BAD_DATA: n.csv: line 2, column 2: 'x' is not a finite number");
    expect(codeOf(() => parseCsv("1,2\n3,NaN\n", "n.csv"))).toMatch(/line 2, column 2: 'NaN'/);
    expect(codeOf(() => parseCsv("1,2\n3,Infinity\n", "n.csv"))).toMatch(/line 2, column 2/);
    expect(codeOf(() => parseCsv("1,2\n3,\n", "n.csv"))).toMatch(/line 2, column 2/);
    expect(codeOf(() => parseCsv("1,2.5\n", "l.csv", { labelColumn: 1 }))).toMatch(/^BAD_DATA: l.csv: line 1, column 2: label '2.5'/);
    expect(codeOf(() => parseCsv("1,-1\n", "l.csv", { labelColumn: 1 }))).toMatch(/label '-1'/);
    expect(codeOf(() => parseCsv("a,b\n1,2\n", "l.csv", { labelColumn: "c" }))).toMatch(/^BAD_DATA: l.csv: no column named 'c' \(columns: a, b\)/);
    expect(codeOf(() => parseCsv("1,2\n", "l.csv", { labelColumn: 5 }))).toMatch(/label column 5 is outside/);
    expect(codeOf(() => parseCsv("1\n", "l.csv", { labelColumn: 0 }))).toMatch(/no feature columns/);
    expect(codeOf(() => loadCsv("/nonexistent/x.csv"))).toMatch(/^BAD_DATA: \/nonexistent\/x.csv: cannot read: ENOENT/);
  });

  it("round-trips any finite matrix written with full precision", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-csv-"));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 36 }),
        fc.boolean(),
        (d, vals, withLabels) => {
          const n = Math.floor(vals.length / d);
          fc.pre(n >= 1);
          const x = vals.slice(0, n * d).map((v) => (Object.is(v, -0) ? 0 : v));
          const rows = Array.from({ length: n }, (_, i) => [...x.slice(i * d, (i + 1) * d).map(String), ...(withLabels ? [String(i % 3)] : [])].join(","));
          const file = path.join(dir, "p.csv");
          writeFileSync(file, rows.join("\n") + "\n");
          const ds = loadCsv(file, { header: false, ...(withLabels ? { labelColumn: -1 } : {}) });
          expect(ds.n).toBe(n);
          expect(Array.from(ds.x)).toEqual(x);
          if (withLabels) expect(Array.from(ds.labels!)).toEqual(Array.from({ length: n }, (_, i) => i % 3));
        },
      ),
      { numRuns: 60 },
    );
  });
});
