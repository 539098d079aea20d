// Processes seen through Linux's /proc, for the sweep's fault tests: which children a process has,
// and whether one still runs.
import { readdirSync, readFileSync } from "node:fs";

/** The live (not zombie) processes whose parent is `pid`, with their command lines. */
export function childrenOf(pid: number): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) === pid && state !== "Z") out.push({ pid: Number(d), cmd: readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " ") });
    } catch { /* gone meanwhile */ }
  }
  return out;
}

/** True while `pid` runs (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Wait until none of `pids` runs, polling every 100 ms for at most `ms`; the ones still running. */
export async function waitGone(pids: number[], ms: number): Promise<number[]> {
  for (let t = 0; t < ms && pids.some(alive); t += 100) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}
