// The options of `netsize regions`, shared by its modes.
import type { DataCliOptions } from "../data-options.js";

/** Options shared by every regions mode (each mode's handler parses its own spec). */
export interface RegionsCliOptions extends DataCliOptions {
  line?: string;
  plane?: string;
  box?: string;
  sample?: string;
  halfWidth?: string;
  maxRegions?: string;
  maxOutputMb?: string;
  maxMemoryMb?: string;
  /** False with --no-patterns. */
  patterns?: boolean;
  maxDims?: string;
  radius?: string;
  count?: string;
  seed?: string;
  json?: string | boolean;
  svg?: string;
  png?: string;
  colorBy?: string;
  quiet?: boolean;
  verify?: boolean;
  planeMode?: string;
}
