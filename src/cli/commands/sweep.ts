// `netsize sweep plan.yaml`: many trained networks × lenses, on a local pool of processes or, with
// --queue redis://…, on any number of `netsize worker`s through BullMQ; results in one DuckDB file.
// `netsize sweep results plan.yaml` summarises, queries and exports. The sweep (bullmq, DuckDB) is
// imported inside the actions, so the command line starts without them.
import { DESCRIPTIONS } from "./descriptions.js";
import { renameSync, rmSync } from "node:fs";
import { Command } from "commander";
import { fail, printable } from "../../core/errors.js";
import { action } from "../errors.js";
import { guardOutputs } from "../outputs.js";
import { progressBar } from "../progress.js";
import { fmtInt, formatTable, parseIntOption, rejectOptions } from "../shared.js";
import { interruptSignal } from "../signals.js";

interface SweepCliOptions { dryRun?: boolean; queue?: string; workers?: string; retryFailed?: boolean; store?: string; quiet?: boolean; json?: boolean }
interface ResultsCliOptions { sql?: string; csv?: string; parquet?: string; store?: string; json?: boolean }

const sweepModule = (): Promise<typeof import("../../sweep/index.js")> => import("../../sweep/index.js");

function eta(s: number | undefined): string {
  if (s === undefined) return "ETA —";
  return s >= 90 ? `ETA ${Math.round(s / 60)} min` : `ETA ${Math.round(s)} s`;
}

async function runSweep(file: string, opts: SweepCliOptions): Promise<void> {
  const sw = await sweepModule();
  const plan = sw.loadPlan(file);
  if (opts.store) plan.store = opts.store;
  if (opts.dryRun) {
    rejectOptions(opts, "--dry-run", ["queue", "workers", "retryFailed"]);
    if (opts.json) { process.stdout.write(JSON.stringify({ plan: plan.name, store: plan.store, jobs: plan.jobs }, null, 1) + "\n"); return; }
    const keys = [...new Set(plan.jobs.flatMap((j) => Object.keys(j.params)))];
    process.stdout.write(formatTable(["#", "job id", ...keys, "epochs", "snapshots", "lenses"], plan.jobs.map((j, i) => [
      i + 1, j.id, ...keys.map((k) => (j.params[k] === undefined ? "" : typeof j.params[k] === "number" ? String(j.params[k]) : JSON.stringify(j.params[k]))),
      j.train.epochs, j.snapshots.join(","), j.lenses.map((l) => l.lens).join(","),
    ])));
    process.stdout.write(`${fmtInt(plan.jobs.length)} jobs × ${plan.jobs[0]?.snapshots.length ?? 0} snapshots × ${plan.jobs[0]?.lenses.length ?? 0} lenses; results to ${plan.store}\n`);
    return;
  }
  const workers = parseIntOption(opts.workers, "--workers", { min: 1, max: 1024 });
  if (opts.queue && workers !== undefined) fail("BAD_ARGUMENT", "--workers is for the local pool; with --queue start `netsize worker --queue URL` on each machine");
  const store = await sw.SweepStore.open(plan.store);
  const bar = progressBar("sweep", { quiet: opts.quiet });
  try {
    const onProgress = (p: import("../../sweep/index.js").SweepProgress): void =>
      bar.onProgress({ done: p.done + p.failed, total: p.total, stage: `done ${p.done}, running ${p.running}, failed ${p.failed}${p.skipped ? ` (${p.skipped} already in the store)` : ""}, ${eta(p.eta)}` });
    // Without a terminal (CI, logs) one line per stored job instead of the bar.
    let stored = 0;
    const onJob = process.stderr.isTTY || opts.quiet ? undefined : (id: string, error?: string): void => {
      stored++;
      process.stderr.write(`netsize sweep: job ${id} ${error ? `failed: ${printable(error.split("\n")[0]!, 300)}` : "done"} (${stored} stored this run)\n`);
    };
    const run = { ...(onJob ? { onJob } : {}), ...(workers !== undefined ? { workers } : {}), retryFailed: opts.retryFailed ?? false, onProgress, signal: interruptSignal };
    const s = opts.queue ? await sw.runQueued(plan, store, opts.queue, run) : await sw.runLocal(plan, store, run);
    bar.stop();
    if (opts.json) process.stdout.write(JSON.stringify({ plan: plan.name, store: plan.store, ...s }) + "\n");
    else process.stdout.write(`${plan.name}: ${fmtInt(s.total)} jobs — ran ${fmtInt(s.ran)}, failed ${fmtInt(s.failed)}, skipped ${fmtInt(s.skipped)} (already in the store) in ${s.seconds.toFixed(1)} s; results in ${plan.store}${s.failed ? "\n(see the errors with: netsize sweep results PLAN)" : ""}\n`);
  } finally {
    bar.stop();
    store.close();
  }
}

async function results(file: string, opts: ResultsCliOptions & SweepCliOptions): Promise<void> {
  rejectOptions(opts, "sweep results", ["dryRun", "queue", "workers", "retryFailed", "quiet"]);
  const sw = await sweepModule();
  const plan = sw.loadPlan(file);
  if (opts.store) plan.store = opts.store;
  const exports = [opts.csv, opts.parquet].filter((x) => x !== undefined).length;
  if (exports > 1) fail("BAD_ARGUMENT", "give one of --csv FILE and --parquet FILE");
  guardOutputs([{ option: "the plan", file }, { option: "the store", file: plan.store }], [{ option: "--csv", file: opts.csv }, { option: "--parquet", file: opts.parquet }]);
  const store = await sw.SweepStore.open(plan.store, { readOnly: true });
  try {
    const ids = plan.jobs.map((j) => `'${j.id}'`).join(",");
    const sql = opts.sql ?? `SELECT j.params, r.* EXCLUDE (result) FROM results r JOIN jobs j ON j.id = r.job_id WHERE j.id IN (${ids || "''"}) ORDER BY r.job_id, r.lens_index, r.epoch`;
    if (exports) {
      const out = (opts.csv ?? opts.parquet)!;
      const tmp = `${out}.partial-${process.pid}`;
      try {
        await store.export(sql, tmp, opts.csv ? "csv" : "parquet");
        renameSync(tmp, out);
      } finally {
        rmSync(tmp, { force: true });
      }
      process.stdout.write(`wrote ${out}\n`);
      return;
    }
    if (opts.sql) {
      const r = await store.query(opts.sql);
      if (opts.json) process.stdout.write(JSON.stringify(r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])))) + "\n");
      else process.stdout.write(formatTable(r.columns, r.rows.map((row) => row.map((v) => (v === null ? "" : typeof v === "number" ? Number(v.toPrecision(6)) : String(v))))));
      return;
    }
    const t = await sw.summarise(plan, store);
    if (opts.json) { process.stdout.write(JSON.stringify(t) + "\n"); return; }
    process.stdout.write(formatTable(t.headers, t.rows));
    if (t.constants.length) process.stdout.write(`the same in every row: ${t.constants.map((c) => `${c.name} ${c.value}`).join(", ")}\n`);
    process.stdout.write(`${plan.name}: ${fmtInt(t.jobs.done)} jobs done, ${fmtInt(t.jobs.failed)} failed, ${fmtInt(t.jobs.missing)} not run yet (of ${fmtInt(plan.jobs.length)})\n`);
    for (const e of t.errors.slice(0, 20)) process.stdout.write(`failed ${e.id}: ${e.error.split("\n")[0]!.slice(0, 300)}\n`);
  } finally {
    store.close();
  }
}

/** Register `netsize sweep` and `netsize sweep results`. */
export function register(program: Command): void {
  const sweep = program
    .command("sweep")
    .description(DESCRIPTIONS.sweep)
    .argument("<plan>", "the plan (YAML: train, grid, random, snapshots, lenses, store)")
    .option("--dry-run", "list the jobs and stop")
    .option("--queue <redis-url>", "enqueue the jobs in BullMQ on this Redis (e.g. redis://127.0.0.1:6379) for `netsize worker`s; this process collects the results")
    .option("--workers <n>", "local worker processes (default: one per core)")
    .option("--retry-failed", "run jobs recorded as failed again (default: skip them, like the done ones)")
    .option("--store <file>", "the DuckDB file (default: the plan's store, else PLAN.duckdb beside it)")
    .option("--json", "print the summary (or with --dry-run the jobs) as JSON")
    .option("--quiet", "no progress bar")
    .action(action(async (file: string, opts: SweepCliOptions) => runSweep(file, opts)));
  sweep
    .command("results")
    .description("summarise a sweep's results (one row per varied setting, epoch and lens; seeds pooled), query them with SQL, or export them")
    .argument("<plan>", "the plan file")
    .option("--sql <query>", "run this SQL on the store (tables jobs, metrics, results) and print the rows")
    .option("--csv <file>", "export the rows (or the --sql query's) as CSV")
    .option("--parquet <file>", "export the rows (or the --sql query's) as Parquet")
    .option("--store <file>", "the DuckDB file (default: the plan's)")
    .option("--json", "print JSON")
    // --json and --store are also options of `sweep`, which commander fills first: read them merged.
    .action(action(async (file: string, _opts: ResultsCliOptions, cmd: Command) => results(file, cmd.optsWithGlobals<ResultsCliOptions & SweepCliOptions>())));
}
