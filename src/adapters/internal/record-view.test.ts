import { describe, expect, it } from "vitest";
import { requestViewFromRecord } from "../../core/request.ts";
import { HeaderRecordView } from "./record-view.ts";

describe("HeaderRecordView", () => {
  const headers = { origin: "https://app.example.com", "x-list": ["a", "b"], empty: "" };
  const raw = { id: 1 };

  it("reads what requestViewFromRecord reads", () => {
    const view = new HeaderRecordView("GET", "/api/x?y=1#z", headers, raw);
    const reference = requestViewFromRecord("GET", "/api/x?y=1#z", headers, raw);
    for (const name of ["origin", "x-list", "empty", "absent"]) expect(view.header(name)).toBe(reference.header(name));
    expect([view.method, view.path, view.raw]).toEqual([reference.method, reference.path, reference.raw]);
  });

  it("reads the CORS request headers it reads by name like any other: strings, repeats and absence", () => {
    const names = ["origin", "access-control-request-method", "access-control-request-headers", "access-control-request-private-network"];
    const records = [
      { origin: "https://a.example", "access-control-request-method": "PUT", "access-control-request-headers": "x-a, x-b" },
      { origin: ["https://a.example", "https://b.example"], "access-control-request-headers": ["x-a", "x-b"] },
      Object.assign(Object.create(null) as Record<string, string>, { "access-control-request-method": "", "access-control-request-private-network": "true" }),
      {},
    ];
    for (const record of records) {
      const view = new HeaderRecordView("OPTIONS", "/", record, undefined);
      const reference = requestViewFromRecord("OPTIONS", "/", record);
      for (const name of names) expect(view.header(name)).toBe(reference.header(name));
    }
    expect(new HeaderRecordView("OPTIONS", "/", records[1]!, undefined).header("origin")).toBe("https://a.example, https://b.example");
  });

  it("joins repeated headers with a comma and a space, and keeps the path without its query", () => {
    const view = new HeaderRecordView("OPTIONS", "http://host/a/b?c", headers, undefined);
    expect(view.header("x-list")).toBe("a, b");
    expect(view.path).toBe("/a/b");
    expect(view.raw).toBeUndefined();
  });
});
