// One policy, one guard and one counter: what `onRefusal` looks like in an app (node:http here).
import { createServer, type Server } from "node:http";
import { register } from "prom-client";
import { cors, csrf } from "../../src/adapters/node.ts";
import { createCorsPolicy } from "../../src/index.ts";
import { countRefusalsWithPrometheus } from "./prometheus.ts";

const origins = ["https://app.example.com"];
const onRefusal = countRefusalsWithPrometheus(register, origins);
const policy = createCorsPolicy({ origins, credentials: true, onRefusal });
const withCors = cors(policy);
const withCsrf = csrf({ cors: policy, tokens: false, onRefusal });

/** The API, with `GET /metrics` for Prometheus to scrape. */
export function refusalMetricsServer(): Server {
  return createServer((req, res) => {
    withCors(req, res, () =>
      withCsrf(req, res, async () => {
        if (req.url === "/metrics") {
          res.setHeader("Content-Type", register.contentType);
          res.end(await register.metrics());
          return;
        }
        res.end("ok");
      }),
    );
  });
}
