// One line per command, stated once: `--help` lists them without loading any command module (they load heavy
// packages: TensorFlow.js, onnxruntime, resvg, vega), and each command module uses its own line.

/** What each `netsize` command does, by name (the order `--help` lists them in). */
export const DESCRIPTIONS = {
  info: "layers, shapes, units, parameters and piecewise linearity of a model",
  eval: "classification accuracy on mnist (all 10,000 digits by default) or a labelled CSV/NPY file",
  convert: "convert a model between ONNX and netsize JSON (weights kept exactly in JSON and with --float 64)",
  regions: "linear regions: exact on a line (--line) or 2-D slice (--plane) or low-dimensional box (--box); sampled patterns and local complexity in high dimension (--sample)",
  bounds: "theoretical maximum numbers of linear regions (Zaslavsky, Montúfar 2014/2017, Serra 2018) for an architecture",
  stability: "stable units on a domain: stably active / stably inactive / unstable per layer, certified by IBP, CROWN, α-CROWN, LP or MILP",
  compress: "lossless compression on a domain: delete stably inactive units, fold stably active ones, merge linear layers; checks max |f − f'| before writing",
  simplicity: "how much of the network the data use: prunability ρ*, dead/undead units (observed and certified), representation sparsity/rank/effective rank, GDV per layer",
  condensation: "condensation (Zhou et al.): lines and orientations of the hidden neurons' input weights, the spectrum of their cosine matrix, the merged smaller network; over a run folder, the time course",
  graph: "the network as a weighted multipartite graph: node strengths, signed strengths (Scabini), eigenvector centrality, k-cores and k-hypercores per layer; over a run folder, the time-evolving graph",
  shallow: "the exact shallow form of a piecewise-linear network on a low-dimensional box: lattice max-min form and a maximum of one-hidden-layer ReLU networks, checked on 10⁵ points and every region; An et al.'s counts",
  ensemble: "Olson et al.'s ensemble view: split the output layer by an LP (HiGHS) into sub-networks whose average is the network; each one's training error and the correlation of their residuals",
  report: "every lens that applies, each within a time budget, in one self-contained HTML page (+ the JSON of every result)",
  transform: "rewrite a network without changing its function: --ion SEED gives an identical-output network (Choi et al.) whose representation statistics differ",
  train: "train a network with TensorFlow.js (wasm) and keep snapshots as netsize networks for the lenses",
  demo: "the headline job on built-in data: train 784-100-100-10 on mnist without and with L1, then measure how big each really is",
  sweep: "train many networks from a plan.yaml (a grid / random draws over train settings) and run lenses on their snapshots; local pool or BullMQ; results in DuckDB",
  worker: "run sweep jobs from a BullMQ queue (see netsize sweep --queue), each in its own child process, until stopped",
  studio: "the browser studio: TensorFlow Playground with the exact linear regions, and an explorer of any model's exact slices (serves on 127.0.0.1)",
  lenses: "list the lenses: name, result schema, what each measures, and every option (library name) with its default",
} as const;

/** A command's name. */
export type CommandName = keyof typeof DESCRIPTIONS;
