/**
 * A plan header's name in lower case, the same string each time. Fastify's `reply.header`, Web
 * `Headers.set`/`get` and Node's `setHeader` all lower-case every name they are given: a name with
 * capitals costs a fresh string each time, which V8 must also look up in its string table before a
 * property store (500 to 800 instructions per header under callgrind); one already in lower case
 * comes back as itself. Those adapters send lower-case names either way, so the bytes sent do not
 * change. Plans carry a handful of names, so the map stays small.
 */
export function lowerCaseName(name: string): string {
  let lower = lowerCaseNames.get(name);
  if (lower === undefined) lowerCaseNames.set(name, (lower = name.toLowerCase()));
  return lower;
}

const lowerCaseNames = new Map<string, string>();
