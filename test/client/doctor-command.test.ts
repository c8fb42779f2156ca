// The doctor command and the address-space rules behind the diagnosis.
import { describe, expect, it } from "vitest";
import { addressSpaceOfHost, isLocalNetworkRequest } from "../../src/client/address-space.ts";
import { doctorCommand, isCorsSafelistedRequestHeader, shellQuote } from "../../src/client/doctor-command.ts";

describe("isCorsSafelistedRequestHeader (Fetch standard)", () => {
  it.each([
    ["Accept", "application/json, text/plain, */*", true],
    ["Accept", 'text/"html"', false],
    ["Accept-Language", "en-GB,en;q=0.9", true],
    ["Accept-Language", "en_GB", false],
    ["Content-Type", "text/plain;charset=UTF-8", true],
    ["Content-Type", "multipart/form-data; boundary=x", true],
    ["Content-Type", "application/x-www-form-urlencoded", true],
    ["Content-Type", "application/json", false],
    ["Range", "bytes=0-99", true],
    ["Range", "bytes=0-1,5-6", false],
    ["X-CSRFToken", "abc", false],
    ["Authorization", "Bearer x", false],
    ["Accept", "a".repeat(129), false],
  ])("%s: %s → %s", (name, value, want) => {
    expect(isCorsSafelistedRequestHeader(name, value)).toBe(want);
  });
});

describe("doctorCommand", () => {
  it("lists unsafe headers, hides values that may be secrets, and quotes for the shell", () => {
    const headers = new Headers({
      Accept: "application/json",
      "Content-Type": "application/json",
      Authorization: "Bearer secret",
      "X-CSRFToken": "secret-token",
    });
    const command = doctorCommand({
      url: "http://127.0.0.1:8000/api/posts",
      method: "PUT",
      headers,
      headerSpelling: new Map([["x-csrftoken", "X-CSRFToken"]]),
      credentials: true,
      origin: "http://localhost:5173",
    });
    expect(command).toBe(
      "npx crossgate doctor http://127.0.0.1:8000/api/posts --origin http://localhost:5173 --method PUT " +
        "--header 'Authorization: …' --header 'Content-Type: application/json' --header 'X-CSRFToken: …' --credentials",
    );
    expect(command).not.toContain("secret");
  });

  it("quotes arguments so a shell reads them back unchanged", () => {
    expect(shellQuote("http://a.example/x")).toBe("http://a.example/x");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's; rm -rf ~")).toBe("'it'\\''s; rm -rf ~'");
    expect(shellQuote("$(id)")).toBe("'$(id)'");
  });
});

describe("address spaces (Local Network Access)", () => {
  it.each([
    ["localhost", "loopback"],
    ["app.localhost", "loopback"],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["[::1]", "loopback"],
    ["[::ffff:7f00:1]", "loopback"],
    ["10.1.2.3", "local"],
    ["172.16.0.1", "local"],
    ["172.32.0.1", "public"],
    ["192.168.0.10", "local"],
    ["169.254.1.1", "local"],
    ["[fd12::1]", "local"],
    ["[fe80::1]", "local"],
    ["[::ffff:c0a8:1]", "local"],
    ["printer.local", "local"],
    ["8.8.8.8", "public"],
    ["example.com", "public"],
    ["[2001:db8::1]", "public"],
  ])("%s is %s", (host, want) => {
    expect(addressSpaceOfHost(host)).toBe(want);
  });

  it("gates requests towards more private spaces only", () => {
    expect(isLocalNetworkRequest("public", "local")).toBe(true);
    expect(isLocalNetworkRequest("public", "loopback")).toBe(true);
    expect(isLocalNetworkRequest("local", "loopback")).toBe(true);
    expect(isLocalNetworkRequest("loopback", "loopback")).toBe(false);
    expect(isLocalNetworkRequest("local", "public")).toBe(false);
  });
});
