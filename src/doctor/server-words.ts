// The server's own words about a failure, read from the start of an error body: Django's
// technical 500 page (`exception_value`), Django's CSRF 403 page ("Reason given for failure"),
// a JSON `error`/`message`/`detail` field, or the HTML <title>. Pure; bounded input.

/** How much of a body is read; bodies arrive already cut to the transport's preview size. */
const MAX_SCAN = 64 * 1024;
/** The longest line quoted back. */
const MAX_LINE = 300;

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#x27": "'", "#39": "'", "#x2F": "/", nbsp: " " };

/** Decodes the HTML entities Django's templates escape with, and numeric references. */
export function decodeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (whole, name: string) => {
    const known = ENTITIES[name];
    if (known !== undefined) return known;
    const code = name.startsWith("#x") ? parseInt(name.slice(2), 16) : name.startsWith("#") ? parseInt(name.slice(1), 10) : NaN;
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function oneLine(text: string): string {
  const line = decodeHtml(text.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/** Django's CSRF failure reason ("CSRF cookie not set.", "Referer checking failed - …"), from its 403 page. */
export function djangoCsrfReason(body: string): string | null {
  const text = body.slice(0, MAX_SCAN);
  if (!/CSRF verification failed/.test(text)) return null;
  const match = /Reason given for failure:\s*<\/p>\s*<pre>([\s\S]{0,2000}?)<\/pre>/.exec(text);
  return match ? oneLine(match[1] ?? "") || null : null;
}

/** What the body says went wrong, in the server's words; null when it says nothing recognisable. */
export function serverErrorLine(body: string): { source: "django-exception" | "django-csrf" | "json" | "title"; line: string } | null {
  const text = body.slice(0, MAX_SCAN);
  const csrf = djangoCsrfReason(text);
  if (csrf !== null) return { source: "django-csrf", line: `CSRF verification failed: ${csrf}` };
  // Django's technical 500 page: <pre class="exception_value">…</pre>, after the exception type in <h1>.
  const exception = /<pre class="exception_value">([\s\S]{0,4000}?)<\/pre>/.exec(text);
  if (exception) {
    // <h1>RuntimeError at /api/items</h1>: the exception type, then the path.
    const heading = /<h1>([\s\S]{0,300}?)<\/h1>/.exec(text);
    const type = heading ? oneLine(heading[1] ?? "").replace(/ at \S*$/, "") : "";
    const prefix = type !== "" ? `${type}: ` : "";
    return { source: "django-exception", line: `${prefix}${oneLine(exception[1] ?? "")}` };
  }
  const json = jsonErrorField(text);
  if (json !== null) return { source: "json", line: json };
  const title = /<title>([\s\S]{0,500}?)<\/title>/i.exec(text);
  if (title) {
    const line = oneLine(title[1] ?? "");
    if (line !== "") return { source: "title", line };
  }
  return null;
}

function jsonErrorField(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  for (const key of ["error", "message", "detail", "reason"]) {
    const field = (value as Record<string, unknown>)[key];
    if (typeof field === "string" && field.trim() !== "") return oneLine(field);
    if (typeof field === "object" && field !== null) {
      const nested = (field as Record<string, unknown>)["message"];
      if (typeof nested === "string" && nested.trim() !== "") return oneLine(nested);
    }
  }
  return null;
}
