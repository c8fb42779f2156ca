// The demo SPA: served on one origin, calling the API on another with crossgate/client.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Checklist } from "./Checklist.tsx";
import { loadDemoOrigins, type DemoOrigins } from "./demo-config.ts";

function App({ origins }: { origins: DemoOrigins }) {
  return (
    <main>
      <h1>crossgate demo</h1>
      <p>
        This page comes from <code>{location.origin}</code> and calls the API at <code>{origins.api}</code>: another
        origin, so every call goes through the browser's CORS checks, with cookies and a CSRF token.
      </p>
      <Checklist origins={origins} />
      <p className="hint">
        Open the browser console to see what the browser itself says about the refused call. Reload to run the checklist
        again; open <a href={`${origins.outsider}/outsider.html`}>the outsider page</a> to see the refusal on its own.
      </p>
    </main>
  );
}

void loadDemoOrigins().then((origins) => {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App origins={origins} />
    </StrictMode>,
  );
});
