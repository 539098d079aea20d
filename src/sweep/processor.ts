// The BullMQ sandboxed processor of `netsize worker`: each job runs in a child process BullMQ forks
// (so training never blocks the worker's lock renewal), and the child exits with its parent.
import type { Job } from "bullmq";
import { isNetsizeError } from "../core/errors.js";
import { runJob, type JobOutput } from "./job.js";
import type { SweepJob } from "./plan.js";

process.on("disconnect", () => process.exit(1));

/** Run one sweep job; a NetsizeError keeps its code in the message the coordinator records. */
export default async function process_(job: Job<SweepJob>): Promise<JobOutput> {
  try {
    return await runJob(job.data);
  } catch (e) {
    if (isNetsizeError(e)) throw new Error(`${e.code}: ${e.message}`);
    throw e;
  }
}
