/**
 * A `RequestView` over a Node-style header record, as a class: the `header` method lives on the
 * prototype, so building a view per request is one small allocation instead of an object plus a
 * closure. Reads the same values as `requestViewFromRecord`; the path is cut from the URL only when read.
 */
import { pathOf, type RequestView } from "../../core/request.ts";

type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

export class HeaderRecordView implements RequestView {
  readonly method: string;
  readonly raw: unknown;
  readonly #url: string;
  readonly #headers: HeaderRecord;
  #path: string | undefined;
  constructor(method: string, url: string, headers: HeaderRecord, raw: unknown) {
    this.method = method;
    this.raw = raw;
    this.#url = url;
    this.#headers = headers;
  }
  /** Read on first use: most policies (no `urlFilter`, no route list) never look at the path. */
  get path(): string {
    return (this.#path ??= pathOf(this.#url));
  }
  /** RFC 9110 §5.3: a header received several times reads as its values joined with `", "`. */
  header(name: string): string | undefined {
    const headers = this.#headers;
    // The names every CORS decision reads are read as named properties: where the engine inlines
    // this method into the decision, the name is a constant, the comparisons fold away and each
    // read is one cached property load. A read by a computed name shares one cache between every
    // name and falls back to the engine's slow generic lookup (about 100 instructions a read).
    const value =
      name === "origin"
        ? headers.origin
        : name === "access-control-request-method"
          ? headers["access-control-request-method"]
          : name === "access-control-request-headers"
            ? headers["access-control-request-headers"]
            : headers[name];
    return value === undefined || typeof value === "string" ? value : value.join(", ");
  }
}
