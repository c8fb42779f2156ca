// A serialized Content-Security-Policy split into its directives (CSP3 §2.2.1 "Parse a serialized
// CSP"). Shared by the client, which quotes the directive that blocked a request, and the doctor,
// which checks policies: it ships to browsers, so it stays small and imports nothing.

/**
 * Each directive of `policy` as the browsers quote it (`connect-src 'self' https://api.example`),
 * by its lower-cased name: split on ";", the name up to the first ASCII whitespace, values joined by
 * one space. A repeated directive is ignored (the first one counts).
 */
export function quotedDirectives(policy: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const token of policy.split(";")) {
    const [name = "", ...values] = token.trim().split(/[\t\n\f\r ]+/);
    const lower = name.toLowerCase();
    if (lower !== "" && !directives.has(lower)) directives.set(lower, [lower, ...values].join(" "));
  }
  return directives;
}
