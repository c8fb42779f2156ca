import { csrfRoutes } from "../../../../fetch-app.ts";

const handler = csrfRoutes["/webhooks/hook"]!;
export { handler as POST };
