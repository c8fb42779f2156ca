/**
 * Merges tokens into a `Vary` value (RFC 9110 §12.5.5): case-insensitive, never duplicated,
 * and `*` absorbs everything. `existing` is the response's current value, if any.
 */
export function mergeVary(existing: string | readonly string[] | number | undefined, add: string): string {
  // Small on purpose, so that engines inline it: most responses have no Vary yet.
  return existing === undefined || existing === "" ? add : mergeIntoVary(existing, add);
}

function mergeIntoVary(existing: string | readonly string[] | number, add: string): string {
  const current = Array.isArray(existing) ? existing.join(", ") : String(existing);
  if (current === add || add === "") return current;
  const present = new Set<string>();
  for (const token of current.split(",")) {
    const name = token.trim().toLowerCase();
    if (name === "*") return "*";
    if (name !== "") present.add(name);
  }
  let merged = current.trim();
  for (const token of add.split(",")) {
    const name = token.trim();
    if (name === "*") return "*";
    if (name !== "" && !present.has(name.toLowerCase())) {
      present.add(name.toLowerCase());
      merged = merged === "" ? name : `${merged}, ${name}`;
    }
  }
  return merged;
}
