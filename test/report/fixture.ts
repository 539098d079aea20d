// A small report built in-process (no worker threads): a 2-8-8-3 ReLU net, three classes of 2-D points, the box [-2,2]².
import { randomMlp } from "../../src/core/build.js";
import { uniformBox } from "../../src/core/domain.js";
import type { Dataset } from "../../src/data/dataset.js";
import { LENSES } from "../../src/lenses/registry.js";
import type { InfoResult } from "../../src/lenses/info/index.js";
import { orderEntries, planReport, type ReportEntry } from "../../src/report/plan.js";
import type { ReportInput } from "../../src/report/assemble.js";


export const net = randomMlp([2, 8, 8, 3], { seed: 3 });
export const box = uniformBox(2, -2, 2, "[-2,2]^2");
export const data: Dataset = {
  name: "three-blobs", n: 90, shape: [2],
  x: Float64Array.from({ length: 180 }, (_, i) => { const s = Math.floor(i / 2), c = s % 3, k = i % 2; return [[-1, -1], [1, -1], [0, 1]][c]![k]! + 0.3 * Math.sin(7 * s + 3 * k); }),
  labels: Int32Array.from({ length: 90 }, (_, s) => s % 3),
};

/** Plan and run the report of the fixture in-process (small options where a lens has big defaults). */
export async function smallReport(): Promise<{ input: ReportInput; planned: string[]; skipped: string[] }> {
  const plan = planReport(net, { file: "fixture", data, box, budget: 30 });
  const entries: ReportEntry[] = [...plan.skipped];
  const small: Record<string, object> = { compress: { points: 2000, timeLimit: 10 }, simplicity: { curvePoints: 11, gdvPerClass: 10 } };
  for (const j of plan.jobs) {
    const result = await LENSES[j.lens].run(net, j.input as never, { ...j.options, ...(small[j.lens] ?? {}) } as never, {});
    entries.push({ lens: j.lens, status: "ok", result, input: j.what, seconds: result.timings.total / 1000, budget: j.budget });
  }
  const ordered = orderEntries(entries);
  const info = ordered.find((e) => e.lens === "info")!.result as InfoResult;
  return {
    input: { title: "fixture report", model: "fixture", info, entries: ordered, sliceLabels: plan.sliceLabels, data: "three-blobs (90 samples)", domain: box.source! },
    planned: plan.jobs.map((j) => j.lens), skipped: plan.skipped.map((s) => s.lens),
  };
}
