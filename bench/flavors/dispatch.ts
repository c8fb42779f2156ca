/**
 * Calls a middleware the way its framework does: from one call site that every middleware and
 * handler of an app goes through (Express's `Layer#handle_request`, koa-compose's `dispatch`,
 * Fastify's `hookIterator`, Hono's `compose`). V8 sees such a site call many functions, so it
 * calls the middleware as a function of its own, compiled on its own, and never inlines it into
 * the caller. Called from a site that only ever saw the one middleware under test, V8 would inline
 * it into the benchmark's loop together with the mock request and response, and a large
 * middleware would use up the loop's inlining budget and push the mocks' constructors out of line:
 * a cost no server pays, charged to the larger middleware.
 *
 * The middleware must reach these functions as a value the compiler cannot know in advance, as a
 * dispatcher's `layer.handle` or `middleware[i]` is: passed straight from a closure variable, V8
 * specialises the benchmark's closure to it and inlines it whatever the call site saw. So callers
 * read it from an array (`stack[0]`), whose elements the compiler does not fold.
 */
type AnyFunction = (...args: any[]) => unknown;

/** `fn(a, b, c)` from a call site that has seen several functions (Express, Fastify hooks). */
export function dispatch3(fn: AnyFunction, a: unknown, b: unknown, c: unknown): unknown {
  return fn(a, b, c);
}

/** `fn(a, b, c, d)` from a call site that has seen several functions (Fastify's onSend hooks). */
export function dispatch4(fn: AnyFunction, a: unknown, b: unknown, c: unknown, d: unknown): unknown {
  return fn(a, b, c, d);
}

/** `fn(a, b)` from a call site that has seen several functions (Koa). */
export function dispatch2(fn: AnyFunction, a: unknown, b: unknown): unknown {
  return fn(a, b);
}

// Feedback is kept only once a function has run a few times: call each site often enough, with
// several functions, that its feedback records many targets before any benchmark runs.
const others: AnyFunction[] = [() => 1, () => 2, () => 3, () => 4, () => 5];
for (let index = 0; index < 100; index++) {
  dispatch3(others[index % others.length]!, undefined, undefined, undefined);
  dispatch4(others[index % others.length]!, undefined, undefined, undefined, undefined);
  dispatch2(others[index % others.length]!, undefined, undefined);
}
