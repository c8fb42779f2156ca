/** The configuration could not be read at all (missing file, not JSON, no export, Python failed). Exit code 2. */
export class ConfigLoadError extends Error {
  override readonly name = "ConfigLoadError";
}
