// Starts the demo on free ports for a browser test file, with a request log, and reads its checklist.
import type { RequestLogEntry } from "../../../examples/demo/api/http.ts";
import { exampleEnvironment } from "../../../examples/demo/config.ts";
import { startDemo, type DemoPorts, type RunningDemo } from "../../../examples/demo/start-demo.ts";
import type { BrowserSession } from "../harness.ts";

/** The checklist's scenario names, in the order the SPA runs them. */
export const demoScenarioNames: readonly string[] = [
  "credentials-cookie",
  "get-list",
  "post-with-csrf",
  "patch",
  "delete",
  "custom-request-header",
  "authorization-header",
  "exposed-response-header",
  "csrf-refusal",
  "disallowed-origin",
];

/** The demo on free ports, with every API request it answered. */
export interface DemoUnderTest extends RunningDemo {
  /** `http://127.0.0.1:<port>` of each server. */
  readonly api: string;
  readonly spa: string;
  readonly outsider: string;
  readonly requests: RequestLogEntry[];
}

/**
 * `.env.example` with `CORS_ALLOWED_ORIGINS` pointing at the SPA's actual port, as the file points
 * at 5173 for `npm run demo`.
 */
export function environmentFor(ports: DemoPorts): Record<string, string> {
  const { spaPort } = ports;
  return {
    ...exampleEnvironment(),
    CORS_ALLOWED_ORIGINS: `http://localhost:${spaPort},http://127.0.0.1:${spaPort},http://[::1]:${spaPort}`,
  };
}

export async function startDemoOnFreePorts(): Promise<DemoUnderTest> {
  const requests: RequestLogEntry[] = [];
  const demo = await startDemo({
    apiPort: 0,
    spaPort: 0,
    outsiderPort: 0,
    env: environmentFor,
    onRequest: (entry) => requests.push(entry),
  });
  return {
    ...demo,
    api: `http://127.0.0.1:${demo.apiPort}`,
    spa: `http://127.0.0.1:${demo.spaPort}`,
    outsider: `http://127.0.0.1:${demo.outsiderPort}`,
    requests,
  };
}

export interface ChecklistRow {
  readonly scenario: string;
  readonly status: string;
  readonly line: string;
}

/** Waits until the checklist says it finished (`data-finished="true"`) and returns its rows. */
export async function finishedChecklist(session: BrowserSession, timeoutMs = 15_000): Promise<ChecklistRow[]> {
  return session.evaluateScript<ChecklistRow[]>(`new Promise((resolve, reject) => {
    const deadline = Date.now() + ${timeoutMs};
    const poll = () => {
      if (document.querySelector('[data-checklist][data-finished="true"]')) {
        return resolve([...document.querySelectorAll("[data-scenario]")].map((li) => ({
          scenario: li.getAttribute("data-scenario"),
          status: li.getAttribute("data-status"),
          line: li.textContent,
        })));
      }
      if (Date.now() > deadline) return reject(new Error("the checklist did not finish: " + document.body.innerText));
      setTimeout(poll, 50);
    };
    poll();
  })`);
}
