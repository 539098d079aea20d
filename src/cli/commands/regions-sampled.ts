// STUB owned by the regions-box/sampled helper.
import type { RegionsCliOptions } from "./regions.js";
import { fail } from "../../core/errors.js";

/** `regions --box`. */
export async function runBox(model: string, opts: RegionsCliOptions): Promise<void> {
  void model; void opts; fail("BAD_ARGUMENT", "--box is not implemented yet");
}

/** `regions --sample`. */
export async function runSample(model: string, opts: RegionsCliOptions): Promise<void> {
  void model; void opts; fail("BAD_ARGUMENT", "--sample is not implemented yet");
}
