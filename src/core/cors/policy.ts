import type { OriginMatcher } from "../origins.ts";
import type { RequestView } from "../request.ts";
import { compileCors, type CompiledCors } from "./compile.ts";
import { createPlanCache, decideCors, reportRefusal, type CorsPlan, type PlanCache } from "./decide.ts";
import type { CorsOptions } from "./options.ts";
import { freeze } from "../internal/freeze.ts";

const POLICY = Symbol.for("crossgate.cors-policy");

/**
 * A validated CORS policy. What it decides is immutable; `reconfigure` swaps in a whole new,
 * fully validated policy at once, so a request sees either the old rules or the new ones.
 */
export interface CorsPolicy {
  /** Decides how to answer a request. A promise only when `allowOrigin` is asked and returns one. */
  decide(request: RequestView): CorsPlan | Promise<CorsPlan>;
  /**
   * Validates `options` and, only if they are valid, replaces the policy's rules. If they are
   * refused, it throws a `ConfigError` and the current rules stay in force.
   */
  reconfigure(options: CorsOptions): void;
  /** The options in force (frozen). */
  readonly options: Readonly<CorsOptions>;
  /** The trusted origins in force, shareable with the CSRF guard. */
  readonly origins: OriginMatcher;
  readonly [POLICY]: true;
}

type RefusalReporter = (request: RequestView, refusal: CorsPlan) => CorsPlan;
/** Per policy of this copy: reports a refusal made for it outside `decide` as its own refusals are. */
const reporters = new WeakMap<CorsPolicy, RefusalReporter>();

interface PolicyState {
  readonly compiled: CompiledCors;
  readonly cache: PlanCache;
}

/**
 * A class, not an object literal: a literal with the policy's accessors is given its own shape per
 * policy, so from the second policy in a process on, reading `policy.decide` was a dictionary
 * lookup on every request (about 90 instructions). The accessors live on the prototype; `decide`
 * and `reconfigure` are own arrow functions, so that they keep working when passed around on their own.
 */
class Policy implements CorsPolicy {
  readonly decide: (request: RequestView) => CorsPlan | Promise<CorsPlan>;
  readonly reconfigure: (options: CorsOptions) => void;
  #state: PolicyState;
  constructor(state: PolicyState) {
    this.#state = state;
    this.decide = (request) => {
      const current = this.#state;
      return decideCors(current.compiled, current.cache, request);
    };
    this.reconfigure = (next) => {
      this.#state = compileState(next);
    };
    // Read at each refusal, so a reconfigure that turns debug or onRefusal on or off counts.
    reporters.set(this, (request, refusal) => {
      const current = this.#state;
      return reportRefusal(current.compiled, current.cache, request, refusal);
    });
  }
  get [POLICY](): true {
    return true;
  }
  get options(): Readonly<CorsOptions> {
    return this.#state.compiled.options;
  }
  get origins(): OriginMatcher {
    return this.#state.compiled.origins;
  }
}

/**
 * Builds a CORS policy, validating every option. Throws a `ConfigError` naming each bad option,
 * its value and the fix.
 * @example
 * const policy = createCorsPolicy({ origins: ["https://app.example.com"], credentials: true });
 */
export function createCorsPolicy(options: CorsOptions): CorsPolicy {
  return freeze(new Policy(compileState(options)));
}

/**
 * How `policy` reports a refusal decided for it elsewhere (its `onRefusal`, debug log and
 * `Crossgate-Refusal` header, as for its own refusals; nothing when it has neither), or
 * `undefined` when `value` is not a policy of this copy of crossgate.
 */
export function refusalReporter(value: unknown): RefusalReporter | undefined {
  return typeof value === "object" && value !== null ? reporters.get(value as CorsPolicy) : undefined;
}

function compileState(options: CorsOptions): PolicyState {
  const compiled = compileCors(options);
  return { compiled, cache: createPlanCache(compiled) };
}

/** True for a policy built by `createCorsPolicy` (from any copy of crossgate). */
export function isCorsPolicy(value: unknown): value is CorsPolicy {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[POLICY] === true;
}

/** Accepts options or a ready policy, as every adapter does. */
export function toCorsPolicy(optionsOrPolicy: CorsOptions | CorsPolicy): CorsPolicy {
  return isCorsPolicy(optionsOrPolicy) ? optionsOrPolicy : createCorsPolicy(optionsOrPolicy);
}
