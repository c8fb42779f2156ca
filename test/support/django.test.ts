// The Django harness itself: a real django-cors-headers answer, settings appended then restarted on
// the same port, and a broken settings.py reported with Python's own error.
import { describe, expect, it } from "vitest";
import { djangoIsMissingLocally, startDjango } from "./django.ts";

describe.skipIf(djangoIsMissingLocally())("startDjango", () => {
  it("serves django-cors-headers, applies appended settings after a restart, and stops", async () => {
    const django = await startDjango({ settings: `CORS_ALLOWED_ORIGINS = ["http://a.example"]` });
    try {
      const listed = await fetch(`${django.origin}/api/items/`, { headers: { origin: "http://a.example" } });
      expect(listed.status).toBe(200);
      expect(listed.headers.get("access-control-allow-origin")).toBe("http://a.example");
      expect(listed.headers.get("vary")).toMatch(/Origin/);
      expect(await listed.json()).toEqual({ method: "GET", items: ["a", "b"] });
      expect(listed.headers.get("access-control-allow-credentials")).toBeNull();

      await django.appendSettings(`CORS_ALLOW_CREDENTIALS = True`);
      expect(django.origin).toBe(`http://127.0.0.1:${django.port}`);
      const after = await fetch(`${django.origin}/api/items/`, { headers: { origin: "http://a.example" } });
      expect(after.headers.get("access-control-allow-credentials")).toBe("true");

      await expect(django.appendSettings(`def (`)).rejects.toThrow(/SyntaxError/);
    } finally {
      await django.stop();
    }
    await expect(fetch(`${django.origin}/api/items/`)).rejects.toThrow();
  });
});
