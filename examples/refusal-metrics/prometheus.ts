// Counting refusals with prom-client: one counter, labelled by guard, reason and (bounded) origin.
import { Counter, type Registry } from "prom-client";
import type { RefusalListener } from "../../src/index.ts";
import { originLabel } from "./labels.ts";

/**
 * An `onRefusal` for both the CORS policy and the CSRF guard that counts refusals in
 * `crossgate_refusals_total{kind, reason, origin}`. `reason` comes from crossgate's fixed
 * vocabularies; `origin` is one of `listedOrigins` or `"other"`.
 */
export function countRefusalsWithPrometheus(registry: Registry, listedOrigins: Iterable<string>): RefusalListener {
  const listed = new Set(listedOrigins);
  const refusals = new Counter({
    name: "crossgate_refusals_total",
    help: "Requests crossgate refused, by guard (cors or csrf), reason and origin (listed origins; everything else is \"other\").",
    labelNames: ["kind", "reason", "origin"] as const,
    registers: [registry],
  });
  return (event) => {
    refusals.inc({ kind: event.kind, reason: event.reason, origin: originLabel(listed, event.origin) });
  };
}
