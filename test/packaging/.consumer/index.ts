// "crossgate": the framework-neutral core drives a plain node:http server by itself.
import { createServer } from "node:http";
import { strict as assert } from "node:assert";
import {
  createCorsPolicy,
  fromDjangoSettings,
  isConfigError,
  mergeVary,
  REFUSAL_HEADER,
  requestViewFromRecord,
  type CorsOptions,
  type CorsPlan,
  type RefusalEvent,
} from "crossgate";
import { close, expectCorsExchanges, listen, OPTIONS, PATH, run } from "./support.ts";

run("crossgate", async () => {
  const options: CorsOptions = OPTIONS;
  const policy = createCorsPolicy(options);
  const server = createServer(async (req, res) => {
    const plan: CorsPlan = await policy.decide(requestViewFromRecord(req.method ?? "GET", req.url ?? "/", req.headers));
    for (const [name, value] of plan.headers) res.setHeader(name, value);
    if (plan.vary !== "") res.setHeader("Vary", mergeVary(res.getHeader("vary"), plan.vary));
    if (plan.action === "respond") {
      res.statusCode = plan.status;
      res.end();
    } else if (req.url === PATH) {
      res.setHeader("Content-Type", "application/json");
      res.end('{"ok":true}');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  const base = await listen(server);
  try {
    await expectCorsExchanges(base, "crossgate");
  } finally {
    await close(server);
  }

  // onRefusal and debug mode, through the published entry point.
  const events: RefusalEvent[] = [];
  const watched = createCorsPolicy({ origins: ["https://app.example.com"], methods: ["GET"], debug: true, logger: { warn: () => {} }, onRefusal: (event) => void events.push(event) });
  const refused = (await watched.decide(
    requestViewFromRecord("OPTIONS", "/api", { origin: "https://app.example.com", "access-control-request-method": "PUT" }),
  )) as CorsPlan;
  assert.equal(refused.headers.find(([name]) => name === REFUSAL_HEADER)?.[1], 'method-not-allowed; method="PUT"');
  assert.deepEqual(
    events.map((event) => [event.kind, event.reason, event.detail]),
    [["cors", "method-not-allowed", "PUT"]],
  );

  const { cors } = fromDjangoSettings({ CORS_ALLOWED_ORIGINS: ["https://app.example.com"], CORS_ALLOW_CREDENTIALS: true });
  assert.deepEqual(cors.origins, ["https://app.example.com"]);
  assert.throws(
    () => createCorsPolicy({ origins: "*", credentials: true }),
    (error: unknown) => isConfigError(error) && /dangerouslyAllowAnyOriginWithCredentials/.test(error.message),
  );
});
