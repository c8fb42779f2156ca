// One AbortSignal per call that fires on the caller's abort or on the client's deadline, whichever is first.

export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the deadline (not the caller) aborted the call. */
  readonly expired: () => boolean;
  /** Stops the timer; call when the call settles. */
  readonly clear: () => void;
}

/** Combines the caller's `signal` with a `timeoutMs` timer (0 = no timer). */
export function startDeadline(timeoutMs: number, callerSignal: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  let expired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onCallerAbort = () => controller.abort(callerSignal?.reason);

  if (callerSignal?.aborted) controller.abort(callerSignal.reason);
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });

  if (timeoutMs > 0 && !controller.signal.aborted) {
    timer = setTimeout(() => {
      expired = true;
      controller.abort(new DOMException(`crossgate: deadline of ${timeoutMs} ms expired`, "TimeoutError"));
    }, timeoutMs);
  }
  return {
    signal: controller.signal,
    expired: () => expired,
    clear: () => {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    },
  };
}

/** A signal that aborts when `signal` does or after `ms`, without needing `AbortSignal.any`. */
export function boundedSignal(signal: AbortSignal, ms: number): { signal: AbortSignal; clear: () => void } {
  const deadline = startDeadline(ms, signal);
  return { signal: deadline.signal, clear: deadline.clear };
}
