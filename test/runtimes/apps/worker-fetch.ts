// Cloudflare Workers with crossgate/fetch: the README's recipe, a module worker whose `fetch` is the wrapped handler.
import { fetchApp } from "./fetch-app.ts";

export default { fetch: fetchApp };
