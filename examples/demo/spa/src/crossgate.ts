// The demo uses crossgate/client from this repository's source, so it runs without a build.
// In your app: import { createClient, isCorsError, isHttpError } from "crossgate/client";
export { createClient, isCorsError, isCsrfRefusal, isHttpError, type CrossgateClient } from "../../../../src/client/index.ts";
