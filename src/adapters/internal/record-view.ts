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
    const value = this.#headers[name];
    return value === undefined || typeof value === "string" ? value : value.join(", ");
  }
}
