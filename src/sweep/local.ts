// The local sweep: a pool of worker processes (TensorFlow.js training is CPU-bound; in processes it
// neither blocks the coordinator nor shares a heap), the coordinator writing every result to the store.
import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import type { Progress } from "../core/lens.js";
import type { ChildProgress, ChildReply } from "./child.js";
import type { JobOutput } from "./job.js";
import type { SweepJob, SweepPlan } from "./plan.js";
import { tracker, type SweepProgress } from "./progress.js";
import { siblingModule } from "./spawn.js";
import type { SweepStore } from "./store.js";

/** Times a job whose worker process died (killed, out of memory) runs again before it is recorded as failed; BullMQ's maxStalledCount. */
export const MAX_STALLED = 3;

/** How a sweep runs. */
export interface SweepRunOptions {
  /** Worker processes (default: one per core). */
  workers?: number;
  /** Run jobs recorded as failed again (default: skip them, like done ones). */
  retryFailed?: boolean;
  onProgress?: (p: SweepProgress) => void;
  /** Each job as its result is stored: its id, and its error when it failed. */
  onJob?: (id: string, error?: string) => void;
  /** A running job's training progress, at most once a second per job (local pool only). */
  onJobProgress?: (id: string, p: Progress) => void;
  signal?: AbortSignal;
}

/** What a sweep did. */
export interface SweepSummary {
  total: number;
  ran: number;
  failed: number;
  skipped: number;
  seconds: number;
}

/** The jobs still to run: not in the store, or failed when retryFailed. */
export async function pendingJobs(plan: SweepPlan, store: SweepStore, retryFailed: boolean): Promise<SweepJob[]> {
  const states = await store.states();
  return plan.jobs.filter((j) => { const s = states.get(j.id); return !s || (retryFailed && s.status === "failed"); });
}

function startChild(): ChildProcess {
  const m = siblingModule("child");
  const c = fork(m.file, [], { execArgv: m.execArgv, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  // A send to a process that just died errs; its 'exit' follows, and the lane handles that.
  c.on("error", () => undefined);
  return c;
}

/** Run a plan's pending jobs on a pool of local processes, writing results to the store as they come. */
export async function runLocal(plan: SweepPlan, store: SweepStore, o: SweepRunOptions = {}): Promise<SweepSummary> {
  const t0 = performance.now();
  const queue = await pendingJobs(plan, store, o.retryFailed ?? false);
  const skipped = plan.jobs.length - queue.length;
  const track = tracker(plan.jobs.length, skipped);
  const report = (): void => o.onProgress?.(track.snapshot());
  report();
  const n = Math.max(1, Math.min(o.workers ?? availableParallelism(), queue.length));
  let ran = 0, failed = 0;
  // Writes are serialised: DuckDB has one connection, and a job's rows go in one transaction.
  let writes = Promise.resolve();
  const deaths = new Map<string, number>();
  const children: ChildProcess[] = [];
  const stopAll = (): void => { for (const c of children) c.kill("SIGKILL"); };
  o.signal?.addEventListener("abort", stopAll);
  const lane = async (): Promise<void> => {
    let child = startChild();
    children.push(child);
    for (;;) {
      if (o.signal?.aborted) return;
      const job = queue.shift();
      if (!job) break;
      // A process that died (killed mid-job, or exiting after its reply) is replaced before the next job.
      if (child.exitCode !== null || child.signalCode !== null) { child = startChild(); children.push(child); }
      track.start(); report();
      const reply = await new Promise<ChildReply | { id: string; died: string }>((resolve) => {
        const onMsg = (m: ChildReply | ChildProgress | { ready: true }): void => {
          if (!("id" in m) || m.id !== job.id) return;
          if ("progress" in m) { o.onJobProgress?.(job.id, m.progress); return; }
          cleanup(); resolve(m);
        };
        const onExit = (code: number | null, sig: string | null): void => { cleanup(); resolve({ id: job.id, died: `the worker process stopped (${sig ?? `exit code ${code}`}) while running the job` }); };
        const cleanup = (): void => { child.off("message", onMsg); child.off("exit", onExit); };
        child.on("message", onMsg);
        child.on("exit", onExit);
        child.send(job);
      });
      if (o.signal?.aborted) return;
      const attempts = (deaths.get(job.id) ?? 0) + 1;
      if ("died" in reply) {
        deaths.set(job.id, attempts);
        // As a stalled BullMQ job: run again, on a fresh process, up to MAX_STALLED times.
        if (attempts <= MAX_STALLED) { track.requeue(); queue.unshift(job); report(); continue; }
      }
      if ("output" in reply) {
        ran++; track.finish(true);
        writes = writes.then(() => store.putResult(job, plan.name, reply.output as JobOutput, { attempts, worker: "local" })).then(() => o.onJob?.(job.id));
      } else {
        failed++; track.finish(false);
        const error = "died" in reply ? `${reply.died} (${attempts} times)` : `${reply.error.code ? `${reply.error.code}: ` : ""}${reply.error.message}`;
        writes = writes.then(() => store.putFailure(job, plan.name, error, { attempts, worker: "local" })).then(() => o.onJob?.(job.id, error));
      }
      await writes;
      report();
    }
    child.kill();
  };
  try {
    await Promise.all(Array.from({ length: n }, lane));
    await writes;
  } finally {
    o.signal?.removeEventListener("abort", stopAll);
    stopAll();
  }
  return { total: plan.jobs.length, ran, failed, skipped, seconds: (performance.now() - t0) / 1000 };
}
