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

  it("joins repeated headers with a comma and a space, and keeps the path without its query", () => {
    const view = new HeaderRecordView("OPTIONS", "http://host/a/b?c", headers, undefined);
    expect(view.header("x-list")).toBe("a, b");
    expect(view.path).toBe("/a/b");
    expect(view.raw).toBeUndefined();
  });
});
