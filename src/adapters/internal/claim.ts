/**
 * One CORS decision per request. When several crossgate middlewares see the same request (a
 * path-mounted one before an app-wide one, or nested Fetch wrappers), the first one decides and
 * the others step aside, so a later, wider policy can never add headers a narrower one refused.
 */
const claimed = new WeakSet<object>();

/** Returns `true` the first time it is called for `request`, `false` afterwards. */
export function claimCorsDecision(request: object): boolean {
  if (claimed.has(request)) return false;
  claimed.add(request);
  return true;
}
