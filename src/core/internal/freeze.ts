/**
 * `Object.freeze`, under a name a minifier can shorten: a bundle spells the global's name once
 * instead of at each of the fifty-odd places crossgate freezes a plan, policy or table (about
 * 500 bytes of an edge bundle).
 */
export const freeze: typeof Object.freeze = Object.freeze;
