import { csrfRoutes } from "../../../../fetch-app.ts";

const handler = csrfRoutes["/api/login"]!;
export { handler as POST };
