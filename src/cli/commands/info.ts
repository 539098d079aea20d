// STUB: the 'info' command; its owner replaces this file.
import { Command } from "commander";

/** Register the 'info' command. */
export function register(program: Command): void {
  void program;
}
