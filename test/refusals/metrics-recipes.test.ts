// docs/refusals.md's recipes, run as written (examples/refusal-metrics) with the real prom-client and
// OpenTelemetry SDK: every refusal is counted by guard and reason, and origins outside the list
// collapse into one "other" label value however many strangers send.
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { MeterProvider, MetricReader, type SumMetricData } from "@opentelemetry/sdk-metrics";
import { Registry, register } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRefusalsWithOpenTelemetry } from "../../examples/refusal-metrics/opentelemetry.ts";
import { countRefusalsWithPrometheus } from "../../examples/refusal-metrics/prometheus.ts";
import { refusalMetricsServer } from "../../examples/refusal-metrics/server.ts";
import { createCorsPolicy, createCsrfPolicy, requestViewFromRecord, type RefusalListener } from "../../src/index.ts";

const APP = "https://app.example.com";
const ADMIN = "https://admin.example.com";
const origins = [APP, ADMIN];
const STRANGERS = 500;

/** The same traffic for both recipes: refusals from listed origins and from many strangers, and some grants. */
async function sendTraffic(onRefusal: RefusalListener): Promise<void> {
  const cors = createCorsPolicy({ origins, credentials: true, methods: ["GET", "POST"], onRefusal });
  const csrf = createCsrfPolicy({ cors, tokens: false, onRefusal });
  const view = (method: string, headers: Record<string, string>) => requestViewFromRecord(method, "/api/items", { host: "api.example.com", ...headers });
  for (let index = 0; index < 3; index++) await cors.decide(view("OPTIONS", { origin: APP, "access-control-request-method": "DELETE" }));
  await cors.decide(view("OPTIONS", { origin: ADMIN, "access-control-request-method": "POST", "access-control-request-headers": "x-foo" }));
  for (let index = 0; index < STRANGERS; index++) {
    const origin = `https://stranger-${index}.example.net`;
    await cors.decide(view("GET", { origin }));
    await csrf.decide(view("POST", { origin }));
  }
  // Granted: counted nowhere.
  await cors.decide(view("GET", { origin: APP }));
  await csrf.decide(view("POST", { origin: APP }));
}

describe("Prometheus recipe (prom-client)", () => {
  it("counts refusals by kind, reason and bounded origin", async () => {
    const registry = new Registry();
    await sendTraffic(countRefusalsWithPrometheus(registry, origins));
    const metric = await registry.getSingleMetric("crossgate_refusals_total")!.get();
    const series = metric.values.map(({ labels, value }) => ({ ...labels, value }));
    expect(series).toEqual(
      expect.arrayContaining([
        { kind: "cors", reason: "method-not-allowed", origin: APP, value: 3 },
        { kind: "cors", reason: "header-not-allowed", origin: ADMIN, value: 1 },
        { kind: "cors", reason: "origin-not-allowed", origin: "other", value: STRANGERS },
        { kind: "csrf", reason: "origin-untrusted", origin: "other", value: STRANGERS },
      ]),
    );
    expect(series).toHaveLength(4);
  });

  describe("in an app: examples/refusal-metrics/server.ts", () => {
    let base = "";
    const server = refusalMetricsServer();
    beforeAll(async () => {
      register.resetMetrics();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const send = (method: string, path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.end();
      });

    it("scrapes the counts on /metrics, and the refused responses are crossgate's own", async () => {
      expect((await send("OPTIONS", "/api", { origin: APP, "access-control-request-method": "PURGE" })).status).toBe(403);
      expect((await send("POST", "/api", { origin: "https://evil.example" })).status).toBe(403);
      expect((await send("POST", "/api", { origin: "https://evil2.example" })).status).toBe(403);
      const metrics = (await send("GET", "/metrics")).body;
      expect(metrics).toContain(`crossgate_refusals_total{kind="cors",reason="method-not-allowed",origin="${APP}"} 1`);
      expect(metrics).toContain('crossgate_refusals_total{kind="cors",reason="origin-not-allowed",origin="other"} 2');
      expect(metrics).toContain('crossgate_refusals_total{kind="csrf",reason="origin-untrusted",origin="other"} 2');
    });
  });
});

class CollectingReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

describe("OpenTelemetry recipe (@opentelemetry/api metrics)", () => {
  it("adds to one counter with bounded attributes", async () => {
    const reader = new CollectingReader();
    const provider = new MeterProvider({ readers: [reader] });
    await sendTraffic(countRefusalsWithOpenTelemetry(provider.getMeter("crossgate-example"), origins));
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === "crossgate.refusals") as SumMetricData;
    const points = metric.dataPoints.map(({ attributes, value }) => ({ ...attributes, value }));
    expect(points).toEqual(
      expect.arrayContaining([
        { "crossgate.kind": "cors", "crossgate.reason": "method-not-allowed", "http.request.header.origin": APP, value: 3 },
        { "crossgate.kind": "cors", "crossgate.reason": "header-not-allowed", "http.request.header.origin": ADMIN, value: 1 },
        { "crossgate.kind": "cors", "crossgate.reason": "origin-not-allowed", "http.request.header.origin": "other", value: STRANGERS },
        { "crossgate.kind": "csrf", "crossgate.reason": "origin-untrusted", "http.request.header.origin": "other", value: STRANGERS },
      ]),
    );
    expect(points).toHaveLength(4);
    await provider.shutdown();
  });
});

describe("docs/refusals.md shows the recipes as they run here", () => {
  const docs = readFileSync(new URL("../../docs/refusals.md", import.meta.url), "utf8");
  it.each(["labels.ts", "prometheus.ts", "opentelemetry.ts", "server.ts"])("examples/refusal-metrics/%s", (file) => {
    const source = readFileSync(new URL(`../../examples/refusal-metrics/${file}`, import.meta.url), "utf8");
    // The docs quote each function body verbatim (imports and file comments aside).
    const body = source.slice(source.search(/^(export |const )/m)).trim();
    expect(docs).toContain(body);
  });
});
