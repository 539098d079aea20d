// STUB owned by the regions-exact helper.
import type { RegionsCliOptions } from "./regions.js";
import { fail } from "../../core/errors.js";

/** `regions --line`. */
export async function runLine(model: string, opts: RegionsCliOptions): Promise<void> {
  void model; void opts; fail("BAD_ARGUMENT", "--line is not implemented yet");
}

/** `regions --plane`. */
export async function runPlane(model: string, opts: RegionsCliOptions): Promise<void> {
  void model; void opts; fail("BAD_ARGUMENT", "--plane is not implemented yet");
}
