// The summary of a sweep's results: one row per setting the plan varies (seeds pooled), snapshot
// epoch and lens, with the number of jobs, the training loss at that epoch and the mean of each
// headline scalar.
import type { SweepPlan } from "./plan.js";
import type { SweepStore } from "./store.js";

/** A summary table: column names and rows. */
export interface SummaryTable {
  headers: string[];
  rows: (string | number)[][];
  /** Means that are the same in every row (of two or more), left out of the columns: name and value. */
  constants: { name: string; value: string }[];
  /** Jobs of the plan done, failed and not yet run. */
  jobs: { done: number; failed: number; missing: number };
  /** The errors of failed jobs (id → message). */
  errors: { id: string; error: string }[];
}

const FIXED = new Set(["job_id", "epoch", "step", "lens", "lens_index", "result", "seconds"]);
// Strings, not numbers: a table's number formatting (3 decimals) would print an L1 of 0.0003 as 0.
const fmt = (x: number): string => String(Number(x.toPrecision(4)));

/** Summarise the plan's rows in the store. */
export async function summarise(plan: SweepPlan, store: SweepStore): Promise<SummaryTable> {
  const ids = new Set(plan.jobs.map((j) => j.id));
  const states = await store.states();
  const mine = [...states.values()].filter((s) => ids.has(s.id));
  const jobs = { done: mine.filter((s) => s.status === "done").length, failed: mine.filter((s) => s.status === "failed").length, missing: ids.size - mine.length };
  const errors = mine.filter((s) => s.status === "failed").map((s) => ({ id: s.id, error: s.error ?? "" }));
  const r = await store.query(`SELECT r.*, m.loss AS train_loss, m.test_accuracy AS test_accuracy FROM results r LEFT JOIN metrics m ON m.job_id = r.job_id AND m.epoch = r.epoch ORDER BY r.lens_index, r.epoch`);
  const col = (n: string): number => r.columns.indexOf(n);
  const scalarCols = r.columns.filter((c) => !FIXED.has(c) && c !== "train_loss" && c !== "test_accuracy");
  const varied = Object.keys(plan.jobs[0]?.params ?? {}).filter((k) => k !== "seed" && new Set(plan.jobs.map((j) => JSON.stringify(j.params[k]))).size > 1);
  const byId = new Map(plan.jobs.map((j) => [j.id, j]));
  const groups = new Map<string, { key: (string | number)[]; n: number; sums: Map<string, { s: number; n: number }> }>();
  const used = new Set<string>();
  for (const row of r.rows) {
    const job = byId.get(String(row[col("job_id")]));
    if (!job) continue;
    const key = [...varied.map((k) => (typeof job.params[k] === "number" ? (job.params[k] as number) : String(job.params[k]))), Number(row[col("epoch")]), String(row[col("lens")])];
    const k = JSON.stringify(key);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { key, n: 0, sums: new Map() }));
    g.n++;
    for (const c of ["train_loss", "test_accuracy", ...scalarCols]) {
      const v = row[col(c)];
      if (typeof v !== "number") continue;
      used.add(c);
      const a = g.sums.get(c) ?? { s: 0, n: 0 };
      a.s += v; a.n++;
      g.sums.set(c, a);
    }
  }
  const sorted = [...groups.values()]
    .sort((a, b) => { for (let i = 0; i < a.key.length; i++) { const x = a.key[i]!, y = b.key[i]!; if (x !== y) return typeof x === "number" && typeof y === "number" ? x - y : String(x) < String(y) ? -1 : 1; } return 0; });
  const mean = (g: (typeof sorted)[number], c: string): string => { const a = g.sums.get(c); return a ? fmt(a.s / a.n) : "—"; };
  // A column that reads the same in every row (units, parameters before, equal) says nothing per row: one line instead.
  const cols = ["train_loss", "test_accuracy", ...scalarCols].filter((c) => used.has(c));
  const constant = (c: string): boolean => sorted.length > 1 && sorted.every((g) => mean(g, c) === mean(sorted[0]!, c));
  const shown = cols.filter((c) => !constant(c));
  const constants = cols.filter(constant).map((c) => ({ name: c, value: mean(sorted[0]!, c) }));
  const rows = sorted.map((g) => [...g.key.map((k) => (typeof k === "number" ? String(k) : k)), g.n, ...shown.map((c) => mean(g, c))]);
  return { headers: [...varied, "epoch", "lens", "jobs", ...shown.map((c) => `${c} (mean)`)], rows, constants, jobs, errors };
}
