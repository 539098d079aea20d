// STUB: the 'stability' command; its owner replaces this file.
import { Command } from "commander";

/** Register the 'stability' command. */
export function register(program: Command): void {
  void program;
}
