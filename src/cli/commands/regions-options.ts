// The options of `netsize regions`, shared by its modes.

/** Options shared by every regions mode (each mode's handler parses its own spec). */
export interface RegionsCliOptions {
  line?: string;
  plane?: string;
  box?: string;
  sample?: string;
  data?: string;
  halfWidth?: string;
  maxRegions?: string;
  maxOutputMb?: string;
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
