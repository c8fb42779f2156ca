/**
 * One CORS decision per request. When several crossgate middlewares see the same request (a
 * path-mounted one before an app-wide one, or nested Fetch wrappers), the first one decides and
 * the others step aside, so a later, wider policy can never add headers a narrower one refused.
 *
 * The mark is a symbol property on the request: every request of a server has the same shape, so
 * setting it is one cached store, where a `WeakSet` insertion cost more than the whole CORS
 * decision (about 250 ns per request). Requests that cannot take a property fall back to a `WeakSet`.
 */
const CLAIMED = Symbol("crossgate.cors-claimed");
const claimed = new WeakSet<object>();

type Markable = { [CLAIMED]?: true };

/** Returns `true` the first time it is called for `request`, `false` afterwards. */
export function claimCorsDecision(request: object): boolean {
  if ((request as Markable)[CLAIMED] === true) return false;
  // A store that fails throws (modules are strict), so a frozen or sealed request falls back to
  // the WeakSet; asking `Object.isExtensible` first cost a call into the engine's runtime per request.
  try {
    (request as Markable)[CLAIMED] = true;
  } catch {
    // not extensible (or a proxy that refuses the property)
  }
  if ((request as Markable)[CLAIMED] === true) return true;
  if (claimed.has(request)) return false;
  claimed.add(request);
  return true;
}
