// Benchmark: one sweep of small jobs (2-16-16-2 on moons, trained on the cpu backend, the exact slice at
// the end) run three ways in one run on this machine — sequentially in this process, on the local pool
// of 2 worker processes, and through BullMQ with 2 `netsize worker` processes on a loopback
// redis-server — printing each one's wall time, jobs per second, the speed-up over sequential and the
// queue's overhead per job against the local pool. The BullMQ leg is skipped (saying why) without
// redis-server or BullMQ's Redis client (ioredis).
//
//   npx tsx bench/sweep.ts [--jobs 24] [--epochs 60]
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hasRedisClient, loadPlan, runJob, runLocal, runQueued, SweepStore } from "../src/sweep/index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name: string, d: string): string => { const i = args.indexOf(name); return i >= 0 ? args[i + 1]! : d; };
const JOBS = Number(opt("--jobs", "24")), EPOCHS = Number(opt("--epochs", "60"));
const dir = mkdtempSync(path.join(tmpdir(), "bench-sweep-"));

function planFile(name: string): string {
  const f = path.join(dir, `${name}.yaml`);
  writeFileSync(f, `train: { arch: "2-16-16-2", data: "moons:n=400,noise=0.1", epochs: ${EPOCHS}, batch: 32, lr: 0.01, backend: cpu }
grid: { seed: [${Array.from({ length: JOBS }, (_, i) => i).join(", ")}] }
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

const rows: { way: string; seconds: number }[] = [];
const t = (): number => performance.now() / 1000;

// 1. Sequential, in this process.
{
  const p = loadPlan(planFile("seq"));
  const t0 = t();
  for (const j of p.jobs) await runJob(j);
  rows.push({ way: "sequential (1 process)", seconds: t() - t0 });
}
// 2. The local pool, 2 processes (with the store's writes).
{
  const p = loadPlan(planFile("pool"));
  const store = await SweepStore.open(p.store);
  const s = await runLocal(p, store, { workers: 2 });
  store.close();
  if (s.ran !== JOBS) throw new Error(`pool ran ${s.ran} of ${JOBS} (${s.failed} failed)`);
  rows.push({ way: "local pool, 2 workers", seconds: s.seconds });
}
// 3. BullMQ, 2 netsize workers on loopback.
const REDIS = ["/usr/bin/redis-server", "/usr/sbin/redis-server"].find((f) => existsSync(f));
let skipped = "";
if (!REDIS) skipped = "redis-server is not installed";
else if (!(await hasRedisClient())) skipped = "BullMQ's Redis client ioredis is not installed (npm install ioredis)";
else {
  const port = await freePort(), url = `redis://127.0.0.1:${port}`;
  const procs: ChildProcess[] = [spawn(REDIS, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" })];
  await new Promise((r) => setTimeout(r, 500));
  try {
    for (let i = 0; i < 2; i++) procs.push(spawn(process.execPath, [path.join(ROOT, "bin/netsize.js"), "worker", "--queue", url, "--quiet"], { stdio: "ignore" }));
    await new Promise((r) => setTimeout(r, 3000)); // the workers start (as the pool's processes do inside its time)
    const p = loadPlan(planFile("bullmq"));
    const store = await SweepStore.open(p.store);
    const s = await runQueued(p, store, url);
    store.close();
    if (s.ran !== JOBS) throw new Error(`BullMQ ran ${s.ran} of ${JOBS}`);
    rows.push({ way: "BullMQ, 2 netsize workers", seconds: s.seconds });
  } finally {
    for (const c of procs) c.kill("SIGKILL");
  }
}
rmSync(dir, { recursive: true, force: true });

const seq = rows[0]!.seconds, pool = rows[1]!.seconds;
console.log(`${JOBS} jobs: 2-16-16-2 on moons (400 samples), ${EPOCHS} epochs on the cpu backend, then the exact slice; ${(seq / JOBS).toFixed(2)} s per job sequentially`);
console.log("way                          wall s   jobs/s   vs sequential");
for (const r of rows) console.log(`${r.way.padEnd(28)} ${r.seconds.toFixed(1).padStart(6)}   ${(JOBS / r.seconds).toFixed(2).padStart(6)}   ${(seq / r.seconds).toFixed(2)}×`);
const q = rows[2];
if (q) console.log(`BullMQ against the local pool: ${(100 * (q.seconds / pool - 1)).toFixed(1)} % (${(((q.seconds - pool) / JOBS) * 1000).toFixed(0)} ms per job)`);
else console.log(`BullMQ leg skipped: ${skipped}`);
