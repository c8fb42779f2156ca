import { csrfRoutes } from "../../../../fetch-app.ts";

const handler = csrfRoutes["/api/things"]!;
export { handler as POST };
