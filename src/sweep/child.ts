// A local pool's worker process: runs the jobs its coordinator sends, one at a time, and answers
// each with its output or its error. It exits when the coordinator goes away, mid-job too (parent.ts),
// so a killed coordinator leaves no orphan training.
import { isNetsizeError } from "../core/errors.js";
import type { Progress } from "../core/lens.js";
import { runJob } from "./job.js";
import { guardedProgress, parentGuard } from "./parent.js";
import type { SweepJob } from "./plan.js";

/** Messages of the pool (coordinator → child: a job; child → coordinator: its output or error). */
export type ChildReply = { id: string; output: unknown } | { id: string; error: { code?: string; message: string } };
/** A running job's training progress (child → coordinator, at most once a second). */
export interface ChildProgress { id: string; progress: Progress }

parentGuard();
process.on("message", (job: SweepJob) => {
  const onProgress = guardedProgress((p) => process.send!({ id: job.id, progress: p } satisfies ChildProgress));
  runJob(job, { onProgress }).then(
    (output) => process.send!({ id: job.id, output } satisfies ChildReply),
    (e: unknown) => process.send!({ id: job.id, error: { ...(isNetsizeError(e) ? { code: e.code } : {}), message: e instanceof Error ? e.message : String(e) } } satisfies ChildReply),
  );
});
process.send!({ ready: true });
