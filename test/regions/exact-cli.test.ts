import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseLineSpec, parsePlaneSpec } from "../../src/cli/commands/regions-exact.js";
import { randomMlp } from "../../src/core/build.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { saveNetwork } from "../../src/node/files.js";
import { Dataset } from "../../src/data/dataset.js";
import { planeThrough } from "../../src/lenses/regions/anchors.js";
import { sliceRegions } from "../../src/lenses/regions/slice.js";
import { ROOT } from "../helpers/shared.js";

const data = (): Dataset => ({ name: "toy", n: 2, shape: [3], x: Float64Array.from([1, 2, 3, 4, 5, 6]), labels: Int32Array.from([7, 8]) });

function code(fn: () => unknown): string {
  try { fn(); } catch (e) { if (isNetsizeError(e)) return e.code; throw e; }
  return "none";
}

describe("regions --line / --plane specs", () => {
  it("reads points as dataset rows or numbers, and the direction form with a range", () => {
    const a = parseLineSpec("idx:1; 0,0,1 ;idx:0", 3, data);
    expect("points" in a.path && a.path.points.map((p) => Array.from(p))).toEqual([[4, 5, 6], [0, 0, 1], [1, 2, 3]]);
    expect(a.labels[0]).toBe("idx:1 (label 8)");
    const b = parseLineSpec("dir:idx:0;1,0,0;-2:3", 3, data);
    expect(b.path).toMatchObject({ range: [-2, 3] });
    expect("direction" in b.path && Array.from(b.path.direction as Float64Array)).toEqual([1, 0, 0]);
    const c = parsePlaneSpec("idx:0;idx:1;0,0,0", 3, data);
    expect(Array.from(c.plane.origin)).toEqual([5 / 3, 7 / 3, 3]);
    const d = parsePlaneSpec("dirs:0,0,0;1,0,0;0,1,0", 3, data);
    expect(Array.from(d.plane.origin)).toEqual([0, 0, 0]);
  });

  it("names what is wrong", () => {
    expect(code(() => parseLineSpec("idx:0", 3, data))).toBe("BAD_ARGUMENT");
    expect(code(() => parseLineSpec("idx:5;idx:0", 3, data))).toBe("BAD_ARGUMENT");
    expect(code(() => parseLineSpec("1,2;idx:0", 3, data))).toBe("DOMAIN_MISMATCH");
    expect(code(() => parseLineSpec("1,x,3;idx:0", 3, data))).toBe("BAD_ARGUMENT");
    expect(code(() => parsePlaneSpec("idx:0;idx:1", 3, data))).toBe("BAD_ARGUMENT");
    expect(code(() => parsePlaneSpec("0;1;2", 1, data))).toBe("DOMAIN_MISMATCH");
  });
});

describe("netsize regions --plane / --line (the CLI)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "netsize-exact-"));
  const net = randomMlp([3, 10, 10, 3], { seed: 8, biasStd: 0.5 });
  const file = path.join(dir, "net.json");
  const run = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "bin/netsize.js"), "regions", file, ...args], { encoding: "utf8", cwd: ROOT });

  it("writes the slice's JSON, SVG and PNG and prints a summary", async () => {
    await saveNetwork(net, file);
    const out = path.join(dir, "s.json");
    const r = run(["--plane", "1,0,0;0,1,0;0,0,1", "--half-width", "2", "--json", out, "--svg", path.join(dir, "s.svg"), "--png", path.join(dir, "s.png"), "--verify", "--quiet"]);
    expect(r.status).toBe(0);
    const json = JSON.parse(readFileSync(out, "utf8"));
    const lib = sliceRegions(net, planeThrough([1, 0, 0], [0, 1, 0], [0, 0, 1]), { halfWidth: 2 });
    expect(json.schema).toBe("netsize.regions.slice/1");
    expect(json.count).toBe(lib.count);
    expect(json.verification.mismatches).toBe(0);
    expect(r.stdout).toContain(`${lib.count} regions`);
    expect(readFileSync(path.join(dir, "s.svg"), "utf8")).toContain("<svg");
    expect(Array.from(readFileSync(path.join(dir, "s.png")).subarray(1, 4))).toEqual([80, 78, 71]);

    // The limit: exit 3, one error line, the partial count, and no JSON file.
    const lim = run(["--plane", "1,0,0;0,1,0;0,0,1", "--half-width", "2", "--max-regions", "3", "--json", path.join(dir, "x.json"), "--quiet"]);
    expect(lim.status).toBe(3);
    expect(lim.stderr).toMatch(/^netsize: LIMIT_EXCEEDED: more than 3 regions/);
    expect(lim.stderr).toContain('"regionsAtLeast":4');
    expect(() => readFileSync(path.join(dir, "x.json"))).toThrow();
  });

  it("prints the line's JSON on stdout", async () => {
    await saveNetwork(net, file);
    const r = run(["--line", "dir:0,0,0;1,1,1;-3:3", "--json", "--quiet"]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.schema).toBe("netsize.regions.line/1");
    expect(json.pieces).toBe(json.knots.length + 1);
    expect(json.path).toMatchObject({ kind: "direction", segments: [{ t0: -3, t1: 3 }] });
  });
});
