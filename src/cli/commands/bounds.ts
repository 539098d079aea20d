// STUB: the 'bounds' command; its owner replaces this file.
import { Command } from "commander";

/** Register the 'bounds' command. */
export function register(program: Command): void {
  void program;
}
