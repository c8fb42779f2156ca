// A page served on an origin the API does not allow: its call must fail, and crossgate/client must
// say why (a CorsError naming the probable cause and the doctor command to run).
import { createClient, isCorsError } from "./crossgate.ts";
import { loadDemoOrigins } from "./demo-config.ts";
import { OUTSIDER_MESSAGE, type OutsiderResult } from "./outsider-result.ts";

async function callFromHere(): Promise<OutsiderResult> {
  const origins = await loadDemoOrigins();
  const api = createClient({ baseURL: origins.api });
  try {
    await api.get("/api/posts");
    return { name: "ok", code: undefined, probableCause: undefined, message: "the API answered this origin: it should not have", doctorCommand: undefined };
  } catch (error) {
    const e = error as { name?: string; code?: string; probableCause?: string; message?: string; doctorCommand?: string };
    return {
      name: isCorsError(error) ? "CorsError" : String(e.name),
      code: e.code,
      probableCause: e.probableCause,
      message: String(e.message),
      doctorCommand: e.doctorCommand,
    };
  }
}

const result = callFromHere();
(window as unknown as { crossgateDemoOutsider: Promise<OutsiderResult> }).crossgateDemoOutsider = result;

void result.then((outcome) => {
  document.getElementById("result")!.textContent = `${outcome.name}: ${outcome.message}`;
  document.body.dataset.result = outcome.name;
  // Embedded by the checklist: report to the parent page's origin only (given in ?parent=).
  const parentOrigin = new URLSearchParams(location.search).get("parent");
  if (window.parent !== window && parentOrigin) window.parent.postMessage({ type: OUTSIDER_MESSAGE, result: outcome }, parentOrigin);
});
