// The error family: literal names, stable codes, guards that work across realms.
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  CorsError,
  CrossgateClientError,
  HttpError,
  isAbortError,
  isCorsError,
  isCrossgateClientError,
  isCsrfRefusal,
  isHttpError,
  isNetworkError,
  isParseError,
  isTimeoutError,
  NetworkError,
  TimeoutError,
} from "../../src/client/index.ts";

const context = { url: "https://api.example.com/x", method: "POST" };
const failure = { ...context, origin: "https://app.example.com", doctorCommand: "npx crossgate doctor …", cause: new TypeError("Failed to fetch") };

describe("error classes", () => {
  it("share one base class and carry literal names and codes", () => {
    const errors = [
      new HttpError({ ...context, response: new Response(null, { status: 500, statusText: "Oops" }), body: undefined, csrfReason: undefined }),
      new CorsError({ ...failure, probableCause: "cors" }),
      new NetworkError({ ...failure, probableCause: "unreachable" }),
      new TimeoutError({ ...context, timeoutMs: 5 }),
    ];
    expect(errors.map((e) => [e.name, e.code, e instanceof CrossgateClientError, e instanceof Error])).toEqual([
      ["HttpError", "http_error", true, true],
      ["CorsError", "cors_blocked", true, true],
      ["NetworkError", "network_error", true, true],
      ["TimeoutError", "timeout", true, true],
    ]);
    expect(errors[0]?.message).toBe("crossgate: POST https://api.example.com/x answered 500 Oops");
    expect(errors.every((e) => e.message.startsWith("crossgate: "))).toBe(true);
  });

  it("guards recognise errors from another realm by name and code", () => {
    const foreign = runInNewContext(`
      const e = new Error("x"); e.name = "HttpError"; e.code = "http_error"; e.status = 403; e.csrfReason = "CSRF token missing."; e
    `) as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(isHttpError(foreign)).toBe(true);
    expect(isCsrfRefusal(foreign)).toBe(true);
    expect(isCrossgateClientError(foreign)).toBe(true);
    expect(isCorsError({ name: "CorsError", code: "cors_blocked" })).toBe(true);
    expect(isNetworkError({ name: "NetworkError", code: "network_error" })).toBe(true);
    expect(isTimeoutError({ name: "TimeoutError", code: "timeout" })).toBe(true);
    expect(isParseError({ name: "ParseError", code: "parse_failed" })).toBe(true);
  });

  it("guards reject look-alikes with the wrong code, and foreign errors of the same name", () => {
    expect(isHttpError({ name: "HttpError" })).toBe(false);
    expect(isNetworkError({ name: "NetworkError", code: "http_error" })).toBe(false);
    // DOMException "TimeoutError" from AbortSignal.timeout() is not crossgate's TimeoutError.
    expect(isTimeoutError(new DOMException("t", "TimeoutError"))).toBe(false);
    expect(isCrossgateClientError(new TypeError("Failed to fetch"))).toBe(false);
    expect(isCrossgateClientError(null)).toBe(false);
    expect(isCsrfRefusal(new HttpError({ ...context, response: new Response(null, { status: 403 }), body: "no", csrfReason: undefined }))).toBe(false);
  });

  it("isAbortError recognises fetch's abort rejection", () => {
    expect(isAbortError(new DOMException("aborted", "AbortError"))).toBe(true);
    expect(isAbortError(new Error("aborted"))).toBe(false);
  });
});
