import { contractRoutes } from "../../../../fetch-app.ts";

const handler = contractRoutes["/api/off"]!;
export { handler as GET, handler as POST };
