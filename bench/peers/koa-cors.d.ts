/** @koa/cors ships no types; the benchmark needs only its factory. */
declare module "@koa/cors" {
  const cors: (options?: Record<string, unknown>) => (ctx: any, next: () => Promise<unknown>) => Promise<unknown>;
  export default cors;
}
