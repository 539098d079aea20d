// One tsx loader for both entries, scoped to netsize (the consumer's own imports are left alone), so
// "netsize" and "netsize/node" share one instance of every module (NetsizeError is one class).
import { register } from "tsx/esm/api";

const api = register({ namespace: "netsize" });

/** Import a TypeScript source of netsize, relative to `parent`. */
export function load(specifier, parent) {
  return api.import(specifier, parent);
}
