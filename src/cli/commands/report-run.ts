// The run part of `netsize report RUN`: regions on the report's fixed slice and stable units (CROWN on
// the domain) for every snapshot, and condensation.run and graph.run over the snapshots.
import type { Box } from "../../core/domain.js";
import type { Dataset } from "../../data/dataset.js";
import type { GraphRunSnapshot } from "../../lenses/graph/index.js";
import type { SliceResult } from "../../lenses/regions/index.js";
import type { StabilityResult } from "../../lenses/stability/index.js";
import type { RunPoint } from "../../report/charts.js";
import type { planReport, ReportEntry } from "../../report/plan.js";
import type { RunReport } from "../../report/run-section.js";
import { ReportProgress, runJob } from "../report-runner.js";

/** Per snapshot at most this many seconds for each of its two figures. */
const SNAPSHOT_BUDGET_S = 60;

/** The run's curves and its two run lenses; `progress` has 2 × snapshots + 2 jobs left. */
export async function runPart(folder: string, snapshots: GraphRunSnapshot[], plan: ReturnType<typeof planReport>, box: Box | undefined, data: Dataset | undefined, budget: number, progress: ReportProgress): Promise<RunReport> {
  const slice = plan.jobs.find((j) => j.lens === "regions.slice");
  const per = Math.min(budget, SNAPSHOT_BUDGET_S);
  const notes: string[] = [];
  const points: RunPoint[] = [];
  for (const s of snapshots) {
    const p: RunPoint = { epoch: s.epoch, step: s.step, ...(s.metrics?.loss !== undefined ? { loss: s.metrics.loss } : {}), ...(s.metrics?.accuracy !== undefined ? { accuracy: s.metrics.accuracy } : {}), ...(s.metrics?.testAccuracy !== undefined ? { testAccuracy: s.metrics.testAccuracy } : {}) };
    if (slice) {
      const e = await runJob(s.network, { ...slice, options: { ...slice.options, details: false }, budget: per }, progress.next(`${s.name} slice`));
      if (e.status === "ok") p.regions = (e.result as SliceResult).count; else notes.push(`${s.name}: regions on the slice skipped: ${e.why}`);
    } else progress.next("slice");
    if (box) {
      const e = await runJob(s.network, { lens: "stability", input: box, options: { method: "crown", timeLimit: per }, budget: per, what: box.source ?? "the domain" }, progress.next(`${s.name} stability`));
      if (e.status === "ok") { const t = (e.result as StabilityResult).totals; p.stable = t.stablyActive + t.stablyInactive; p.units = t.units; } else notes.push(`${s.name}: stable units skipped: ${e.why}`);
    } else progress.next("stability");
    points.push(p);
  }
  if (!slice) notes.push("regions per snapshot skipped: the report has no slice (give --data with three classes or a domain)");
  if (!box) notes.push("stable units per snapshot skipped: no domain (give --box, --vnnlib or --ball)");
  const net = snapshots[snapshots.length - 1]!.network;
  const entries: ReportEntry[] = [];
  entries.push(await runJob(net, { lens: "condensation.run", input: { snapshots, ...(data ? { data } : {}) }, options: {}, budget, what: `${snapshots.length} snapshots` }, progress.next("condensation.run")));
  entries.push(await runJob(net, { lens: "graph.run", input: { snapshots }, options: {}, budget, what: `${snapshots.length} snapshots` }, progress.next("graph.run")));
  return { folder, points, slice: slice?.what ?? "no slice", domain: box ? `${box.source ?? "the domain"} (CROWN)` : "no domain", notes, entries };
}
