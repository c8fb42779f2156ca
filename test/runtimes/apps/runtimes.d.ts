// The parts of the Bun and Deno globals these apps use (their full typings would clash with @types/node).
declare const Bun: {
  readonly argv: readonly string[];
  serve(options: { hostname?: string; port?: number; fetch(request: Request): Response | Promise<Response> }): { readonly port: number };
};
declare const Deno: {
  readonly args: readonly string[];
  serve(
    options: { hostname?: string; port?: number; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};
