// The local sweep: a pool of processes, results upserted into DuckDB, a job that throws recorded
// with its error while the sweep goes on, and a killed coordinator restarted without duplicates.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPlan, runLocal, SweepStore } from "../../src/sweep/index.js";
import { childrenOf, waitGone } from "../helpers/procs.js";
import { ROOT } from "../helpers/shared.js";
import { netsize } from "../cli/run.js";

const dir = mkdtempSync(path.join(tmpdir(), "sweep-"));
const plan = (name: string, grid: string, epochs = 2): string => {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `train: { arch: "2-8-8-2", data: "moons:n=100,noise=0.1", epochs: ${epochs}, batch: 25, backend: cpu }
grid: ${grid}
snapshots: [0]
lenses:
  - lens: regions.slice
    plane: [[-1, -1], [2, -1], [-1, 2]]
    options: { patterns: false }
  - lens: stability
    box: "-1.5:2.5"
`);
  return file;
};

async function counts(store: string): Promise<{ results: number; distinct: number; metrics: number; jobs: Record<string, number> }> {
  const s = await SweepStore.open(store, { readOnly: true });
  try {
    const r = (await s.query("SELECT count(*), count(DISTINCT (job_id, epoch, lens_index)) FROM results")).rows[0]!;
    const m = (await s.query("SELECT count(*) FROM metrics")).rows[0]!;
    const j = (await s.query("SELECT status, count(*) FROM jobs GROUP BY status")).rows;
    return { results: Number(r[0]), distinct: Number(r[1]), metrics: Number(m[0]), jobs: Object.fromEntries(j.map((x) => [String(x[0]), Number(x[1])])) };
  } finally {
    s.close();
  }
}

describe("netsize sweep on the local pool", () => {
  it("runs every job once on 2 processes, records a job that throws with its error, and skips what is done on a re-run", async () => {
    // 3-8-8-2 cannot take moons' 2 features: that job throws in training; the other three run.
    const file = plan("mixed", `{ seed: [0, 1], arch: ["2-8-8-2", "3-8-8-2"] }`);
    const p = loadPlan(file);
    expect(p.jobs.length).toBe(4);
    const store = await SweepStore.open(p.store);
    const seen: string[] = [];
    try {
      const s = await runLocal(p, store, { workers: 2, onJob: (id, e) => seen.push(`${id}:${e ? "failed" : "done"}`) });
      expect(s).toMatchObject({ total: 4, ran: 2, failed: 2, skipped: 0 });
      const states = await store.states();
      const bad = p.jobs.filter((j) => j.train.arch === "3-8-8-2").map((j) => states.get(j.id)!);
      expect(bad.map((b) => b.status)).toEqual(["failed", "failed"]);
      expect(bad[0]!.error).toBe("SHAPE_MISMATCH: the training data has 2 features per sample; the architecture takes 3");
      // Re-running skips the done and the failed jobs.
      const again = await runLocal(p, store, { workers: 2 });
      expect(again).toMatchObject({ ran: 0, failed: 0, skipped: 4 });
    } finally {
      store.close();
    }
    expect(seen.length).toBe(4);
    // 2 done jobs × 2 snapshots (0 and 2) × 2 lenses; metrics: 2 epochs each.
    expect(await counts(p.store)).toEqual({ results: 8, distinct: 8, metrics: 4, jobs: { done: 2, failed: 2 } });
    // The summary and SQL through the CLI.
    const sum = await netsize(["sweep", "results", file]);
    expect(sum.code).toBe(0);
    expect(sum.stdout).toMatch(/2 jobs done, 2 failed, 0 not run yet \(of 4\)/);
    const sql = await netsize(["sweep", "results", file, "--sql", "SELECT count(*) AS n FROM results WHERE lens = 'stability'", "--json"]);
    expect(JSON.parse(sql.stdout)).toEqual([{ n: 4 }]);
    // Exports: every result row (2 done jobs × 2 snapshots × 2 lenses) with its job's params.
    const csv = path.join(dir, "mixed.csv"), pq = path.join(dir, "mixed.parquet");
    expect((await netsize(["sweep", "results", file, "--csv", csv])).stdout).toBe(`wrote ${csv}\n`);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines.length).toBe(9);
    expect(lines[0]!.split(",").slice(0, 6)).toEqual(["params", "job_id", "epoch", "step", "lens", "lens_index"]);
    expect((await netsize(["sweep", "results", file, "--parquet", pq])).code).toBe(0);
    const back = await SweepStore.open(p.store, { readOnly: true });
    try {
      expect((await back.query(`SELECT count(*), count(DISTINCT job_id) FROM read_parquet('${pq}')`)).rows).toEqual([[8, 2]]);
    } finally {
      back.close();
    }
  }, 240_000);

  it("a pool process killed with -9 mid-job: its job runs again on a fresh process and is stored once", async () => {
    const epochs = 40;
    const file = plan("kill", `{ seed: [0, 1] }`, epochs);
    const p = loadPlan(file);
    const store = await SweepStore.open(p.store);
    let killed: number[] = [];
    try {
      // At the first training progress (step 8 of 160) both pool processes are killed, each with its job.
      const s = await runLocal(p, store, {
        workers: 2,
        onJobProgress: () => {
          if (killed.length) return;
          killed = childrenOf(process.pid).filter((c) => /sweep\/child\.(js|ts)/.test(c.cmd)).map((c) => c.pid);
          for (const pid of killed) process.kill(pid, "SIGKILL");
        },
      });
      expect(killed.length).toBe(2);
      expect(s).toMatchObject({ total: 2, ran: 2, failed: 0, skipped: 0 });
      expect((await store.query("SELECT attempts FROM jobs ORDER BY id")).rows).toEqual([[2], [2]]);
    } finally {
      store.close();
    }
    expect(await counts(p.store)).toEqual({ results: 8, distinct: 8, metrics: 2 * epochs, jobs: { done: 2 } });
  }, 240_000);

  it("a coordinator killed mid-sweep and restarted completes the sweep with no duplicate and no missing row", async () => {
    const file = plan("restart", `{ seed: [0, 1, 2, 3, 4, 5] }`, 3);
    const p = loadPlan(file);
    // Start, wait until two jobs are stored, kill -9 the coordinator (its pool processes exit with it).
    const child = spawn(process.execPath, [path.join(ROOT, "bin/netsize.js"), "sweep", file, "--workers", "2"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    await new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => { err += d.toString(); if ((err.match(/ done \(/g) ?? []).length >= 2) resolve(); });
      child.on("exit", () => reject(new Error(`the sweep ended before it was killed: ${err}`)));
    });
    const pool = childrenOf(child.pid!).filter((c) => /sweep\/child\.(js|ts)/.test(c.cmd)).map((c) => c.pid);
    expect(pool.length).toBe(2);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("close", r));
    // Its pool processes exit with it, mid-job too, instead of training on as orphans.
    expect(await waitGone(pool, 20_000)).toEqual([]);
    const second = await netsize(["sweep", file, "--workers", "2", "--json"]);
    expect(second.code).toBe(0);
    const s = JSON.parse(second.stdout) as { total: number; ran: number; skipped: number; failed: number };
    expect(s.total).toBe(6);
    expect(s.skipped).toBeGreaterThanOrEqual(2);
    expect(s.ran + s.skipped).toBe(6);
    expect(s.failed).toBe(0);
    expect(await counts(p.store)).toEqual({ results: 24, distinct: 24, metrics: 18, jobs: { done: 6 } });
  }, 240_000);
});
