import { contractRoutes } from "../../../../fetch-app.ts";

const handler = contractRoutes["/api/items"]!;
export { handler as GET, handler as POST, handler as PUT };
