/** How many origins a policy remembers the answer for; past it the memo starts over. */
export const ORIGIN_MEMO_LIMIT = 1024;

/** Stores `value` under `key` in a bounded memo (cleared when full) and returns it. */
export function remember<K, T>(memo: Map<K, T>, key: K, value: T): T {
  if (memo.size >= ORIGIN_MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}
