// Large results (issue 16 G): the size of the JSON and of the picture is estimated before either is
// built; too large is LIMIT_EXCEEDED (exit 3) after the summary is printed, and a failed command writes
// no picture and no JSON (all or nothing). The JSON is streamed in chunks, never one string.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { planeThrough, sliceRegions } from "../../src/lenses/regions/index.js";
import { saveNetwork } from "../../src/node/files.js";
import { estimateJsonBytes, jsonChunks, toJson } from "../../src/cli/json.js";
import { OutputStage } from "../../src/cli/outputs.js";
import { estimateSliceSvgBytes, renderSliceSvg } from "../../src/report/slice-svg.js";
import { errorLine, netsizeAll } from "./run.js";

const dir = mkdtempSync(path.join(tmpdir(), "netsize-large-"));
const f = (name: string): string => path.join(dir, name);
const net = randomMlp([2, 40, 40, 3], { seed: 3, biasStd: 0.5 });
const PLANE = "0,0;1,0;0,1";
const slice = () => sliceRegions(net, planeThrough(Float64Array.from([0, 0]), Float64Array.from([1, 0]), Float64Array.from([0, 1])), { halfWidth: 5 });

beforeAll(async () => { await saveNetwork(net, f("net.json")); });

describe("size estimates", () => {
  it("estimate the JSON within 5% and the slice SVG within 50%, from samples of the lists", () => {
    const r = slice();
    expect(r.count).toBeGreaterThan(2000);
    const json = Buffer.byteLength(toJson(r)), svg = Buffer.byteLength(renderSliceSvg(r));
    expect(Math.abs(estimateJsonBytes(r) - json) / json).toBeLessThan(0.05);
    expect(estimateSliceSvgBytes(r) / svg).toBeGreaterThan(0.8);
    expect(estimateSliceSvgBytes(r) / svg).toBeLessThan(1.5);
  });

  it("jsonChunks gives the same text as one JSON document, in pieces of at most a few thousand list elements", () => {
    const value = { schema: "x/1", list: new Float64Array(100_000).map((_, i) => i / 7), rows: Array.from({ length: 3000 }, (_, i) => ({ i, p: [i, i + 0.5] })), none: undefined };
    const chunks = [...jsonChunks(value)];
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(100_000);
    const text = chunks.join("");
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify({ ...value, list: Array.from(value.list) })));
    expect(text.split("\n").find((l) => l.includes('"list"'))!.length).toBeGreaterThan(100_000); // a number list stays on one line
  });

  it("a staged JSON over its byte limit is LIMIT_EXCEEDED and leaves no temporary file", async () => {
    const stage = new OutputStage();
    let code = "";
    try {
      await stage.putJson(f("big.json"), { list: new Float64Array(500_000).fill(1 / 3) }, 1 << 20, "raise the test's limit");
    } catch (e) {
      code = isNetsizeError(e) ? `${e.code}: ${e.message}` : String(e);
    }
    stage.discard();
    expect(code).toMatch(/^LIMIT_EXCEEDED: the JSON result is larger than 1\.0 MiB.*raise the test's limit/);
    expect(readdirSync(dir).filter((n) => n.startsWith(".big.json"))).toEqual([]);
    expect(existsSync(f("big.json"))).toBe(false);
  });
});

describe("netsize regions: too large is LIMIT_EXCEEDED, the summary is printed, nothing is written", () => {
  it("a JSON over --max-output-mb, or more regions than --max-regions, writes no picture and no JSON", async () => {
    const outs = (tag: string): string[] => ["--svg", f(`${tag}.svg`), "--png", f(`${tag}.png`), "--json", f(`${tag}.json`)];
    const [tooBig, tooMany, fine] = await netsizeAll([
      ["regions", f("net.json"), "--plane", PLANE, "--half-width", "5", ...outs("big"), "--max-output-mb", "1"],
      ["regions", f("net.json"), "--plane", PLANE, "--half-width", "5", ...outs("many"), "--max-regions", "50"],
      ["regions", f("net.json"), "--plane", PLANE, "--half-width", "5", ...outs("fine"), "--max-output-mb", "8"],
    ]);
    expect([errorLine(tooBig!).code, tooBig!.code]).toEqual(["LIMIT_EXCEEDED", 3]);
    expect(errorLine(tooBig!).line).toMatch(/the JSON result would take about 1\.\d MiB, more than 1\.0 MiB; nothing was written — raise --max-output-mb, lower --max-regions/);
    expect(tooBig!.stdout).toMatch(/^slice through point 0, point 1, point 2 \(half-width 5\): 2,\d{3} regions/);
    expect(tooMany!.code).toBe(3);
    expect(tooMany!.stderr).toMatch(/^netsize: LIMIT_EXCEEDED: more than 50 regions; raise --max-regions/);
    for (const tag of ["big", "many"]) for (const ext of ["svg", "png", "json"]) expect(existsSync(f(`${tag}.${ext}`)), `${tag}.${ext}`).toBe(false);
    expect(fine!.code).toBe(0);
    const j = JSON.parse(readFileSync(f("fine.json"), "utf8")) as { schema: string; count: number; regions: unknown[] };
    expect(j.schema).toBe("netsize.regions.slice/1");
    expect(j.regions.length).toBe(j.count);
    expect(readFileSync(f("fine.svg"), "utf8")).toMatch(/^<svg/);
    expect(readFileSync(f("fine.png")).subarray(1, 4).toString()).toBe("PNG");
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect((j.regions[0] as { pattern?: string }).pattern).toMatch(/^[01]{40}\|[01]{40}$/);
  });

  it("the region list is built only for --json/--svg/--png and counted in --max-memory-mb; --no-patterns leaves the patterns out", async () => {
    const base = ["regions", f("net.json"), "--plane", PLANE, "--half-width", "5"];
    const [summary, json, noPat] = await netsizeAll([
      [...base, "--max-memory-mb", "1"],
      [...base, "--max-memory-mb", "1", "--json", f("mem.json")],
      [...base, "--no-patterns", "--json", f("nopat.json")],
    ]);
    // The partition alone fits in 1 MiB; with its list (~1.4 KB a region, 2,000+ regions) it does not.
    expect(summary!.code).toBe(0);
    expect(summary!.stdout).toMatch(/^slice through point 0, point 1, point 2 \(half-width 5\): 2,\d{3} regions/);
    expect(json!.code).toBe(3);
    expect(json!.stderr).toMatch(/^netsize: LIMIT_EXCEEDED: the partition and its region list \(~1,\d{3} bytes a region\) need more than 1 MiB .*--no-patterns.*--max-memory-mb\)\nnetsize: partial result: \{"regionsAtLeast":\d+,/);
    expect(existsSync(f("mem.json"))).toBe(false);
    expect(noPat!.code).toBe(0);
    const j = JSON.parse(readFileSync(f("nopat.json"), "utf8")) as { count: number; regions: { pattern?: string; polygon: unknown[] }[] };
    expect(j.regions.length).toBe(j.count);
    expect(j.regions.every((r) => r.pattern === undefined && r.polygon.length >= 3)).toBe(true);
  });
});
