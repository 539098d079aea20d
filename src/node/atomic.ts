import { promises as fs } from "node:fs";
import path from "node:path";
import { NetsizeError } from "../core/errors.js";

/** Write a file atomically: write a temporary sibling, then rename, so a failure never leaves a partial file. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new NetsizeError("IO_ERROR", `cannot write: ${(e as Error).message}; check the folder exists and is writable`, { file });
  }
}
