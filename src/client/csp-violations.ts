// Notices when the page's own Content-Security-Policy blocks a request. fetch rejects with the same
// opaque TypeError as for CORS, but the document also fires a `securitypolicyviolation` event
// (CSP3 §5.3 "Report a violation") naming the blocked URL and the policy. Chromium 156 and Firefox
// 153 fire it just after the fetch promise rejects, within one task, so a failure waits a few
// tasks for it before concluding anything.

import { quotedDirectives } from "./csp-directives.ts";

/** The policy that blocked a request, as the page's `securitypolicyviolation` event reported it. */
export interface CspViolation {
  /** The directive as the browsers quote it, e.g. `connect-src 'self'` (or the `default-src` it fell back to). */
  readonly directive: string;
  /** The whole policy that blocked it. */
  readonly policy: string;
}

export interface CspWatch {
  /** The violation for the watched URL, waiting a few tasks for the event to arrive. */
  settle(): Promise<CspViolation | undefined>;
  /** Stops listening. */
  stop(): void;
}

/** The subset of SecurityPolicyViolationEvent read here (not every DOM lib has the type). */
interface ViolationEvent {
  readonly blockedURI?: string;
  readonly effectiveDirective?: string;
  readonly violatedDirective?: string;
  readonly originalPolicy?: string;
  readonly disposition?: string;
}

interface EventTargetLike {
  addEventListener(type: string, listener: (event: ViolationEvent) => void): void;
  removeEventListener(type: string, listener: (event: ViolationEvent) => void): void;
}

/** Tasks to wait for the event after fetch rejected; both browsers need one. */
const SETTLE_TASKS = 3;

/** True when `blockedURI` names `url`: the URL itself, or its origin where a browser strips it. */
function blocks(blockedURI: string, url: string): boolean {
  if (blockedURI === url) return true;
  try {
    const blocked = new URL(blockedURI);
    const target = new URL(url);
    return blocked.origin === target.origin && (blocked.pathname === "/" || blocked.href.split(/[?#]/)[0] === target.href.split(/[?#]/)[0]);
  } catch {
    return false;
  }
}

/** Starts watching for a CSP violation that blocks `url`; undefined outside a document. */
export function watchCspViolations(url: string): CspWatch | undefined {
  let target: EventTargetLike | undefined;
  try {
    target = (globalThis as { document?: EventTargetLike }).document;
  } catch {
    return undefined;
  }
  if (target === undefined || typeof target.addEventListener !== "function") return undefined;
  const document = target;

  let found: CspViolation | undefined;
  const listener = (event: ViolationEvent) => {
    if (found !== undefined || (event.disposition !== undefined && event.disposition !== "enforce")) return;
    const effective = (event.effectiveDirective ?? event.violatedDirective ?? "").split(" ")[0] ?? "";
    if (effective !== "connect-src" && effective !== "default-src") return;
    if (typeof event.blockedURI !== "string" || !blocks(event.blockedURI, url)) return;
    const policy = event.originalPolicy ?? "";
    // `connect-src …` from the policy text, or the `default-src …` it falls back to.
    const directives = quotedDirectives(policy);
    found = { directive: directives.get("connect-src") ?? directives.get("default-src") ?? "connect-src", policy };
  };
  document.addEventListener("securitypolicyviolation", listener);

  return {
    async settle() {
      for (let task = 0; found === undefined && task < SETTLE_TASKS; task++) {
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return found;
    },
    stop() {
      document.removeEventListener("securitypolicyviolation", listener);
    },
  };
}
