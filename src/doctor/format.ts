// The doctor's report as text for people: each step, the verdict, what each browser prints, the
// fix and the extra findings. Pure; colour comes from the `Styler` the caller passes.
import { isPageRule, PAGE_FIX_LABELS } from "./page-blockers.ts";
import type { DoctorReport, Step } from "./report.ts";

/** Wraps text in a style; the identity for plain output. */
export interface Styler {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** A styler that adds nothing (for files, pipes, NO_COLOR and test messages). */
export const plainStyler: Styler = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
};

const HIDDEN_RESPONSE_HEADERS = new Set(["date", "connection", "keep-alive"]);

/** Renders a report as the text `crossgate doctor` prints. */
export function formatReport(report: DoctorReport, style: Styler = plainStyler): string {
  const out: string[] = [];
  const { request } = report;
  out.push(style.bold(`crossgate doctor: ${request.method} ${request.url}`));
  out.push(`  from origin ${request.origin}, credentials: ${request.credentials ? '"include"' : '"same-origin" (no cookies cross-origin)'}`);
  if (report.preflight.needed) out.push(`  Preflight needed: ${report.preflight.reasons.join("; ")}.`);
  else out.push("  No preflight needed: a simple request (safelisted method and headers).");
  out.push("");

  report.steps.forEach((step, index) => {
    out.push(...formatStep(step, index, style));
    out.push("");
  });

  if (report.verdict === "allowed") {
    out.push(`${style.green(style.bold("ALLOWED"))}  the browser lets the page read the response.`);
  } else if (report.failure !== null) {
    const failure = report.failure;
    const label = report.verdict === "error" ? style.yellow(style.bold("ERROR")) : style.red(style.bold("BLOCKED"));
    out.push(`${label}  ${style.bold(failure.rule)}`);
    out.push(`  ${failure.summary}`);
    out.push(`  ${failure.detail}`);
    out.push("");
    out.push(style.bold("What the browsers print"));
    out.push(...indentBlock("Chrome:  ", failure.messages.chrome));
    out.push(...indentBlock("Firefox: ", failure.messages.firefox));
    out.push(...indentBlock("Safari:  ", failure.messages.safari ?? "(wording not known)"));
    out.push("");
    out.push(style.bold("Fix"));
    out.push(`  ${failure.fix.summary}`);
    const labels = isPageRule(failure.rule) ? PAGE_FIX_LABELS[failure.rule] : { crossgate: "crossgate:", django: "django-cors-headers:" };
    out.push(`  ${labels.crossgate}`);
    out.push(...failure.fix.crossgate.split("\n").map((line) => `    ${style.cyan(line)}`));
    out.push(`  ${labels.django}`);
    out.push(...failure.fix.django.split("\n").map((line) => `    ${style.cyan(line)}`));
  }

  const extra: string[] = [];
  if (report.page !== undefined) {
    const page = report.page;
    const policies = page.policies.map((p) => `${p.source === "meta" ? "<meta>" : p.source === "report-only" ? "report-only" : "header"} "${p.text}"`);
    extra.push(`  Page ${page.url}${page.status === null ? " (not read)" : ` (${page.status})`}: ${policies.length > 0 ? `Content-Security-Policy ${policies.join("; ")}` : "no Content-Security-Policy"}`);
  }
  if (report.exposedHeaders !== null) {
    extra.push(`  Readable by scripts: ${report.exposedHeaders.readable.join(", ") || "(none)"}`);
    if (report.exposedHeaders.hidden.length > 0) {
      extra.push(`  Hidden from scripts: ${report.exposedHeaders.hidden.join(", ")} (expose with crossgate exposeHeaders / CORS_EXPOSE_HEADERS)`);
    }
  }
  if (report.preflightCache !== null) {
    const cache = report.preflightCache;
    const header = cache.maxAgeHeader === null ? "no Access-Control-Max-Age" : `Access-Control-Max-Age: ${cache.maxAgeHeader}`;
    extra.push(`  Preflight cached: Chromium ${cache.chromiumSeconds} s, Firefox ${cache.firefoxSeconds} s (${header}; set with crossgate maxAgeSeconds / CORS_PREFLIGHT_MAX_AGE)`);
  }
  if (report.csrf !== null) {
    const csrf = report.csrf;
    extra.push(
      csrf.refused
        ? `  CSRF: the server refused with ${csrf.status}; the page ${csrf.readable ? "can read" : "cannot read"} the refusal${csrf.bodyPreview ? `: ${JSON.stringify(csrf.bodyPreview.slice(0, 120))}` : ""}`
        : `  CSRF: the server answered ${csrf.status} to an unsafe request that carried no cookie and no CSRF token.`,
    );
  }
  if (extra.length > 0) {
    out.push("");
    out.push(style.bold("Also"));
    out.push(...extra);
  }
  if (report.warnings.length > 0) {
    out.push("");
    out.push(style.bold("Warnings"));
    for (const warning of report.warnings) out.push(`  ${style.yellow("!")} ${warning.id}: ${warning.message}`);
  }
  return out.join("\n");
}

function formatStep(step: Step, index: number, style: Styler): string[] {
  const title = step.kind === "preflight" ? "Preflight" : step.kind === "redirect" ? "Request (redirected)" : "Request";
  const lines = [style.bold(`${index + 1}. ${title}  ${step.request.method} ${step.request.url}`)];
  for (const [name, value] of step.request.headers) lines.push(style.dim(`   > ${name}: ${value}`));
  if (step.response === null) {
    lines.push(style.red("   < (no response)"));
  } else {
    lines.push(`   < ${step.response.status}`);
    for (const [name, value] of step.response.headers) {
      if (HIDDEN_RESPONSE_HEADERS.has(name.toLowerCase())) continue;
      lines.push(style.dim(`   < ${name}: ${value}`));
    }
  }
  for (const note of step.notes) lines.push(`   ${style.dim("·")} ${note}`);
  for (const check of step.checks) lines.push(`   ${check.ok ? style.green("✓") : style.red("✗")} ${check.detail}`);
  return lines;
}

function indentBlock(label: string, text: string): string[] {
  const [first = "", ...rest] = text.split("\n");
  return [`  ${label}${first}`, ...rest.map((line) => `  ${" ".repeat(label.length)}${line}`)];
}
