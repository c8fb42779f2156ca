// Advice after the replay: who answered (the server's own language first), why it fails (cause.ts,
// with extra probes where they settle it), whether an allowed credentialed response is open to
// every origin (reflection-audit.ts), and which fix to apply first.
import { classifyCause } from "./cause.ts";
import type { Transport } from "./engine.ts";
import { createProber } from "./extra-probe.ts";
import { renderFix, type FixContext } from "./fixes.ts";
import { maxAgeInfo } from "./preflight-cache.ts";
import { reflectionAudit } from "./reflection-audit.ts";
import type { DoctorReport, Fix, Step } from "./report.ts";
import { recogniseServer, type ServerKind } from "./server-kind.ts";

export interface AdviseInput {
  readonly send: Transport;
  bodyOf(step: Step): string;
  /** The context the failure's fix was computed in; null when allowed. */
  readonly fixContext: FixContext | null;
  /** From `--server`; otherwise recognised from the responses. */
  readonly server?: ServerKind;
  /** Send extra requests (cause probes, reflection audit). @default true */
  readonly extraProbes?: boolean;
}

/** Adds server, cause, security findings, info and the lead fix to a replay's report. */
export async function advise(report: DoctorReport, input: AdviseInput): Promise<DoctorReport> {
  const prober = createProber(input.send, input.extraProbes !== false);
  const stepResponses = () =>
    report.steps.flatMap((step) => (step.response === null ? [] : [{ status: step.response.status, headers: step.response.headers, body: input.bodyOf(step) }]));

  const cause = await classifyCause({ report, bodyOf: input.bodyOf, prober, fixContext: input.fixContext });
  const security = await reflectionAudit(report, prober);
  // The probes' answers are evidence too (a refused preflight, a framework's error page).
  const server = recogniseServer([...stepResponses(), ...prober.responses.map((r) => ({ ...r, body: r.bodyPreview }))], input.server);

  const failureFix: Fix | null =
    report.failure === null ? null : cause.plan !== null ? renderFix(cause.plan, server.kind) : relead(report.failure.fix, server.kind);
  const readableFix = report.failure === null && cause.plan !== null ? renderFix(cause.plan, server.kind) : null;
  const securityFixed = security.map((finding) => ({ ...finding, fix: relead(finding.fix, server.kind) }));
  return {
    ...report,
    failure: report.failure === null || failureFix === null ? report.failure : { ...report.failure, fix: failureFix },
    server,
    cause: cause.cause,
    fix: securityFixed[0]?.fix ?? failureFix ?? readableFix,
    security: securityFixed,
    info: [...report.info, ...maxAgeInfo(report.preflightCache, server.kind)],
  };
}

/** The same fix, re-rendered so its crossgate snippet fits the recognised server. */
function relead(fix: Fix, server: ServerKind): Fix {
  if (fix.crossgateOptions === null && fix.changes.length === 0) return { ...fix, lead: server === "django" ? "django" : "crossgate" };
  return renderFix({ summary: fix.summary, changes: fix.changes, elsewhere: fix.elsewhere, callUrl: fix.callUrl }, server);
}
