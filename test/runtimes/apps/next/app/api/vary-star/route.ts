import { contractRoutes } from "../../../../fetch-app.ts";

const handler = contractRoutes["/api/vary-star"]!;
export { handler as GET };
