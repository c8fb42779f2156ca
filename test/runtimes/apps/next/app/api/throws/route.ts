import { contractRoutes } from "../../../../fetch-app.ts";

const handler = contractRoutes["/api/throws"]!;
export { handler as GET };
