// `netsize worker --queue redis://…`: pull sweep jobs from BullMQ and run each in a sandboxed child
// process until stopped (Ctrl-C / SIGTERM). A worker that dies mid-job leaves the job to stall; another
// worker picks it up. bullmq is imported inside the action.
import { DESCRIPTIONS } from "./descriptions.js";
import { Command } from "commander";
import { fail, printable } from "../../core/errors.js";
import { action } from "../errors.js";
import { parseIntOption } from "../shared.js";
import { interruptSignal } from "../signals.js";

interface WorkerCliOptions { queue?: string; concurrency?: string; lockMs?: string; stalledMs?: string; quiet?: boolean }

/** Register `netsize worker`. */
export function register(program: Command): void {
  program
    .command("worker")
    .description(DESCRIPTIONS.worker)
    .option("--queue <redis-url>", "the Redis of the sweep, e.g. redis://127.0.0.1:6379")
    .option("--concurrency <n>", "jobs at once, each in a child process (default 1)")
    .option("--lock-ms <ms>", "job lock in ms: a job whose worker stops renewing it this long counts as stalled (default 30000)")
    .option("--stalled-ms <ms>", "how often to look for stalled jobs, in ms (default 30000)")
    .option("--quiet", "no line per job")
    .action(action(async (opts: WorkerCliOptions) => {
      if (!opts.queue) fail("BAD_ARGUMENT", "netsize worker needs --queue redis://HOST:PORT");
      const concurrency = parseIntOption(opts.concurrency, "--concurrency", { min: 1, max: 1024 });
      const lockMs = parseIntOption(opts.lockMs, "--lock-ms", { min: 1000 });
      const stalledMs = parseIntOption(opts.stalledMs, "--stalled-ms", { min: 500 });
      const { runWorker } = await import("../../sweep/queue.js");
      const say = (s: string): void => { if (!opts.quiet) process.stderr.write(`netsize worker: ${s}\n`); };
      say(`pulling jobs from ${printable(opts.queue, 200)}`);
      await runWorker(opts.queue, {
        ...(concurrency !== undefined ? { concurrency } : {}), ...(lockMs !== undefined ? { lockMs } : {}), ...(stalledMs !== undefined ? { stalledMs } : {}),
        onEvent: (e) => say(`${e.kind} ${e.id}${e.message ? `: ${printable(e.message.split("\n")[0]!, 300)}` : ""}`),
        signal: interruptSignal,
      });
    }));
}
