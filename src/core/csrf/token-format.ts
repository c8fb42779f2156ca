// The CSRF token formats: how the cookie and the submitted token are checked, compared and made.
// The guard (decide.ts) asks only this interface, so a format is one object here.
//
// - "signed" (the default): crossgate's 64-character cookie secret, signed with `secret` and bound to
//   the session (token.ts); tokens are that secret or its 128-character masked form.
// - "django": Django's own formats (django/middleware/csrf.py), so a Django backend and crossgate on
//   one site share one `csrftoken` cookie. Cookie: a 32-character secret (Django >= 4.1) or a
//   64-character masked token (Django <= 4.0, or CSRF_COOKIE_MASKED); tokens: 32 or 64 characters.
//   Nothing is signed, so nothing binds the secret to a session.

import type { IssueCollector } from "../errors.ts";
import { booleanOption } from "../internal/option-checks.ts";
import { nearestName } from "../internal/suggest.ts";
import type { CsrfOptions } from "./options.ts";
import { createTokenSigner, MASKED_LENGTH, maskSecret, randomChars, SECRET_LENGTH, tokenFormatProblem, unmaskToken, type TokenFormatProblem } from "./token.ts";
import { freeze } from "../internal/freeze.ts";

/** The token formats `tokenFormat` accepts. */
export const CSRF_TOKEN_FORMATS = freeze(["signed", "django"] as const);
export type CsrfTokenFormat = (typeof CSRF_TOKEN_FORMATS)[number];

/** Django's `CSRF_SECRET_LENGTH`. */
export const DJANGO_SECRET_LENGTH = 32;
/** Django's `CSRF_TOKEN_LENGTH`: a mask, then the secret shifted by it. */
export const DJANGO_TOKEN_LENGTH = 2 * DJANGO_SECRET_LENGTH;

/** One token format, as the guard uses it. Every method takes attacker-controlled strings and never throws. */
export interface TokenFormat {
  readonly name: CsrfTokenFormat;
  /** Whether a cookie value is well formed ("length", "characters", or undefined). */
  cookieProblem(value: string): TokenFormatProblem | undefined;
  /** Whether a submitted token (header or form field) is well formed. */
  tokenProblem(value: string): TokenFormatProblem | undefined;
  /** The secret a well-formed cookie value holds. */
  cookieSecret(value: string): string;
  /** The secret a well-formed submitted token holds. */
  tokenSecret(value: string): string;
  /** Whether a well-formed cookie may serve this session (signed: its signature verifies; django: always). */
  cookieServes(value: string, sessionId: string | undefined): Promise<boolean>;
  /** The cookies, in the order `issueToken` considers keeping them. */
  keepable(values: readonly string[]): readonly string[];
  /** A new cookie value for the session. */
  newCookie(sessionId: string | undefined): Promise<string>;
  /**
   * Whether `issueToken` re-sends a cookie it keeps, renewing its `Max-Age` as Django does. `false` when
   * another server shares the cookie: crossgate then never writes over a well-formed one.
   */
  readonly renewsKeptCookie: boolean;
}

const SIGNED_COOKIE_LENGTHS: readonly number[] = freeze([SECRET_LENGTH]);
const SIGNED_TOKEN_LENGTHS: readonly number[] = freeze([SECRET_LENGTH, MASKED_LENGTH]);

/** crossgate's signed, session-bound format. */
export function signedTokenFormat(secret: string, fallbacks: readonly string[]): TokenFormat {
  const signer = createTokenSigner(secret, fallbacks);
  return freeze({
    name: "signed",
    cookieProblem: (value: string) => tokenFormatProblem(value, SIGNED_COOKIE_LENGTHS),
    tokenProblem: (value: string) => tokenFormatProblem(value, SIGNED_TOKEN_LENGTHS),
    cookieSecret: (value: string) => value,
    tokenSecret: (value: string) => (value.length === MASKED_LENGTH ? unmaskToken(value) : value),
    cookieServes: (value: string, sessionId: string | undefined) => signer.verify(value, sessionId),
    keepable: (values: readonly string[]) => values,
    newCookie: (sessionId: string | undefined) => signer.newSecret(sessionId),
    renewsKeptCookie: true,
  } satisfies TokenFormat);
}

const DJANGO_LENGTHS: readonly number[] = freeze([DJANGO_SECRET_LENGTH, DJANGO_TOKEN_LENGTH]);

/** Django's `_check_token_format`: 32 or 64 characters of `[A-Za-z0-9]`, for the cookie and the token alike. */
function djangoProblem(value: string): TokenFormatProblem | undefined {
  return tokenFormatProblem(value, DJANGO_LENGTHS);
}

/** Django's `_get_secret` and `_does_token_match`: a 64-character value is unmasked, a 32-character one is the secret. */
function djangoSecret(value: string): string {
  return value.length === DJANGO_TOKEN_LENGTH ? unmaskToken(value) : value;
}

/**
 * Django's formats. `maskedCookie` writes new cookies as Django <= 4.0 does (a 64-character masked
 * token, `_get_new_csrf_token`); otherwise as Django >= 4.1 does (the 32-character secret).
 */
export function djangoTokenFormat(maskedCookie: boolean): TokenFormat {
  return freeze({
    name: "django",
    cookieProblem: djangoProblem,
    tokenProblem: djangoProblem,
    cookieSecret: djangoSecret,
    tokenSecret: djangoSecret,
    cookieServes: async () => true,
    // Django reads `request.COOKIES[name]`, built by `parse_cookie`, where the last same-named cookie
    // wins; the token handed out must be the one Django will compare against.
    keepable: (values: readonly string[]) => values.slice(-1),
    newCookie: async () => {
      const secret = randomChars(DJANGO_SECRET_LENGTH);
      return maskedCookie ? maskSecret(secret) : secret;
    },
    renewsKeptCookie: false,
  } satisfies TokenFormat);
}

/** The validated format choice; `signs` tells whether `secret` is needed. */
export interface TokenFormatChoice {
  readonly name: CsrfTokenFormat;
  readonly maskedCookie: boolean;
  readonly signs: boolean;
}

/** Validates `tokenFormat` and `cookie.masked` against the options they interact with, adding every problem to `issues`. */
export function validateTokenFormat(input: CsrfOptions, tokens: boolean, issues: IssueCollector): TokenFormatChoice {
  let name: CsrfTokenFormat = "signed";
  const given: unknown = input.tokenFormat;
  if (given !== undefined) {
    if (typeof given === "string" && (CSRF_TOKEN_FORMATS as readonly string[]).includes(given)) {
      name = given as CsrfTokenFormat;
    } else {
      const near = typeof given === "string" ? nearestName(given.toLowerCase(), CSRF_TOKEN_FORMATS) : undefined;
      issues.add(
        "value-invalid",
        "tokenFormat",
        given,
        'must be "signed" (crossgate\'s signed, session-bound tokens) or "django" (Django\'s csrftoken cookie and tokens).',
        near !== undefined ? `write tokenFormat: "${near}".` : 'write tokenFormat: "django" to share the csrftoken cookie with a Django backend, or leave it out.',
      );
    }
  }
  if (name === "django" && !tokens) {
    issues.add("value-invalid", "tokenFormat", name, "chooses a token format, but tokens is false, so no token is ever checked.", "set tokens: true, or leave tokenFormat out.");
  }
  if (name === "django" && input.sessionId !== undefined) {
    issues.add(
      "value-invalid",
      "sessionId",
      "a function",
      'cannot bind tokens to the session with tokenFormat: "django": Django\'s cookie secret is not signed, so nothing ties it to a session.',
      'leave sessionId out (and rotate the token at login), or use tokenFormat: "signed" if no Django backend shares the cookie.',
    );
  }
  const masked = booleanOption((input.cookie as { masked?: unknown } | undefined)?.masked, "cookie.masked", false, issues);
  if (masked && name !== "django") {
    issues.add(
      "value-invalid",
      "cookie.masked",
      masked,
      'only applies with tokenFormat: "django"; crossgate\'s signed cookie is never masked.',
      'set tokenFormat: "django" to share a Django <= 4.0 cookie, or leave cookie.masked out.',
    );
  }
  const maskedCookie = masked && name === "django";
  return { name, maskedCookie, signs: name === "signed" };
}
