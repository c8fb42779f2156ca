// Signed, session-bound, masked CSRF tokens over Web Crypto (no node: imports: runs in every runtime).
//
// Cookie value ("secret"), 64 characters of [A-Za-z0-9]: 32 random characters (the nonce), then 32
// characters derived from HMAC-SHA256(key, nonce + session id). A sibling subdomain can plant a cookie
// but cannot sign one (OWASP "Signed Double-Submit Cookie").
// Token handed to pages, 128 characters: a fresh 64-character mask, then the secret shifted by it mod 62,
// as Django's `_mask_cipher_secret` does, so the token differs on every response (BREACH).

/** Django's `CSRF_ALLOWED_CHARS`: `string.ascii_letters + string.digits`. */
export const TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const NONCE_LENGTH = 32;
export const SIGNATURE_LENGTH = 32;
/** Length of the cookie value (unmasked secret). */
export const SECRET_LENGTH = NONCE_LENGTH + SIGNATURE_LENGTH;
/** Length of a masked token. */
export const MASKED_LENGTH = SECRET_LENGTH * 2;

const INDEX = new Int8Array(128).fill(-1);
for (let index = 0; index < TOKEN_ALPHABET.length; index++) INDEX[TOKEN_ALPHABET.charCodeAt(index)] = index;

/** "has incorrect length", "has invalid characters", or undefined when well-formed. */
export type TokenFormatProblem = "length" | "characters";

/** Django's `_check_token_format`, for crossgate's lengths: the secret (64) or a masked token (128). */
export function tokenFormatProblem(value: string, lengths: readonly number[]): TokenFormatProblem | undefined {
  if (!lengths.includes(value.length)) return "length";
  return isAlphanumeric(value) ? undefined : "characters";
}

function isAlphanumeric(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 128 || INDEX[code] === -1) return false;
  }
  return true;
}

/** Compares two strings in time that depends only on their lengths (which are public). */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

/** `length` characters of the alphabet, uniformly random (rejection sampling: 248 = 4 × 62). */
export function randomChars(length: number): string {
  let out = "";
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    globalThis.crypto.getRandomValues(bytes);
    for (let index = 0; index < bytes.length && out.length < length; index++) {
      const byte = bytes[index]!;
      if (byte < 248) out += TOKEN_ALPHABET[byte % 62];
    }
  }
  return out;
}

/** Django's `_mask_cipher_secret`: a fresh mask, then each secret character shifted by the mask's. */
export function maskSecret(secret: string): string {
  const mask = randomChars(secret.length);
  let cipher = "";
  for (let index = 0; index < secret.length; index++) {
    cipher += TOKEN_ALPHABET[(INDEX[secret.charCodeAt(index)]! + INDEX[mask.charCodeAt(index)]!) % 62];
  }
  return mask + cipher;
}

/** Django's `_unmask_cipher_token`. `token` must be well-formed (even length, alphanumeric). */
export function unmaskToken(token: string): string {
  const half = token.length / 2;
  let secret = "";
  for (let index = 0; index < half; index++) {
    const shifted = INDEX[token.charCodeAt(half + index)]! - INDEX[token.charCodeAt(index)]!;
    secret += TOKEN_ALPHABET[(shifted + 62) % 62];
  }
  return secret;
}

/** Signs and verifies token secrets with one key and any number of fallback keys. */
export interface TokenSigner {
  /** A new secret (cookie value) bound to `sessionId`. */
  newSecret(sessionId: string | undefined): Promise<string>;
  /** Whether a well-formed secret carries a valid signature for `sessionId` under any key. */
  verify(secret: string, sessionId: string | undefined): Promise<boolean>;
}

const encoder = new TextEncoder();

export function createTokenSigner(secret: string, fallbacks: readonly string[] = []): TokenSigner {
  let keys: Promise<CryptoKey[]> | undefined;
  const loadKeys = () =>
    (keys ??= Promise.all(
      [secret, ...fallbacks].map((material) =>
        globalThis.crypto.subtle.importKey("raw", encoder.encode(material), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
      ),
    ));
  const signature = async (key: CryptoKey, nonce: string, sessionId: string | undefined): Promise<string> => {
    const mac = new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", key, encoder.encode(signedText(nonce, sessionId))));
    let out = "";
    for (let index = 0; index < SIGNATURE_LENGTH; index++) out += TOKEN_ALPHABET[mac[index]! % 62];
    return out;
  };
  return {
    async newSecret(sessionId) {
      const [key] = await loadKeys();
      const nonce = randomChars(NONCE_LENGTH);
      return nonce + (await signature(key!, nonce, sessionId));
    },
    async verify(candidate, sessionId) {
      if (candidate.length !== SECRET_LENGTH) return false;
      const nonce = candidate.slice(0, NONCE_LENGTH);
      const given = candidate.slice(NONCE_LENGTH);
      let valid = false;
      // Every key is tried, so the time taken does not say which one matched.
      for (const key of await loadKeys()) {
        if (constantTimeEqual(await signature(key, nonce, sessionId), given)) valid = true;
      }
      return valid;
    },
  };
}

/**
 * The signed text: a purpose label, the session id length-prefixed (so no two (session, nonce) pairs
 * produce the same text), and the nonce. No session and an empty one are the same: none.
 */
function signedText(nonce: string, sessionId: string | undefined): string {
  const session = sessionId === undefined || sessionId === "" ? "-" : `${sessionId.length}:${sessionId}`;
  return `crossgate.csrf.v1|${session}|${nonce}`;
}
