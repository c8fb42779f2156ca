// The contract app on Next.js (app router). Its TypeScript is checked by the repository's own
// `tsc` (strict, `.ts` import extensions), so `next build` skips its own check; each build starts
// from nothing, so Turbopack writes no cache for a next one.
export default {
  typescript: { ignoreBuildErrors: true },
  experimental: { turbopackFileSystemCacheForBuild: false },
};
