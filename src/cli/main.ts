import { exitWithError } from "./errors.js";
import { installInterruptHandlers } from "./signals.js";
import { buildProgram } from "./program.js";

// Ctrl-C / kill: one line, exit 130 / 143, staged outputs removed (bin/netsize.js installs the handlers
// before anything else loads; installing again is a no-op). `train` checkpoints on Ctrl-C with its own handler.
installInterruptHandlers();
buildProgram(process.argv.slice(2))
  .then((program) => program.parseAsync(process.argv))
  .catch(exitWithError);
