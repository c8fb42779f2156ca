// The visible checklist: runs every scenario once, in order, and shows each outcome as it lands.
// Each row is `<li data-scenario="<name>" data-status="pending|running|pass|fail">`.
import { useEffect, useRef, useState } from "react";
import type { DemoOrigins } from "./demo-config.ts";
import { demoClient, describeFailure, scenarios, type ScenarioContext } from "./scenarios.ts";

type Status = "pending" | "running" | "pass" | "fail";

interface Row {
  readonly status: Status;
  readonly line: string;
}

const icons: Record<Status, string> = { pending: "·", running: "…", pass: "✔", fail: "✘" };

export function Checklist({ origins }: { origins: DemoOrigins }) {
  const [rows, setRows] = useState<readonly Row[]>(() => scenarios.map(() => ({ status: "pending", line: "" })));
  const [finished, setFinished] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const update = (index: number, row: Row) => setRows((current) => current.map((old, i) => (i === index ? row : old)));
    void (async () => {
      const context: ScenarioContext = { origins, api: demoClient(origins) };
      for (const [index, scenario] of scenarios.entries()) {
        update(index, { status: "running", line: "" });
        try {
          update(index, { status: "pass", line: await scenario.run(context) });
        } catch (error) {
          update(index, { status: "fail", line: describeFailure(error) });
        }
      }
      setFinished(true);
    })();
  }, [origins]);

  const passed = rows.filter((row) => row.status === "pass").length;
  return (
    <section>
      <p className="summary" data-summary>
        {finished ? `${passed} of ${scenarios.length} scenarios passed` : "running…"}
      </p>
      <ol className="checklist" data-checklist data-finished={String(finished)}>
        {scenarios.map((scenario, index) => {
          const row = rows[index]!;
          return (
            <li key={scenario.name} data-scenario={scenario.name} data-status={row.status} className={row.status}>
              <span className="icon" aria-hidden="true">{icons[row.status]}</span>
              <strong>{scenario.title}</strong>
              {row.line !== "" && <span className="line">{row.line}</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
