// The CORS response headers crossgate writes, spelled once for the compiler and the decision.

export const ALLOW_ORIGIN = "Access-Control-Allow-Origin";
export const ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
export const ALLOW_METHODS = "Access-Control-Allow-Methods";
export const ALLOW_HEADERS = "Access-Control-Allow-Headers";
export const ALLOW_PRIVATE_NETWORK = "Access-Control-Allow-Private-Network";
