// STUB: the 'compress' command; its owner replaces this file.
import { Command } from "commander";

/** Register the 'compress' command. */
export function register(program: Command): void {
  void program;
}
