// The small surface one test body uses in either browser.
import type { BrowserName } from "./availability.ts";

/** One message the browser itself reported for the page: console output, CORS and cookie warnings, page errors. */
export interface BrowserMessage {
  /** `console` for console events (Chromium's CORS errors), `pageerror` for page errors (Firefox's CORS errors). */
  readonly source: "console" | "pageerror";
  /** Console level (`error`, `warning`, `log`, …); `error` for page errors. */
  readonly level: string;
  readonly text: string;
}

/** A page in its own fresh context (own cookie jar, HTTP cache and preflight cache). */
export interface BrowserSession {
  readonly browser: BrowserName;
  /** Navigates and waits for the `load` event. */
  goto(url: string): Promise<void>;
  /**
   * Runs a function in the page and returns its (JSON-serialisable) result. The function is sent as
   * source text, so it must not close over test-file variables; pass data through `arg`.
   */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** Evaluates a script expression (string) in the page, awaiting it when it is a promise. */
  evaluateScript<R = unknown>(expression: string): Promise<R>;
  /** The attributes of the first element matching `selector`, or null when there is none. */
  attributes(selector: string): Promise<Record<string, string> | null>;
  /** Every message captured so far, oldest first. */
  messages(): readonly BrowserMessage[];
  /** All captured message texts joined by newlines, handy for `toContain`/`toMatch`. */
  messageText(): string;
  /** Resolves with the first message whose text matches; rejects after `timeoutMs` (default 5000). */
  waitForMessage(pattern: RegExp | string, timeoutMs?: number): Promise<BrowserMessage>;
  /** Closes the page and its context. */
  close(): Promise<void>;
}

/** A launched browser; open one session per test. */
export interface HarnessBrowser {
  readonly name: BrowserName;
  /** Opens a page in a fresh context. */
  newSession(): Promise<BrowserSession>;
  /** Closes every session and the browser process. */
  close(): Promise<void>;
}

/** Keeps the captured messages and wakes up `waitForMessage` callers. */
export class MessageLog {
  readonly #messages: BrowserMessage[] = [];
  readonly #waiters = new Set<(m: BrowserMessage) => void>();

  push(message: BrowserMessage): void {
    this.#messages.push(message);
    for (const wake of this.#waiters) wake(message);
  }

  all(): readonly BrowserMessage[] {
    return [...this.#messages];
  }

  text(): string {
    return this.#messages.map((m) => m.text).join("\n");
  }

  waitFor(pattern: RegExp | string, timeoutMs = 5000): Promise<BrowserMessage> {
    const matches = (m: BrowserMessage) =>
      typeof pattern === "string" ? m.text.includes(pattern) : pattern.test(m.text);
    const seen = this.#messages.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(
          new Error(
            `no browser message matching ${String(pattern)} within ${timeoutMs} ms; captured:\n${this.text() || "(none)"}`,
          ),
        );
      }, timeoutMs);
      const wake = (m: BrowserMessage) => {
        if (!matches(m)) return;
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve(m);
      };
      this.#waiters.add(wake);
    });
  }
}

/** Page-side source that reads one element's attributes; shared by both drivers. */
export function attributesScript(selector: string): string {
  return `(() => {
    const element = document.querySelector(${JSON.stringify(selector)});
    if (!element) return null;
    const out = {};
    for (const attribute of element.attributes) out[attribute.name] = attribute.value;
    return out;
  })()`;
}
