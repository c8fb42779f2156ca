// Login sessions for the demo: a random id in an HttpOnly cookie, and a bearer token for the
// Authorization-header scenario. In memory, for as long as the API runs.
import { randomBytes } from "node:crypto";

/** The session cookie's name. */
export const SESSION_COOKIE = "sessionid";

export interface Session {
  readonly id: string;
  readonly user: string;
  /** A bearer token for `Authorization: Bearer <token>`. */
  readonly bearerToken: string;
}

export class SessionStore {
  readonly #byId = new Map<string, Session>();
  readonly #byToken = new Map<string, Session>();

  /** Starts a session for `user`. */
  create(user: string): Session {
    const session = { id: randomBytes(24).toString("base64url"), user, bearerToken: randomBytes(24).toString("base64url") };
    this.#byId.set(session.id, session);
    this.#byToken.set(session.bearerToken, session);
    return session;
  }

  byId(id: string | undefined): Session | undefined {
    return id === undefined ? undefined : this.#byId.get(id);
  }

  /** The session of an `Authorization: Bearer <token>` header value. */
  byAuthorization(header: string | undefined): Session | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
    return match ? this.#byToken.get(match[1]!) : undefined;
  }

  end(id: string | undefined): void {
    const session = this.byId(id);
    if (!session) return;
    this.#byId.delete(session.id);
    this.#byToken.delete(session.bearerToken);
  }
}

/**
 * The session cookie: HttpOnly (pages never read it), SameSite=Lax (sent between 127.0.0.1:5173 and
 * 127.0.0.1:8000, which are the same site), host-only, until the browser closes.
 */
export function sessionCookie(id: string): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`;
}

export function expiredSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}
