// Spawning the real command line (`node bin/netsize.js ...`) from tests.
import { execFile } from "node:child_process";
import path from "node:path";
import { ROOT } from "../helpers/shared.js";

/** What one CLI run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `netsize ...args` in the repository root and collect exit code and both streams. */
export function netsize(args: string[], opts: { timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, "bin/netsize.js"), ...args], { cwd: ROOT, timeout: opts.timeoutMs ?? 600_000, maxBuffer: 64 << 20, env: { ...process.env, NETSIZE_DEBUG: "" } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Run several CLI invocations at most `limit` at a time (the CI machine has 2 cores). */
export async function netsizeAll(argsList: string[][], limit = 2): Promise<CliRun[]> {
  const out: CliRun[] = new Array(argsList.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < argsList.length) {
      const i = next++;
      out[i] = await netsize(argsList[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, argsList.length) }, worker));
  return out;
}

/** The single-line error contract: exactly one stderr line "netsize: CODE: ...", no stack trace. */
export function errorLine(r: CliRun): { code: string; line: string } {
  const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
  const m = /^netsize: ([A-Z_]+): /.exec(lines[0] ?? "");
  return { code: lines.length === 1 && m ? m[1]! : `not one error line: ${JSON.stringify(r.stderr.slice(0, 500))}`, line: lines[0] ?? "" };
}
