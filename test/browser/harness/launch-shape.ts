// The launch options both browsers read, in one type (each launcher reads its own fields).
import type { ChromiumOptions } from "./chromium.ts";
import type { FirefoxOptions } from "./firefox.ts";

export interface LaunchOptionsShape extends ChromiumOptions, FirefoxOptions {}
