// The CSRF attack matrix (./matrix.ts) against every Node adapter.
import { corsPolicy, csrfPolicy, describeCsrfMatrix } from "./matrix.ts";
import { ADAPTERS, startServer } from "./servers.ts";

for (const adapter of ADAPTERS) describeCsrfMatrix(adapter, () => startServer(adapter, corsPolicy, csrfPolicy));
