// Reading django-cors-headers settings out of a settings.py without running Python.
import { describe, expect, it } from "vitest";
import { readPythonSettings } from "../../src/cli/python-settings.ts";

describe("readPythonSettings", () => {
  it("reads lists, tuples, booleans, numbers, raw strings and default spreads", () => {
    const { settings, problems } = readPythonSettings(`
import os
from corsheaders.defaults import default_headers, default_methods

DEBUG = os.environ.get("DEBUG") == "1"
CORS_ALLOWED_ORIGINS = [
    "https://app.example.com",  # the SPA
    'http://localhost:5173',
]
CORS_ALLOWED_ORIGIN_REGEXES = (r"^https://\\w+\\.example\\.com$",)
CORS_ALLOW_HEADERS = (*default_headers, "x-api-key")
CORS_ALLOW_METHODS = list(default_methods) + ["QUERY"]
CORS_ALLOW_CREDENTIALS = True
CORS_PREFLIGHT_MAX_AGE = 7_200
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = None
`);
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      CORS_ALLOWED_ORIGINS: ["https://app.example.com", "http://localhost:5173"],
      CORS_ALLOWED_ORIGIN_REGEXES: ["^https://\\w+\\.example\\.com$"],
      CORS_ALLOW_HEADERS: ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with", "x-api-key"],
      CORS_ALLOW_METHODS: ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT", "QUERY"],
      CORS_ALLOW_CREDENTIALS: true,
      CORS_PREFLIGHT_MAX_AGE: 7200,
      CORS_URLS_REGEX: "^/api/.*$",
    });
  });

  it("reports, and never runs, anything that is not a literal", () => {
    const { settings, problems } = readPythonSettings(`CORS_ALLOWED_ORIGINS = os.environ["ORIGINS"].split(",")\nCORS_ALLOW_CREDENTIALS = False\n`);
    expect(settings).toEqual({ CORS_ALLOW_CREDENTIALS: false });
    expect(problems).toEqual([expect.stringMatching(/^line 1: CORS_ALLOWED_ORIGINS is not a plain literal/)]);
  });

  it("reports an unterminated list", () => {
    expect(readPythonSettings(`CORS_ALLOWED_ORIGINS = ["https://a.example"\n`).problems).toHaveLength(1);
  });
});
