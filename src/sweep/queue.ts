// The distributed sweep on BullMQ: the coordinator enqueues the plan's pending jobs (job id = the
// job's hash, so re-submitting adds nothing twice), collects finished ones from Redis into the
// store (an upsert, then removes them from Redis) and re-adds any that vanished; `netsize worker`
// processes pull jobs and run each in a sandboxed child process. A worker that dies leaves its job
// to stall; another worker's stall check moves it back to the wait list (up to maxStalledCount).
import { hostname } from "node:os";
import { fail } from "../core/errors.js";
import type { JobOutput } from "./job.js";
import { MAX_STALLED, pendingJobs, type SweepRunOptions, type SweepSummary } from "./local.js";
import type { SweepJob, SweepPlan } from "./plan.js";
import { tracker } from "./progress.js";
import { siblingModule } from "./spawn.js";
import type { SweepStore } from "./store.js";

/** The BullMQ queue every netsize sweep uses. */
export const QUEUE_NAME = "netsize-sweep";
/** Stalls a job may survive before it is failed (a stall is a worker that stopped renewing its lock). */
export { MAX_STALLED };

/** A BullMQ connection for a redis:// URL (checked). */
export function connectionFor(url: string): { url: string; maxRetriesPerRequest: null } {
  if (!/^rediss?:\/\/[^/\s]+/.test(url)) fail("BAD_ARGUMENT", `--queue takes a Redis URL such as redis://127.0.0.1:6379, got '${url}'`);
  return { url, maxRetriesPerRequest: null };
}

/** True when BullMQ's Redis client (the optional peer package ioredis) can be loaded. */
export async function hasRedisClient(): Promise<boolean> {
  const name = "ioredis";
  try { await import(name); return true; } catch { return false; }
}

/** QUEUE_ERROR unless the Redis client BullMQ 6 needs is installed. */
async function checkRedisClient(): Promise<void> {
  if (!(await hasRedisClient())) fail("QUEUE_ERROR", "BullMQ needs its Redis client, the package ioredis (an optional peer dependency of bullmq 6): run npm install ioredis");
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Enqueue a plan's pending jobs in BullMQ and write every result to the store as workers finish them. */
export async function runQueued(plan: SweepPlan, store: SweepStore, url: string, o: SweepRunOptions & { pollMs?: number } = {}): Promise<SweepSummary> {
  const t0 = performance.now();
  const conn = connectionFor(url);
  await checkRedisClient();
  const { Queue } = await import("bullmq");
  const queue = new Queue(QUEUE_NAME, { connection: conn });
  try {
    await queue.waitUntilReady().catch((e: Error) => fail("QUEUE_ERROR", `cannot reach Redis at ${url}: ${e.message}`));
    const pending = await pendingJobs(plan, store, o.retryFailed ?? false);
    const skipped = plan.jobs.length - pending.length;
    const track = tracker(plan.jobs.length, skipped);
    const byId = new Map(pending.map((j) => [j.id, j]));
    const add = async (jobs: SweepJob[]): Promise<void> => {
      for (let i = 0; i < jobs.length; i += 500) {
        await queue.addBulk(jobs.slice(i, i + 500).map((j) => ({ name: "job", data: j, opts: { jobId: j.id, attempts: 1, removeOnComplete: false, removeOnFail: false } })));
      }
    };
    if (o.retryFailed) {
      for (const j of pending) { const q = await queue.getJob(j.id); if (q && (await q.getState()) === "failed") await q.remove(); }
    }
    await add(pending);
    let ran = 0, failed = 0, polls = 0;
    const report = async (): Promise<void> => {
      const s = track.snapshot();
      o.onProgress?.({ ...s, running: await queue.getActiveCount() });
    };
    await report();
    while (byId.size > 0) {
      if (o.signal?.aborted) break;
      const finished = await queue.getJobs(["completed", "failed"], 0, -1);
      let changed = false;
      for (const q of finished) {
        const job = q.id ? byId.get(q.id) : undefined;
        if (!job) continue;
        const meta = { attempts: q.attemptsMade + (q.stalledCounter ?? 0), worker: "bullmq" };
        if (q.finishedOn && q.returnvalue && !q.failedReason) {
          await store.putResult(job, plan.name, q.returnvalue as JobOutput, meta);
          ran++; track.finish(true);
          o.onJob?.(job.id);
        } else {
          await store.putFailure(job, plan.name, q.failedReason ?? "failed", meta);
          failed++; track.finish(false);
          o.onJob?.(job.id, q.failedReason ?? "failed");
        }
        byId.delete(job.id);
        await q.remove().catch(() => undefined);
        changed = true;
      }
      // Jobs that vanished from Redis (flushed, removed by hand) are added again. Looking each one up costs
      // a Redis call per job, so every 5 s only when Redis holds fewer jobs than this sweep waits for, and
      // once a minute regardless (other sweeps' jobs in the same queue can hide a loss from the count).
      if (++polls % 20 === 0) {
        const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children", "completed", "failed");
        const held = Object.values(counts).reduce((a, b) => a + b, 0);
        if (held < byId.size || polls % 240 === 0) {
          const lost: SweepJob[] = [];
          for (const j of byId.values()) if ((await queue.getJobState(j.id)) === "unknown") lost.push(j);
          if (lost.length) await add(lost);
        }
      }
      await report();
      if (!changed) await sleep(o.pollMs ?? 250);
    }
    return { total: plan.jobs.length, ran, failed, skipped, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await queue.close();
  }
}

/** Settings of `netsize worker`. */
export interface WorkerOptions {
  /** Jobs run at once, each in its own child process (default 1). */
  concurrency?: number;
  /** Lock time in ms; a job whose worker stops renewing it for this long is stalled (default 30,000). */
  lockMs?: number;
  /** How often stalled jobs are looked for, in ms (default 30,000). */
  stalledMs?: number;
  /** Each job as it starts, ends, and (at most once a second) as its training goes on. */
  onEvent?: (e: { kind: "active" | "progress" | "completed" | "failed"; id: string; message?: string }) => void;
  signal?: AbortSignal;
}

/** Pull and run sweep jobs from the queue until the signal fires. */
export async function runWorker(url: string, o: WorkerOptions = {}): Promise<void> {
  const connection = connectionFor(url);
  await checkRedisClient();
  const { Worker } = await import("bullmq");
  const m = siblingModule("processor");
  const worker = new Worker(QUEUE_NAME, m.file, {
    connection, concurrency: o.concurrency ?? 1, useWorkerThreads: false,
    workerForkOptions: { execArgv: m.execArgv }, lockDuration: o.lockMs ?? 30_000, stalledInterval: o.stalledMs ?? 30_000,
    maxStalledCount: MAX_STALLED, name: `${hostname()}:${process.pid}`,
  });
  worker.on("active", (j) => o.onEvent?.({ kind: "active", id: String(j.id) }));
  worker.on("progress", (j, p) => {
    const q = p as { done?: number; total?: number; stage?: string };
    o.onEvent?.({ kind: "progress", id: String(j.id), message: `step ${q.done ?? "?"}/${q.total ?? "?"}${q.stage ? ` ${q.stage}` : ""}` });
  });
  worker.on("completed", (j) => o.onEvent?.({ kind: "completed", id: String(j.id) }));
  worker.on("failed", (j, e) => o.onEvent?.({ kind: "failed", id: String(j?.id), message: e.message }));
  worker.on("error", () => undefined);
  await worker.waitUntilReady().catch((e: Error) => fail("QUEUE_ERROR", `cannot reach Redis at ${url}: ${e.message}`));
  await new Promise<void>((resolve) => {
    if (o.signal?.aborted) resolve();
    o.signal?.addEventListener("abort", () => resolve());
  });
  await worker.close();
}
