import { contractRoutes } from "../../../../fetch-app.ts";

const handler = contractRoutes["/api/unauthorized"]!;
export { handler as GET };
