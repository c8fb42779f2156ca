import { contractRoutes } from "../../../../fetch-app.ts";

const handler = contractRoutes["/api/options"]!;
export { handler as OPTIONS };
