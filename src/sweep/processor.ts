// The BullMQ sandboxed processor of `netsize worker`: each job runs in a child process BullMQ forks
// (so training never blocks the worker's lock renewal); the child reports its training progress at
// most once a second and exits as soon as its worker is gone (parent.ts says why that needs care).
import type { Job } from "bullmq";
import { isNetsizeError } from "../core/errors.js";
import { runJob, type JobOutput } from "./job.js";
import { guardedProgress, parentGuard } from "./parent.js";
import type { SweepJob } from "./plan.js";

const guard = parentGuard();

/** Run one sweep job; a NetsizeError keeps its code in the message the coordinator records. */
export default async function process_(job: Job<SweepJob>): Promise<JobOutput> {
  // Not awaited: training does not wait on Redis; the sandbox forwards it to the worker, which stores it.
  const onProgress = guardedProgress((p) => void job.updateProgress({ done: p.done, ...(p.total !== undefined ? { total: p.total } : {}), ...(p.stage ? { stage: p.stage } : {}) }).catch(() => undefined));
  try {
    return await runJob(job.data, { onProgress });
  } catch (e) {
    if (isNetsizeError(e)) throw new Error(`${e.code}: ${e.message}`);
    throw e;
  } finally {
    guard();
  }
}
