import cliProgress from "cli-progress";
import { Progress } from "../core/lens.js";

/** A progress bar on stderr for work over a second; silent when stderr is not a TTY or --quiet. Returns an onProgress callback and a stop(). */
export function progressBar(label: string, opts: { quiet?: boolean } = {}): { onProgress: (p: Progress) => void; stop: () => void } {
  if (opts.quiet || !process.stderr.isTTY) return { onProgress: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} {stage}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (p) => {
      const total = p.total ?? Math.max(p.done, 1);
      if (!started) { bar.start(total, p.done, { stage: p.stage ?? "" }); started = true; }
      bar.setTotal(total);
      bar.update(p.done, { stage: p.stage ?? "" });
    },
    stop: () => { if (started) bar.stop(); },
  };
}

/** Run `work` with a progress bar (see progressBar) that is stopped however the work ends. */
export async function withProgress<T>(label: string, opts: { quiet?: boolean }, work: (onProgress: (p: Progress) => void) => Promise<T>): Promise<T> {
  const bar = progressBar(label, opts);
  try {
    return await work(bar.onProgress);
  } finally {
    bar.stop();
  }
}
