// Request bodies out, response bodies in.

/** Bodies fetch takes as they are; everything else is sent as JSON. */
function isNativeBody(data: unknown): data is BodyInit {
  return (
    typeof data === "string" ||
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    (typeof Blob !== "undefined" && data instanceof Blob) ||
    (typeof FormData !== "undefined" && data instanceof FormData) ||
    (typeof URLSearchParams !== "undefined" && data instanceof URLSearchParams) ||
    (typeof ReadableStream !== "undefined" && data instanceof ReadableStream)
  );
}

/**
 * Turns `data` into a fetch body: strings, binary data, `FormData`, `URLSearchParams` and streams go as
 * they are (fetch sets their Content-Type); any other value is JSON with `Content-Type: application/json`
 * unless the caller set a Content-Type. Sets nothing when `data` is undefined.
 */
export function encodeBody(data: unknown, headers: Headers): BodyInit | undefined {
  if (data === undefined) return undefined;
  if (isNativeBody(data)) return data;
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  return JSON.stringify(data);
}

/** Whether the same body can be sent twice (a stream cannot). */
export function isReplayableBody(body: BodyInit | undefined): boolean {
  return !(typeof ReadableStream !== "undefined" && body instanceof ReadableStream);
}

/** True for `application/json` and any `+json` type. */
export function isJSONContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const essence = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return essence === "application/json" || essence.endsWith("+json");
}

/** The response body as JSON when its Content-Type says so, as text otherwise, undefined when empty. */
export type DecodedBody =
  | { readonly kind: "empty" }
  | { readonly kind: "json"; readonly value: unknown }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "bad-json"; readonly text: string; readonly error: unknown };

export async function decodeBody(response: Response): Promise<DecodedBody> {
  // 204 No Content, 205 Reset Content and 304 Not Modified carry no body (RFC 9110 §15.3.5, §15.3.6, §15.4.5).
  if (response.status === 204 || response.status === 205 || response.status === 304) return { kind: "empty" };
  const text = await response.text();
  if (text === "") return { kind: "empty" };
  if (!isJSONContentType(response.headers.get("content-type"))) return { kind: "text", text };
  try {
    return { kind: "json", value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: "bad-json", text, error };
  }
}

/** The decoded body as a value: JSON, text, or undefined; malformed JSON yields its text. */
export function bodyValue(decoded: DecodedBody): unknown {
  switch (decoded.kind) {
    case "empty":
      return undefined;
    case "json":
      return decoded.value;
    default:
      return decoded.text;
  }
}
