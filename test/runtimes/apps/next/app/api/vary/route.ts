import { contractRoutes } from "../../../../fetch-app.ts";

const handler = contractRoutes["/api/vary"]!;
export { handler as GET };
