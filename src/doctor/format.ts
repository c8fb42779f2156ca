// The doctor's report as text for people: each step, the verdict, what each browser prints, the
// fix and the extra findings. Pure; colour comes from the `Styler` the caller passes.
import { cookieVerdictNote, formatCookies } from "./cookies-format.ts";
import { isPageRule, PAGE_FIX_LABELS } from "./page-blockers.ts";
import type { DoctorReport, Fix, Step } from "./report.ts";

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
    const withoutCookies = cookieVerdictNote(report.cookies);
    out.push(
      withoutCookies === null
        ? `${style.green(style.bold("ALLOWED"))}  the browser lets the page read the response.`
        : `${style.green(style.bold("ALLOWED"))}  the browser lets the page read the response, ${style.yellow(withoutCookies)}`,
    );
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
  }
  if (report.server.kind !== "unknown") {
    out.push("");
    out.push(
      `${style.bold("Server")}  ${report.server.kind}${report.server.source === "flag" ? " (--server)" : report.server.evidence !== null ? ` (recognised from ${report.server.evidence})` : ""}`,
    );
  }
  if (report.cause !== null) {
    out.push("");
    out.push(`${style.bold("Cause")}  ${report.cause.id}`);
    out.push(`  ${report.cause.summary}`);
    for (const fact of report.cause.evidence) out.push(`  ${style.dim("·")} ${fact}`);
    for (const probe of report.cause.probes) {
      out.push(style.dim(`  probed: ${probe.method} ${probe.url} (Origin: ${probe.origin}) -> ${probe.status ?? "no response"}: ${probe.showed}`));
    }
  }
  for (const finding of report.security) {
    out.push("");
    out.push(`${style.red(style.bold("SECURITY"))}  ${style.bold(finding.id)}`);
    out.push(`  ${finding.message}`);
    out.push(`  ${finding.chrome}`);
  }
  if (report.fix !== null) {
    out.push("");
    out.push(...formatFix(report.fix, style, isPageRule(report.rule) ? PAGE_FIX_LABELS[report.rule] : null));
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
  if (report.csrf !== null) extra.push(...formatCsrf(report));
  for (const line of report.info) extra.push(`  ${line}`);
  if (extra.length > 0) {
    out.push("");
    out.push(style.bold("Also"));
    out.push(...extra);
  }
  out.push(...formatCookies(report.cookies, style));
  if (report.warnings.length > 0) {
    out.push("");
    out.push(style.bold("Warnings"));
    for (const warning of report.warnings) out.push(`  ${style.yellow("!")} ${warning.id}: ${warning.message}`);
  }
  return out.join("\n");
}

/** The fix, the server's own language first; what no setting changes is said as such. */
function formatFix(fix: Fix, style: Styler, labels: { readonly crossgate: string; readonly django: string } | null): string[] {
  const lines = [style.bold("Fix"), `  ${fix.summary}`];
  if (fix.callUrl !== null) lines.push(`  Call instead: ${fix.callUrl}`);
  if (fix.elsewhere !== null) lines.push(`  Not a setting: ${fix.elsewhere}`);
  const django = [`  ${labels?.django ?? "django-cors-headers (append to settings.py):"}`, ...fix.django.split("\n").map((line) => `    ${style.cyan(line)}`)];
  const crossgate = [`  ${labels?.crossgate ?? "crossgate:"}`, ...fix.crossgate.split("\n").map((line) => `    ${style.cyan(line)}`)];
  lines.push(...(fix.lead === "django" ? [...django, ...crossgate] : [...crossgate, ...django]));
  return lines;
}

/** The CSRF line: what the server said, and that the doctor's probe is not the page's request. */
function formatCsrf(report: DoctorReport): string[] {
  const csrf = report.csrf;
  if (csrf === null) return [];
  const probe = csrf.cookieSent
    ? "The request carried the cookie given with --cookie."
    : "The doctor's probe carried no cookie (and no CSRF token unless given with -H); the page's request carries its cookies, so replay it with --cookie 'csrftoken=…' -H 'X-CSRFToken: …'.";
  if (!csrf.refused) return [`  CSRF: the server answered ${csrf.status} to this unsafe request. ${probe}`];
  const said = csrf.reason !== null ? `: ${JSON.stringify(csrf.reason)}` : "";
  const lines = [`  CSRF: the server refused with ${csrf.status}${said}; the page ${csrf.readable ? "can read" : "cannot read"} the refusal. ${probe}`];
  if (csrf.originRefused) {
    lines.push(`  CSRF: the refusal is about the page's origin: Django wants ${report.request.origin} in CSRF_TRUSTED_ORIGINS (it does not read the CORS list).`);
  }
  return lines;
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
