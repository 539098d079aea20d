// The region lists' memory is counted in the byte limit (list-bytes.ts): the estimate is checked against
// the JavaScript heap the lists really take on shared models, and a limit the partition alone would
// meet but the list would not is LIMIT_EXCEEDED, as soon as the count passes it, not an out-of-heap crash.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { randomMlp } from "../../src/core/build.js";
import { isNetsizeError } from "../../src/core/errors.js";
import { outputSize } from "../../src/core/network.js";
import { planeThrough, sliceRegions } from "../../src/lenses/regions/index.js";
import { lineIntervalBytes, patternChars, sliceRegionBytes } from "../../src/lenses/regions/list-bytes.js";
import { patternString, patternStrings } from "../../src/lenses/regions/verify.js";
import { partition } from "../../src/lenses/regions/partition.js";
import { loadNetwork } from "../../src/node/files.js";
import { HAVE_SHARED, model, ROOT } from "../helpers/shared.js";

/** Heap bytes a lens's list holds, measured in a fresh process (test/helpers/heap-probe.ts). */
function probe(job: object): { count: number; vertices: number; bytes: number } {
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", path.join(ROOT, "test/helpers/heap-probe.ts"), JSON.stringify(job)], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split("\n").pop()!) as { count: number; vertices: number; bytes: number };
}

describe("region-list memory", () => {
  it.skipIf(!HAVE_SHARED)("the slice estimate is at least the heap its region list takes and less than 1.5× it (10–100 outputs, with and without patterns)", async () => {
    for (const [rel, half] of [["exactcompression/mnist_100-100_l1-0.onnx", 40], ["vnncomp2021/ACASXU_run2a_1_1_batch_2000.onnx", 1.2], ["exactcompression/cifar100_400-400_l1-7.5e-5_after-compression.onnx", 12]] as const) {
      const net = await loadNetwork(model(rel));
      for (const patterns of [true, false]) {
        const r = probe({ kind: "slice", model: model(rel), half, patterns });
        expect(r.count, rel).toBeGreaterThan(4000);
        const b = sliceRegionBytes(outputSize(net), patternChars(net), patterns);
        const est = r.count * b.perCell + r.vertices * b.perVertex;
        expect(est / r.bytes, `${rel} patterns ${patterns}`).toBeGreaterThanOrEqual(1);
        expect(est / r.bytes, `${rel} patterns ${patterns}`).toBeLessThan(1.5);
      }
    }
  });

  it("the line estimate bounds its intervals' and breakpoints' heap; out-of-order patterns keep no batch alive", () => {
    // 3,000 units on one input: a line crosses ~3,000 breakpoints, each interval's pattern 3,000 characters.
    // The intervals are sorted by position, so patterns are asked for out of partition order: slices of
    // batch-decoded text held ~100 KB an interval here before. 40 outputs: the list without patterns
    // (~1.4 KB an interval) is well above the heap's noise.
    const net = randomMlp([1, 3000, 40], { seed: 1, biasStd: 1 });
    for (const [details, patterns] of [[true, false], [true, true]] as const) {
      const r = probe({ kind: "line", width: 3000, outputs: 40, details, patterns });
      expect(r.count).toBeGreaterThan(2900);
      const est = r.count * lineIntervalBytes(40, patternChars(net), details, patterns).perCell;
      expect(est / r.bytes, `details ${details} patterns ${patterns}`).toBeGreaterThanOrEqual(1);
      expect(est / r.bytes, `details ${details} patterns ${patterns}`).toBeLessThan(1.5);
    }
  });

  it("patternStrings gives patternString's strings in any order", () => {
    const net = randomMlp([2, 12, 9, 3], { seed: 4, biasStd: 0.5 });
    const P = partition(net, { origin: new Float64Array(2), basis: [Float64Array.of(1, 0), Float64Array.of(0, 1)], domain: Float64Array.from([-5, -5, 5, -5, 5, 5, -5, 5]) });
    expect(P.count).toBeGreaterThan(50);
    const of = patternStrings(P);
    const order = Array.from({ length: P.count }, (_, i) => (i * 37) % P.count);
    for (const i of order) expect(of(i)).toBe(patternString(P, i));
  });

  it("a byte limit the partition meets but its region list does not is LIMIT_EXCEEDED naming the list; without the list it passes", () => {
    const net = randomMlp([2, 40, 40, 3], { seed: 3, biasStd: 0.5 });
    const plane = planeThrough(Float64Array.from([0, 0]), Float64Array.from([1, 0]), Float64Array.from([0, 1]));
    const maxBytes = 2 ** 20;
    const bare = sliceRegions(net, plane, { halfWidth: 5, details: false, maxBytes });
    expect(bare.count).toBeGreaterThan(2000);
    // ~1.4 KB a region with patterns: 2,000 regions pass 1 MiB.
    let message = "";
    try { sliceRegions(net, plane, { halfWidth: 5, maxBytes }); } catch (e) { message = isNetsizeError(e) ? `${e.code}: ${e.message}` : String(e); }
    expect(message).toMatch(/^LIMIT_EXCEEDED: the partition and its region list \(~1,\d{3} bytes a region\) need more than 1 MiB \(at least [\d,]+ regions so far\); use a smaller domain \(--half-width\), leave out its pattern strings \(patterns: false; --no-patterns\)/);
    expect(Number(/at least ([\d,]+)/.exec(message)![1]!.replace(/,/g, ""))).toBeLessThan(bare.count);
    expect(sliceRegions(net, plane, { halfWidth: 5, maxBytes: 8 * maxBytes }).regions!.length).toBe(bare.count);
  });
});
