import { contractRoutes } from "../../../../fetch-app.ts";

const handler = contractRoutes["*"]!;
// Every other /api path: the app's 404, with CORS headers.
export { handler as GET, handler as POST, handler as PUT, handler as DELETE };
