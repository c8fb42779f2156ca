// Counting refusals with the OpenTelemetry metrics API: one counter, the same bounded attributes.
import type { Meter } from "@opentelemetry/api";
import type { RefusalListener } from "../../src/index.ts";
import { originLabel } from "./labels.ts";

/**
 * An `onRefusal` for both the CORS policy and the CSRF guard that adds 1 to the
 * `crossgate.refusals` counter with attributes `crossgate.kind`, `crossgate.reason` and
 * `http.request.header.origin` (one of `listedOrigins` or `"other"`).
 */
export function countRefusalsWithOpenTelemetry(meter: Meter, listedOrigins: Iterable<string>): RefusalListener {
  const listed = new Set(listedOrigins);
  const refusals = meter.createCounter("crossgate.refusals", {
    description: "Requests crossgate refused, by guard (cors or csrf), reason and origin (listed origins; everything else is \"other\").",
    unit: "{request}",
  });
  return (event) => {
    refusals.add(1, {
      "crossgate.kind": event.kind,
      "crossgate.reason": event.reason,
      "http.request.header.origin": originLabel(listed, event.origin),
    });
  };
}
