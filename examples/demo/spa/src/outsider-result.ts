// What the outsider page reports to the checklist (and to anyone who opens it).

/** The outcome of the call from a non-allowed origin, as plain data (it crosses postMessage). */
export interface OutsiderResult {
  /** `ok` when the call unexpectedly succeeded. */
  readonly name: string;
  readonly code: string | undefined;
  readonly probableCause: string | undefined;
  readonly message: string;
  readonly doctorCommand: string | undefined;
}

/** `postMessage` type tag, so the checklist ignores unrelated messages. */
export const OUTSIDER_MESSAGE = "crossgate-demo-outsider";
