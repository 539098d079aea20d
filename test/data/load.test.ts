import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/node/data.js";
import { encodeNpy } from "../../src/data/npy.js";
import { codeOf } from "../helpers/errors.js";

describe("loadDataset", () => {
  it("resolves the mnist names to the documented split", () => {
    expect(loadDataset("mnist").n).toBe(10000);
    expect(loadDataset("mnist:all").n).toBe(10000);
    expect(loadDataset("MNIST:train").n).toBe(8000);
    const te = loadDataset("mnist:test");
    expect([te.n, te.shape]).toEqual([2000, [784]]);
    expect(codeOf(() => loadDataset("mnist:val"))).toMatch(/^BAD_ARGUMENT: unknown mnist split 'val'/);
  });

  it("sniffs NPY from the bytes whatever the extension, and reads other files as CSV", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-load-"));
    const a = path.join(dir, "data.bin");
    writeFileSync(a, encodeNpy(Float64Array.from([1, 2, 3, 4]), [2, 2]));
    const ds = loadDataset(a, { labelColumn: "1" });
    expect(Array.from(ds.x)).toEqual([1, 3]);
    expect(Array.from(ds.labels!)).toEqual([2, 4]);
    const c = path.join(dir, "d.csv");
    writeFileSync(c, "f,cls\n0.5,1\n");
    const dc = loadDataset(c, { labelColumn: "cls" });
    expect(Array.from(dc.labels!)).toEqual([1]);
    expect(codeOf(() => loadDataset(c, { labels: a }))).toMatch(/^BAD_ARGUMENT: a separate labels file/);
    expect(codeOf(() => loadDataset(path.join(dir, "missing.csv")))).toMatch(/^BAD_DATA: .*missing.csv: cannot read: ENOENT/);
  });
});
