// The demo's report of one trained network: the report's plan with the demo's own slice anchors and
// domain, the results the demo has measured already (accuracy, slice, compression) reused, every
// other lens run in-process on the held-out digits.
import type { Box } from "../../core/domain.js";
import type { LensContext, LensResultBase } from "../../core/lens.js";
import type { Network } from "../../core/network.js";
import type { Dataset } from "../../data/dataset.js";
import { LENSES } from "../../lenses/registry.js";
import type { InfoResult } from "../../lenses/info/index.js";
import type { ReportInput } from "../../report/assemble.js";
import { orderEntries, planReport, type ReportEntry } from "../../report/plan.js";

/** What the demo knows of one network when its report is made. */
export interface DemoReportInput {
  label: string;
  file: string;
  test: Dataset;
  box: Box;
  anchors: { points: Float64Array[]; labels: string[] };
  /** Results measured already, by lens name (they are not run again). */
  known: Partial<Record<string, LensResultBase>>;
}

/** Plan and run the report of one demo network (lenses in-process, in registry order). */
export async function demoReport(net: Network, d: DemoReportInput, ctx: LensContext = {}): Promise<ReportInput> {
  const t0 = performance.now();
  const plan = planReport(net, { file: d.file, data: d.test, box: d.box, anchors: d.anchors });
  const entries: ReportEntry[] = [...plan.skipped];
  const jobs = plan.jobs;
  for (let k = 0; k < jobs.length; k++) {
    const j = jobs[k]!;
    const known = d.known[j.lens];
    const t = performance.now();
    try {
      const result = known ?? await LENSES[j.lens].run(net, j.input as never, j.options as never, {
        ...(ctx.engine ? { engine: ctx.engine } : {}),
        onProgress: (p) => ctx.onProgress?.({ done: Math.floor((k + (p.total ? Math.min(1, p.done / p.total) : 0)) * 100), total: jobs.length * 100, stage: j.lens }),
      });
      entries.push({ lens: j.lens, status: "ok", result, input: j.what, seconds: known ? result.timings.total / 1000 : (performance.now() - t) / 1000 });
    } catch (e) {
      entries.push({ lens: j.lens, status: "skipped", why: `failed: ${(e as Error).message}`, input: j.what });
    }
    ctx.onProgress?.({ done: (k + 1) * 100, total: jobs.length * 100, stage: j.lens });
  }
  const ordered = orderEntries(entries);
  return {
    title: `netsize demo: ${d.label}`, model: d.file, info: ordered.find((e) => e.lens === "info")!.result as InfoResult,
    entries: ordered, sliceLabels: d.anchors.labels, data: `${d.test.name} (${d.test.n.toLocaleString("en-US")} held-out digits)`, domain: d.box.source ?? "the pixel box",
    seconds: (performance.now() - t0) / 1000,
  };
}
