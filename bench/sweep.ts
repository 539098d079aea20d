// Benchmark: one sweep of small jobs (2-16-16-2 on moons, trained on the cpu backend, the exact slice at
// the end; about 2 s each on one free core) run three ways, interleaved in every round so that all three
// see the same machine — sequentially in this process (no child process, no store: the strictest
// baseline), on the local pool of 2 long-lived worker processes (`netsize sweep --workers 2`, its own
// timing: children started, jobs over IPC, every result written to DuckDB), and through BullMQ with 2
// `netsize worker` processes on a loopback redis-server (started fresh each round; their sandboxed job
// processes start inside the timing, as the pool's do). Prints each round with the load average before
// each leg, then the medians: wall time, jobs per second, the speed-up over sequential, and BullMQ's
// overhead against the local pool. The BullMQ leg is skipped (saying why) without redis-server or ioredis.
// The machine may be shared: a ratio is only as good as the load line beside it.
//
//   npx tsx bench/sweep.ts [--jobs 24] [--epochs 180] [--rounds 1]
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hasRedisClient, loadPlan, runJob, runQueued, SweepStore } from "../src/sweep/index.js";
import { loadLine, median } from "./peer.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(ROOT, "bin/netsize.js");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const JOBS = Number(opt("--jobs", "24")), EPOCHS = Number(opt("--epochs", "180")), ROUNDS = Number(opt("--rounds", "1"));
const dir = mkdtempSync(path.join(tmpdir(), "bench-sweep-"));

function planFile(name: string): string {
  const f = path.join(dir, `${name}.yaml`);
  writeFileSync(f, `train: { arch: "2-16-16-2", data: "moons:n=400,noise=0.1", epochs: ${EPOCHS}, batch: 32, lr: 0.01, backend: cpu }
grid: { seed: [${Array.from({ length: JOBS }, (_, i) => i).join(", ")}] }
store: ${name}.duckdb
lenses:
  - lens: regions.slice
    plane: [[-1.5, -1], [2.5, -1], [-1.5, 1.5]]
    options: { patterns: false }
`);
  return f;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
}

const cli = (argv: string[]): Promise<string> => new Promise((resolve, reject) =>
  execFile(process.execPath, [CLI, ...argv], { cwd: ROOT, maxBuffer: 16 << 20 }, (e, out, err) => (e ? reject(new Error(`netsize ${argv.join(" ")}: ${err}`)) : resolve(out))));

/** Start a `netsize worker` and resolve once it is connected to Redis. */
function startWorker(url: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, [CLI, "worker", "--queue", url], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    c.stderr!.on("data", (d: Buffer) => { err += d.toString(); if (err.includes("pulling jobs")) resolve(c); });
    c.on("exit", (code) => reject(new Error(`netsize worker exited (${code}): ${err}`)));
  });
}

type Way = "sequential" | "pool" | "bullmq";
const LABEL: Record<Way, string> = { sequential: "sequential (1 process)", pool: "local pool, 2 workers", bullmq: "BullMQ, 2 netsize workers" };
const times: Record<Way, number[]> = { sequential: [], pool: [], bullmq: [] };
/** The BullMQ coordinator's (this process's) CPU seconds per job: polling Redis, writing the store. */
const coordCpu: number[] = [];
/** Per leg and round: the jobs' own wall seconds summed (inside the worker process, as the store records them). */
const inJobs: Record<Way, number[]> = { sequential: [], pool: [], bullmq: [] };
async function storedJobSeconds(store: string): Promise<number> {
  const s = await SweepStore.open(store, { readOnly: true });
  try { return Number((await s.query("SELECT sum(seconds) FROM jobs WHERE status = 'done'")).rows[0]![0]); } finally { s.close(); }
}
const t = (): number => performance.now() / 1000;

const REDIS = ["/usr/bin/redis-server", "/usr/sbin/redis-server"].find((f) => existsSync(f));
const skipped = !REDIS ? "redis-server is not installed" : !(await hasRedisClient()) ? "BullMQ's Redis client ioredis is not installed (npm install ioredis)" : "";
let redis: ChildProcess | undefined, url = "";
if (!skipped) {
  const port = await freePort();
  url = `redis://127.0.0.1:${port}`;
  redis = spawn(REDIS!, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 500));
}

console.log(`${JOBS} jobs: 2-16-16-2 on moons (400 samples), ${EPOCHS} epochs on the cpu backend, then the exact slice; ${availableParallelism()} cores; ${ROUNDS} round(s)`);
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const line = (way: Way, s: number, load: string): void =>
      console.log(`round ${round}  ${LABEL[way].padEnd(26)} ${s.toFixed(1).padStart(6)} s, ${(inJobs[way].at(-1)! / JOBS).toFixed(2)} s inside each job  (${load} before)`);
    // 1. Sequential, in this process.
    {
      const load = loadLine();
      const p = loadPlan(planFile(`seq${round}`));
      const t0 = t();
      let sum = 0;
      for (const j of p.jobs) sum += (await runJob(j)).seconds;
      times.sequential.push(t() - t0);
      inJobs.sequential.push(sum);
      line("sequential", t() - t0, load);
    }
    // 2. The local pool: `netsize sweep --workers 2` and the seconds it reports.
    {
      const load = loadLine();
      const s = JSON.parse(await cli(["sweep", planFile(`pool${round}`), "--workers", "2", "--json", "--quiet"])) as { ran: number; failed: number; seconds: number };
      if (s.ran !== JOBS) throw new Error(`pool ran ${s.ran} of ${JOBS} (${s.failed} failed)`);
      times.pool.push(s.seconds);
      inJobs.pool.push(await storedJobSeconds(loadPlan(planFile(`pool${round}`)).store));
      line("pool", s.seconds, load);
    }
    // 3. BullMQ: 2 fresh netsize workers, this process the coordinator.
    if (!skipped) {
      const workers = await Promise.all([startWorker(url), startWorker(url)]);
      try {
        const load = loadLine();
        const p = loadPlan(planFile(`bullmq${round}`));
        const store = await SweepStore.open(p.store);
        const c0 = process.cpuUsage();
        const s = await runQueued(p, store, url);
        const c = process.cpuUsage(c0);
        coordCpu.push((c.user + c.system) / 1e6 / JOBS);
        store.close();
        if (s.ran !== JOBS) throw new Error(`BullMQ ran ${s.ran} of ${JOBS} (${s.failed} failed)`);
        times.bullmq.push(s.seconds);
        inJobs.bullmq.push(await storedJobSeconds(p.store));
        line("bullmq", s.seconds, load);
      } finally {
        for (const w of workers) w.kill("SIGTERM");
        await Promise.all(workers.map((w) => (w.exitCode !== null ? undefined : new Promise((r) => w.on("exit", r)))));
      }
    }
  }
} finally {
  redis?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}

const seq = median(times.sequential), pool = median(times.pool);
console.log(`medians over ${ROUNDS} round(s); ${(seq / JOBS).toFixed(2)} s per job sequentially`);
// Outside the jobs: a worker slot's time not spent inside a job (process start, IPC or Redis, the store,
// waiting for the last job), per job. Inside: a job's own wall time, which grows when the jobs share the
// cores with each other and with whatever else runs on the machine.
console.log("way                          wall s   jobs/s   vs sequential   s inside a job   ms outside, per job");
for (const way of ["sequential", "pool", "bullmq"] as Way[]) {
  if (!times[way].length) continue;
  const m = median(times[way]), slots = way === "sequential" ? 1 : 2;
  const outside = median(times[way].map((w, i) => (w * slots - inJobs[way][i]!) / JOBS));
  console.log(`${LABEL[way].padEnd(28)} ${m.toFixed(1).padStart(6)}   ${(JOBS / m).toFixed(2).padStart(6)}   ${`${(seq / m).toFixed(2)}×`.padStart(13)}   ${(median(inJobs[way]) / JOBS).toFixed(2).padStart(14)}   ${(outside * 1000).toFixed(0).padStart(19)}`);
}
if (times.bullmq.length) {
  const q = median(times.bullmq);
  // Per job on a worker: the extra wall time over the pool × 2 workers / jobs.
  console.log(`BullMQ against the local pool: ${(100 * (q / pool - 1)).toFixed(1)} % (${(((q - pool) * 2 / JOBS) * 1000).toFixed(0)} ms per job on each of the 2 workers); the coordinator's CPU: ${(median(coordCpu) * 1000).toFixed(0)} ms per job`);
} else console.log(`BullMQ leg skipped: ${skipped}`);
console.log(`after: ${loadLine()}`);
