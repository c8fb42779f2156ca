import { csrfRoutes } from "../../../../fetch-app.ts";

const handler = csrfRoutes["/api/csrf"]!;
export { handler as GET };
