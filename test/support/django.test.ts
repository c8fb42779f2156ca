// The Django harness itself: a real django-cors-headers answer, settings appended then restarted on
// the same port, and a broken settings.py reported with Python's own error.
import { spawn } from "node:child_process";
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

  it("exits with the process that started it, so a killed test run leaves no server behind", async () => {
    // A child Node process starts Django, prints the port, and is killed without stopping it.
    const script = `import { startDjango } from ${JSON.stringify(new URL("./django.ts", import.meta.url).pathname)};
const django = await startDjango({});
process.stdout.write(String(django.port) + "\\n");
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding("utf8");
      child.stdout.once("data", (line: string) => resolve(Number(line.trim())));
      child.once("exit", (code) => reject(new Error(`exited early (${code})`)));
    });
    expect((await fetch(`http://127.0.0.1:${port}/api/items/`)).status).toBe(200);
    child.kill("SIGKILL");
    // Bounded wait for the server to notice its parent is gone.
    let gone = false;
    for (let attempt = 0; attempt < 50 && !gone; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      gone = await fetch(`http://127.0.0.1:${port}/api/items/`).then(
        () => false,
        () => true,
      );
    }
    expect(gone).toBe(true);
  }, 60_000);
});
