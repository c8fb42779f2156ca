// Reads the `CORS_*` assignments of a Django settings.py without Python: literals only (strings,
// numbers, True/False/None, lists and tuples, `*default_headers` spreads and `+`), which is how
// django-cors-headers settings are written in practice. Anything else is reported, never run.

/** django-cors-headers' `corsheaders.defaults`, which settings often spread (`(*default_headers, "x")`). */
const KNOWN_NAMES: Readonly<Record<string, unknown>> = {
  True: true,
  False: false,
  None: null,
  default_headers: ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"],
  default_methods: ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"],
};

/** The settings read, and one message per assignment that is not a plain literal. */
export interface PythonSettings {
  readonly settings: Record<string, unknown>;
  readonly problems: readonly string[];
}

/** Reads every top-level `CORS_NAME = <literal>` assignment of `source`. */
export function readPythonSettings(source: string): PythonSettings {
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  const assignment = /^(CORS_[A-Z0-9_]+)[ \t]*=(?!=)[ \t]*/gm;
  for (let match = assignment.exec(source); match !== null; match = assignment.exec(source)) {
    const name = match[1] as string;
    const parser = new LiteralParser(source, assignment.lastIndex);
    try {
      const value = parser.expression();
      parser.endOfStatement();
      if (value !== null) settings[name] = value;
      else delete settings[name];
    } catch (error) {
      const line = source.slice(0, match.index).split("\n").length;
      problems.push(`line ${line}: ${name} is not a plain literal crossgate can read (${(error as Error).message}); write it as a list of strings, a string, a number or True/False, or run crossgate with --django <settings module> so that Django evaluates it.`);
    }
  }
  return { settings, problems };
}

class LiteralParser {
  #i: number;
  readonly #s: string;
  /** Bracket depth: newlines end a statement only outside brackets. */
  #depth = 0;
  constructor(source: string, start: number) {
    this.#s = source;
    this.#i = start;
  }

  expression(): unknown {
    let value = this.#atom();
    for (this.#space(this.#depth > 0); this.#s[this.#i] === "+"; this.#space(this.#depth > 0)) {
      this.#i++;
      const right = this.#atom();
      if (Array.isArray(value) && Array.isArray(right)) value = [...value, ...right];
      else if (typeof value === "string" && typeof right === "string") value = value + right;
      else throw new Error("'+' of values of different types");
    }
    return value;
  }

  endOfStatement(): void {
    this.#space(false);
    const c = this.#s[this.#i];
    if (c !== undefined && c !== "\n" && c !== "\r" && c !== "#" && c !== ";") throw new Error(`unexpected ${JSON.stringify(c)}`);
  }

  #space(newlines = true): void {
    const s = this.#s;
    while (this.#i < s.length) {
      const c = s[this.#i] as string;
      if (c === " " || c === "\t" || (newlines && (c === "\n" || c === "\r"))) this.#i++;
      else if (newlines && c === "\\" && s[this.#i + 1] === "\n") this.#i += 2;
      else if (newlines && c === "#") while (this.#i < s.length && s[this.#i] !== "\n") this.#i++;
      else break;
    }
  }

  #atom(): unknown {
    this.#space();
    const s = this.#s;
    const c = s[this.#i];
    if (c === "[" || c === "(") return this.#sequence(c === "[" ? "]" : ")");
    if (c !== undefined && /[rRbBuU'"]/.test(c)) {
      const str = this.#string();
      if (str !== undefined) {
        let value = str;
        // Adjacent string literals concatenate, as in Python.
        for (;;) {
          const save = this.#i;
          this.#space(this.#depth > 0);
          const next = this.#string();
          if (next === undefined) {
            this.#i = save;
            return value;
          }
          value += next;
        }
      }
    }
    const number = /^-?[0-9][0-9_]*/.exec(s.slice(this.#i));
    if (number) {
      this.#i += number[0].length;
      return Number(number[0].replace(/_/g, ""));
    }
    const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(s.slice(this.#i));
    if (name) {
      this.#i += name[0].length;
      const bare = name[0].replace(/^corsheaders\.defaults\./, "");
      if ((bare === "list" || bare === "tuple") && s[this.#i] === "(") {
        this.#i++;
        this.#depth++;
        const inner = this.expression();
        this.#space();
        if (s[this.#i] !== ")") throw new Error(`${bare}(...) not closed`);
        this.#i++;
        this.#depth--;
        if (!Array.isArray(inner)) throw new Error(`${bare}() of a non-sequence`);
        return inner;
      }
      if (Object.hasOwn(KNOWN_NAMES, bare)) return KNOWN_NAMES[bare];
      throw new Error(`the name ${name[0]}`);
    }
    throw new Error(c === undefined ? "nothing after '='" : `unexpected ${JSON.stringify(c)}`);
  }

  #sequence(close: string): unknown[] {
    this.#i++;
    this.#depth++;
    const items: unknown[] = [];
    for (;;) {
      this.#space();
      if (this.#s[this.#i] === close) {
        this.#i++;
        this.#depth--;
        return items;
      }
      if (this.#s[this.#i] === "*") {
        this.#i++;
        const spread = this.#atom();
        if (!Array.isArray(spread)) throw new Error("'*' of a non-sequence");
        items.push(...spread);
      } else {
        items.push(this.expression());
      }
      this.#space();
      const c = this.#s[this.#i];
      if (c === ",") this.#i++;
      else if (c !== close) throw new Error(c === undefined ? `missing '${close}'` : `unexpected ${JSON.stringify(c)}`);
    }
  }

  /** A string literal at the cursor, or undefined (cursor unchanged) if there is none. */
  #string(): string | undefined {
    const match = /^([rRbBuU]{0,2})('''|"""|'|")/.exec(this.#s.slice(this.#i));
    if (!match) return undefined;
    const raw = /r/i.test(match[1] as string);
    const quote = match[2] as string;
    let i = this.#i + match[0].length;
    let out = "";
    for (;;) {
      if (i >= this.#s.length) throw new Error("unterminated string");
      if (this.#s.startsWith(quote, i)) break;
      const c = this.#s[i] as string;
      if (quote.length === 1 && c === "\n") throw new Error("unterminated string");
      if (c === "\\" && i + 1 < this.#s.length) {
        const next = this.#s[i + 1] as string;
        if (raw) out += c + next;
        else out += ({ n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' } as Record<string, string>)[next] ?? c + next;
        i += 2;
        continue;
      }
      out += c;
      i++;
    }
    this.#i = i + quote.length;
    return out;
  }
}
