import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Give the whole test run one temporary folder (TMPDIR, inherited by workers and spawned CLIs) and remove it afterwards. */
export default function setup(): () => void {
  const dir = mkdtempSync(path.join(tmpdir(), "netsize-tests-"));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
