import { describe, expect, it } from "vitest";
import { registrableDomain, siteOf, siteRelation } from "./site.ts";

describe("registrableDomain", () => {
  it.each([
    ["api.example.com", "example.com"],
    ["example.com", "example.com"],
    ["a.b.example.co.uk", "example.co.uk"],
    ["api.site-a.test", "site-a.test"],
    ["user.github.io", "user.github.io"],
    ["github.io", "github.io"],
    ["localhost", "localhost"],
    ["app.localhost", "app.localhost"],
    ["127.0.0.1", "127.0.0.1"],
    ["[::1]", "[::1]"],
    ["10.1.2.3", "10.1.2.3"],
    ["com", "com"],
  ])("%s → %s", (host, site) => {
    expect(registrableDomain(host)).toBe(site);
  });
});

describe("siteOf", () => {
  it("is schemeful and ignores ports", () => {
    expect(siteOf("https://api.example.com:8443/x")).toBe("https://example.com");
    expect(siteOf("http://api.example.com")).toBe("http://example.com");
  });
  it("is null for opaque and non-http origins", () => {
    expect(siteOf("null")).toBeNull();
    expect(siteOf("file:///etc/passwd")).toBeNull();
    expect(siteOf("not a url")).toBeNull();
  });
});

describe("siteRelation", () => {
  it.each([
    ["https://app.example.com", "https://app.example.com/api", "same-origin"],
    ["https://app.example.com", "https://api.example.com/api", "same-site"],
    ["https://example.com", "https://api.example.com/", "same-site"],
    ["https://app.site-b.test", "https://api.site-a.test/", "cross-site"],
    // Schemeful: one domain over http and https is two sites.
    ["http://app.example.com", "https://api.example.com/", "cross-site"],
    ["https://app.example.com", "https://app.example.com:8443/", "same-site"],
    // Loopback: ports do not matter, names do.
    ["http://localhost:5173", "http://localhost:8000/", "same-site"],
    ["http://127.0.0.1:5173", "http://127.0.0.1:8000/", "same-site"],
    ["http://localhost:5173", "http://127.0.0.1:8000/", "cross-site"],
    ["http://127.0.0.1:5173", "http://localhost:8000/", "cross-site"],
    ["http://app.localhost:5173", "http://api.localhost:8000/", "cross-site"],
    // Public-suffix hosts: two users of github.io are two sites.
    ["https://alice.github.io", "https://bob.github.io/", "cross-site"],
    ["https://a.example.co.uk", "https://b.example.co.uk/", "same-site"],
    ["https://example.co.uk", "https://other.co.uk/", "cross-site"],
    ["http://10.0.0.1:3000", "http://10.0.0.2:8000/", "cross-site"],
    ["null", "https://api.example.com/", "cross-site"],
    ["null", "null", "cross-site"],
    ["garbage", "https://api.example.com/", "cross-site"],
    ["https://app.example.com", "garbage", "cross-site"],
  ])("%s → %s is %s", (page, url, relation) => {
    expect(siteRelation(page, url)).toBe(relation);
  });
});
