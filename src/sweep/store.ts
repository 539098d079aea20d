// The one store of a sweep: a DuckDB file written only by the coordinator. Each job's rows are
// written in one transaction that first deletes whatever that job id already holds, so a result
// delivered twice (BullMQ is at-least-once) is an upsert: exactly one set of rows per job.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fail } from "../core/errors.js";
import type { JobOutput } from "./job.js";
import type { SweepJob } from "./plan.js";

type Conn = import("@duckdb/node-api").DuckDBConnection;
type Value = string | number | boolean | null;

/** A job's state in the store. */
export interface StoredJob {
  id: string;
  status: "done" | "failed";
  error: string | null;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS jobs (id VARCHAR PRIMARY KEY, plan VARCHAR, status VARCHAR, error VARCHAR, params VARCHAR, config VARCHAR, lenses VARCHAR, version VARCHAR, param_count INTEGER, seconds DOUBLE, attempts INTEGER, worker VARCHAR, finished TIMESTAMP)`,
  `CREATE TABLE IF NOT EXISTS metrics (job_id VARCHAR, epoch INTEGER, step INTEGER, lr DOUBLE, loss DOUBLE, accuracy DOUBLE, test_loss DOUBLE, test_accuracy DOUBLE, seconds DOUBLE)`,
  `CREATE TABLE IF NOT EXISTS results (job_id VARCHAR, epoch INTEGER, step INTEGER, lens VARCHAR, lens_index INTEGER, result VARCHAR, seconds DOUBLE)`,
];

const ident = (s: string): string => `"${s.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}"`;

/** The DuckDB store of a sweep. */
export class SweepStore {
  private columns = new Set<string>();
  private constructor(private readonly conn: Conn, private readonly closeDb: () => void, readonly file: string) {}

  /** Open (or create) the store at `file`; `readOnly` for queries while nothing writes. */
  static async open(file: string, opts: { readOnly?: boolean } = {}): Promise<SweepStore> {
    const { DuckDBInstance } = await import("@duckdb/node-api");
    if (!opts.readOnly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    else if (!existsSync(file)) fail("BAD_ARGUMENT", "no results yet: the store does not exist (run the sweep first)", { file });
    let inst: import("@duckdb/node-api").DuckDBInstance;
    try {
      inst = await DuckDBInstance.create(file, opts.readOnly ? { access_mode: "READ_ONLY" } : {});
    } catch (e) {
      const m = (e as Error).message;
      fail(/lock/i.test(m) ? "BAD_ARGUMENT" : "BAD_DATA", /lock/i.test(m) ? `the store is in use by another process (a running sweep?): ${m.split("\n")[0]}` : `cannot open the store: ${m.split("\n")[0]}`, { file });
    }
    const conn = await inst.connect();
    const store = new SweepStore(conn, () => { conn.closeSync(); inst.closeSync(); }, file);
    if (!opts.readOnly) for (const s of SCHEMA) await conn.run(s);
    const cols = await conn.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = 'results'`).catch(() => undefined);
    for (const r of cols?.getRowObjects() ?? []) store.columns.add(String(r.column_name));
    return store;
  }

  /** Every job the store holds for these ids, done or failed. */
  async states(): Promise<Map<string, StoredJob>> {
    const r = await this.conn.runAndReadAll(`SELECT id, status, error FROM jobs`);
    return new Map(r.getRowObjects().map((o) => [String(o.id), { id: String(o.id), status: o.status as "done" | "failed", error: o.error === null ? null : String(o.error) }]));
  }

  private async insert(table: string, cols: string[], rows: Value[][]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200) {
      const part = rows.slice(i, i + 200);
      const ph = part.map((r, k) => `(${r.map((_, j) => `$${k * cols.length + j + 1}`).join(", ")})`).join(", ");
      await this.conn.run(`INSERT INTO ${table} (${cols.map(ident).join(", ")}) VALUES ${ph}`, part.flat() as never);
    }
  }

  private async jobRow(job: SweepJob, plan: string, status: "done" | "failed", extra: { error?: string; params?: number; seconds?: number; attempts?: number; worker?: string }): Promise<void> {
    await this.conn.run(`INSERT OR REPLACE INTO jobs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())`, [
      job.id, plan, status, extra.error ?? null, JSON.stringify(job.params), JSON.stringify(job.train), JSON.stringify(job.lenses), job.version,
      extra.params ?? null, extra.seconds ?? null, extra.attempts ?? null, extra.worker ?? null,
    ] as never);
  }

  /** Write a job's result (metrics, lens rows with their scalar columns, the job row) in one transaction, replacing any earlier copy. */
  async putResult(job: SweepJob, plan: string, out: JobOutput, meta: { attempts?: number; worker?: string } = {}): Promise<void> {
    if (out.id !== job.id) fail("BAD_DATA", `result of job ${out.id} delivered for job ${job.id}`);
    const scalarNames = [...new Set(out.rows.flatMap((r) => Object.keys(r.scalars)))].map((n) => n.replace(/[^a-z0-9_]/gi, "_").toLowerCase());
    for (const n of scalarNames) {
      if (this.columns.has(n)) continue;
      await this.conn.run(`ALTER TABLE results ADD COLUMN IF NOT EXISTS ${ident(n)} DOUBLE`);
      this.columns.add(n);
    }
    await this.conn.run("BEGIN TRANSACTION");
    try {
      await this.conn.run(`DELETE FROM metrics WHERE job_id = $1`, [job.id]);
      await this.conn.run(`DELETE FROM results WHERE job_id = $1`, [job.id]);
      await this.insert("metrics", ["job_id", "epoch", "step", "lr", "loss", "accuracy", "test_loss", "test_accuracy", "seconds"],
        out.metrics.map((m) => [job.id, m.epoch, m.step, m.lr, m.loss, m.accuracy ?? null, m.testLoss ?? null, m.testAccuracy ?? null, m.seconds]));
      for (const r of out.rows) {
        const names = Object.keys(r.scalars);
        await this.insert("results", ["job_id", "epoch", "step", "lens", "lens_index", "result", "seconds", ...names],
          [[job.id, r.epoch, r.step, r.lens, r.index, r.json, r.seconds, ...names.map((n) => r.scalars[n]!)]]);
      }
      await this.jobRow(job, plan, "done", { params: out.params, seconds: out.seconds, ...meta });
      await this.conn.run("COMMIT");
    } catch (e) {
      await this.conn.run("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }

  /** Record a failed job with its error (its earlier rows, if any, removed). */
  async putFailure(job: SweepJob, plan: string, error: string, meta: { attempts?: number; worker?: string } = {}): Promise<void> {
    await this.conn.run("BEGIN TRANSACTION");
    try {
      await this.conn.run(`DELETE FROM metrics WHERE job_id = $1`, [job.id]);
      await this.conn.run(`DELETE FROM results WHERE job_id = $1`, [job.id]);
      await this.jobRow(job, plan, "failed", { error, ...meta });
      await this.conn.run("COMMIT");
    } catch (e) {
      await this.conn.run("ROLLBACK").catch(() => undefined);
      throw e;
    }
  }

  /** Run a query and return its column names and rows (values as JSON-safe scalars). */
  async query(sql: string): Promise<{ columns: string[]; rows: Value[][] }> {
    let r;
    try {
      r = await this.conn.runAndReadAll(sql);
    } catch (e) {
      fail("BAD_ARGUMENT", `the query failed: ${(e as Error).message.split("\n")[0]}`, { file: this.file });
    }
    const columns = r.columnNames();
    const rows = r.getRowsJS().map((row) => row.map((v): Value => (v === null || v === undefined ? null : typeof v === "bigint" ? Number(v) : typeof v === "object" ? String(v) : (v as Value))));
    return { columns, rows };
  }

  /** Write a query's rows to a CSV or Parquet file with DuckDB's COPY. */
  async export(sql: string, file: string, format: "csv" | "parquet"): Promise<void> {
    try {
      await this.conn.run(`COPY (${sql}) TO '${file.replace(/'/g, "''")}' (FORMAT ${format}${format === "csv" ? ", HEADER" : ""})`);
    } catch (e) {
      fail("BAD_ARGUMENT", `the export failed: ${(e as Error).message.split("\n")[0]}`, { file });
    }
  }

  /** Close the database (flushes the file). */
  close(): void {
    this.closeDb();
  }
}
