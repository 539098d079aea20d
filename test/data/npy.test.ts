import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeNpy, parseNpy } from "../../src/data/npy.js";
import { loadNpy } from "../../src/node/data.js";
import { codeOf } from "../helpers/errors.js";

/** Build .npy bytes by hand (independent of encodeNpy): header dict, padded, then the raw element bytes. */
function npy(descr: string, shape: number[], write: (v: DataView) => void, byteLen: number, opts: { version?: number; fortran?: boolean } = {}): Uint8Array {
  const version = opts.version ?? 1;
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  const dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? "True" : "False"}, 'shape': (${dims}), }\n`;
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + dict.length + byteLen);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, dict.length, true); else v.setUint32(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), pre);
  write(new DataView(out.buffer, pre + dict.length));
  return out;
}

describe("NPY loader", () => {
  it("decodes every supported dtype and byte order", () => {
    const f4 = npy("<f4", [2, 2], (v) => [0.5, -1, 2, 3.25].forEach((x, i) => v.setFloat32(i * 4, x, true)), 16);
    expect(parseNpy(f4, "f4.npy")).toEqual({ descr: "<f4", shape: [2, 2], data: Float64Array.from([0.5, -1, 2, 3.25]) });
    const bf8 = npy(">f8", [3], (v) => [0.1, -2, 1e300].forEach((x, i) => v.setFloat64(i * 8, x, false)), 24, { version: 2 });
    expect(Array.from(parseNpy(bf8, "b.npy").data)).toEqual([0.1, -2, 1e300]);
    const i8 = npy("<i8", [2], (v) => { v.setBigInt64(0, -5n, true); v.setBigInt64(8, 1234567890123n, true); }, 16);
    expect(Array.from(parseNpy(i8, "i.npy").data)).toEqual([-5, 1234567890123]);
    const u1 = npy("|u1", [1, 3], (v) => [0, 128, 255].forEach((x, i) => v.setUint8(i, x)), 3, { version: 3 });
    expect(parseNpy(u1, "u.npy").shape).toEqual([1, 3]);
    expect(Array.from(parseNpy(u1, "u.npy").data)).toEqual([0, 128, 255]);
    const i2 = npy(">i2", [2], (v) => { v.setInt16(0, -300, false); v.setInt16(2, 7, false); }, 4);
    expect(Array.from(parseNpy(i2, "i2.npy").data)).toEqual([-300, 7]);
    const f2 = npy("<f2", [3], (v) => [0x3800, 0xc000, 0x7bff].forEach((x, i) => v.setUint16(i * 2, x, true)), 6);
    expect(Array.from(parseNpy(f2, "h.npy").data)).toEqual([0.5, -2, 65504]);
  });

  it("reports damage with the byte offset", () => {
    expect(codeOf(() => parseNpy(new Uint8Array(0), "e.npy"))).toMatch(/^BAD_DATA: e.npy: the file is empty/);
    expect(codeOf(() => parseNpy(new TextEncoder().encode("1,2,3\n"), "c.npy"))).toMatch(/^BAD_DATA: c.npy: not a .npy file/);
    const good = npy("<f8", [4], (v) => v.setFloat64(0, 1, true), 32);
    expect(codeOf(() => parseNpy(good.subarray(0, 9), "t.npy"))).toMatch(/truncated at byte offset 9/);
    expect(codeOf(() => parseNpy(good.subarray(0, 40), "t.npy"))).toMatch(/truncated: the header declares \d+ bytes at offset 10/);
    expect(codeOf(() => parseNpy(good.subarray(0, good.length - 8), "t.npy"))).toMatch(/^BAD_DATA: t.npy: truncated: shape \(4\) of <f8 needs 32 bytes from offset \d+, the file has 24$/);
    const fortran = npy("<f8", [2, 2], () => undefined, 32, { fortran: true });
    expect(codeOf(() => parseNpy(fortran, "f.npy"))).toMatch(/Fortran order/);
    const complex = npy("<c16", [1], () => undefined, 16);
    expect(codeOf(() => parseNpy(complex, "c.npy"))).toMatch(/dtype '<c16' is not supported/);
    const badVersion = good.slice(); badVersion[6] = 9;
    expect(codeOf(() => parseNpy(badVersion, "v.npy"))).toMatch(/byte offset 6: unknown .npy format version 9/);
  });

  it("round-trips encodeNpy for float64 and float32 arrays of any shape", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.integer(), (shape, f32, seed) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const vals = Array.from({ length: n }, (_, i) => Math.sin(seed + i) * 10 ** ((i % 7) - 3));
        const data = f32 ? Float32Array.from(vals) : Float64Array.from(vals);
        const bytes = encodeNpy(data, shape);
        expect((bytes.length - data.byteLength) % 64).toBe(0);
        const a = parseNpy(bytes, "r.npy");
        expect(a.shape).toEqual(shape);
        expect(a.descr).toBe(f32 ? "<f4" : "<f8");
        expect(Array.from(a.data)).toEqual(Array.from(data));
      }),
      { numRuns: 50 },
    );
  });

  it("loads a data set with labels from a second file or a column", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "netsize-npy-"));
    const xf = path.join(dir, "x.npy"), yf = path.join(dir, "y.npy");
    writeFileSync(xf, encodeNpy(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), [3, 2, 2]));
    writeFileSync(yf, npy("<i4", [3], (v) => [2, 0, 1].forEach((x, i) => v.setInt32(i * 4, x, true)), 12));
    const ds = loadNpy(xf, { labels: yf });
    expect([ds.n, ds.shape]).toEqual([3, [2, 2]]);
    expect(Array.from(ds.labels!)).toEqual([2, 0, 1]);
    const col = path.join(dir, "c.npy");
    writeFileSync(col, encodeNpy(Float64Array.from([0.5, 1, 0.25, 3]), [2, 2]));
    const dc = loadNpy(col, { labelColumn: -1 });
    expect(Array.from(dc.x)).toEqual([0.5, 0.25]);
    expect(Array.from(dc.labels!)).toEqual([1, 3]);
    expect(codeOf(() => loadNpy(col, { labelColumn: 0 }))).toMatch(/^BAD_DATA: .*c.npy: label in row 0 is 0.5/);
    expect(codeOf(() => loadNpy(xf, { labelColumn: 0 }))).toMatch(/needs a 2-D array/);
    writeFileSync(yf, npy("<i4", [2], (v) => v.setInt32(0, 1, true), 8));
    expect(codeOf(() => loadNpy(xf, { labels: yf }))).toMatch(/y.npy: has 2 labels for the 3 samples/);
    const nan = path.join(dir, "nan.npy");
    writeFileSync(nan, encodeNpy(Float64Array.from([1, NaN]), [2, 1]));
    expect(codeOf(() => loadNpy(nan))).toMatch(/^BAD_DATA: .*nan.npy: element 1 is NaN/);
  });
});
