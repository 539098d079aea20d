// The Lens contract: every measurement netsize makes is a value with a name, a schema and run().
// Faces (CLI, report, studio) enumerate lenses through lenses/registry.ts and never import a lens's inner files.
import type { EngineProvider } from "./engine/batch.js";
import type { Network } from "./network.js";
import type { Progress, ProgressContext } from "./progress.js";

export type { Progress } from "./progress.js";
export { checkAborted, since, yieldToEventLoop } from "./progress.js";

/** What every lens receives besides its inputs: cancellation, progress, and the batch engine to use (default: the float64 reference). */
export interface LensContext extends ProgressContext {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Batch engines for forward passes over many samples; the Node side hands in onnxruntime. */
  engine?: EngineProvider;
}

/** Wall-clock milliseconds: `total` always, plus any stages. */
export type Timings = { total: number } & Record<string, number>;

/** Fields every lens result carries (plus its own). */
export interface LensResultBase {
  /** Schema tag, one per result shape, e.g. "netsize.regions.slice/1". */
  schema: string;
  /** The options the lens ran with, echoed (JSON-serialisable). */
  options: Record<string, unknown>;
  /** The tolerance policy values used. */
  tolerance: Record<string, number>;
  /** Wall-clock milliseconds: `total` plus stages. */
  timings: Timings;
  /** Seed of any randomness used. */
  seed?: number;
}

/** One option of a lens: its default (stated only here) and the sentence --help shows. */
export interface LensOption<T = unknown> {
  default?: T;
  description: string;
}

/** The option table of a lens: every option of `O`, each with its default and help text. */
export type LensOptions<O extends object> = { readonly [K in keyof O]-?: LensOption<Exclude<O[K], undefined>> };

/**
 * A lens: `run(network, input, options, ctx)` measures one thing about a network. `input` is what the
 * measurement is about besides the network (a domain, a plane, a data set; undefined when nothing).
 */
export interface Lens<Input, Options extends object, Result extends LensResultBase> {
  /** Registry name, e.g. "regions.slice". */
  readonly name: string;
  /** Schema tag of its result. */
  readonly schema: Result["schema"];
  /** One sentence: what it measures. */
  readonly description: string;
  /** Every option with its default, stated once: the lens uses these and faces show them. */
  readonly options: LensOptions<Options>;
  /** Whether the lens applies to this network; a reason when it does not. */
  applies?(network: Network): true | string;
  run(network: Network, input: Input, options?: Options, ctx?: LensContext): Promise<Result>;
}

/** A lens of any types, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLens = Lens<any, any, LensResultBase>;

/** The defaults of a lens's options, as one object (options without a default are left out). */
export function defaultsOf<O extends object>(options: LensOptions<O>): Partial<O> {
  const out: Partial<O> = {};
  for (const k of Object.keys(options) as (keyof O)[]) {
    const d = options[k].default;
    if (d !== undefined) out[k] = d as unknown as O[keyof O];
  }
  return out;
}
