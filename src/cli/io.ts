// What a CLI command may touch: its output streams and environment. Tests pass their own.
import { styleText } from "node:util";
import { plainStyler, type Styler } from "../doctor/format.ts";

export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The real process streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * Colour only for a terminal (not TERM=dumb), never when NO_COLOR is set to anything
 * (https://no-color.org), and for pipes too when FORCE_COLOR is set to something other than 0.
 */
export function stylerFor(stream: CliIo["stdout"], env: CliIo["env"]): Styler {
  const force = env["FORCE_COLOR"];
  const noColor = env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "";
  const forced = force !== undefined && force !== "" && force !== "0";
  const enabled = !noColor && (forced || (stream.isTTY === true && env["TERM"] !== "dumb"));
  if (!enabled || typeof styleText !== "function") return plainStyler;
  const paint = (format: Parameters<typeof styleText>[0]) => (text: string) => styleText(format, text);
  return {
    bold: paint("bold"),
    dim: paint("dim"),
    red: paint("red"),
    green: paint("green"),
    yellow: paint("yellow"),
    cyan: paint("cyan"),
  };
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, blocked: 1, usage: 2 } as const;
