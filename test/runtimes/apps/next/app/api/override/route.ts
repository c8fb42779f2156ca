import { contractRoutes } from "../../../../fetch-app.ts";

const handler = contractRoutes["/api/override"]!;
export { handler as GET, handler as PUT };
