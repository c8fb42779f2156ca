// crossgate's debug mode names each refusal in a `Crossgate-Refusal` response header; where a
// response carries one, the doctor repeats it as a note on that step.
import { getHeader, type HeaderPair } from "./http-tokens.ts";

/** A note quoting the response's `Crossgate-Refusal`, or none. */
export function refusalHeaderNotes(headers: readonly HeaderPair[]): string[] {
  const value = getHeader(headers, "crossgate-refusal");
  if (value === null) return [];
  return [`The server says why it refused: Crossgate-Refusal: ${value} (crossgate's debug mode; keep it off in production).`];
}
