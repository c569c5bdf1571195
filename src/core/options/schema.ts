import { MAX_DELAY_MS } from "../lifetime/timers.js";

// A tiny schema kit for options: each field reads one value, fills its default (the one place
// that default is written) and adds an issue for a bad value, so one call reports every problem.

export type Issues = string[];

/** Reads one option at `path`: `undefined` gives the default; a bad value adds an issue (and gives the default). */
export type Field<T> = (value: unknown, path: string, issues: Issues) => T;

export type FieldValue<F> = F extends Field<infer T> ? T : never;

export type Fields = Record<string, Field<unknown>>;

export type ObjectValue<S extends Fields> = { readonly [K in keyof S]: FieldValue<S[K]> };

/** Keys an options object may never have as its own: they would rewrite a copy's prototype. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const join = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);

function check<T>(valid: (value: unknown) => boolean, expected: string, fallback: T): Field<T> {
  return (value, path, issues) => {
    if (value === undefined) return fallback;
    if (valid(value)) return value as T;
    issues.push(`${path} must be ${expected}, got ${describe(value)}`);
    return fallback;
  };
}

const isNumberIn =
  (min: number, max: number, integer: boolean) =>
  (value: unknown): boolean =>
    typeof value === "number" && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));

/** Milliseconds a timer can wait: `min`..2³¹−1 (`setTimeout` turns anything longer into 1 ms). */
export const duration = (fallback: number, min = 0): Field<number> =>
  check(isNumberIn(min, MAX_DELAY_MS, false), `a duration in ms from ${min} to ${MAX_DELAY_MS}`, fallback);

/** A duration with no default: off unless set. */
export const optionalDuration = (): Field<number | undefined> =>
  check<number | undefined>(isNumberIn(0, MAX_DELAY_MS, false), `a duration in ms from 0 to ${MAX_DELAY_MS}`, undefined);

export const integer = (fallback: number, min: number, max: number): Field<number> =>
  check(isNumberIn(min, max, true), `an integer from ${min} to ${max}`, fallback);

export const number = (fallback: number, min: number, max: number): Field<number> =>
  check(isNumberIn(min, max, false), `a number from ${min} to ${max}`, fallback);

/** A non-empty list of delays, at most 32 of them. */
export const tiers = (fallback: readonly number[]): Field<readonly number[]> => {
  const valid = isNumberIn(0, MAX_DELAY_MS, false);
  const read = check<unknown[]>(
    (value) => Array.isArray(value) && value.length > 0 && value.length <= 32 && value.every(valid),
    `a list of 1 to 32 durations in ms from 0 to ${MAX_DELAY_MS}`,
    fallback as number[],
  );
  return (value, path, issues) => Object.freeze([...read(value, path, issues)]) as readonly number[];
};

export const flag = (fallback: boolean): Field<boolean> =>
  check((value) => typeof value === "boolean", "true or false", fallback);

export const text = (fallback: string, maxLength: number): Field<string> =>
  check(
    (value) => typeof value === "string" && value.length > 0 && value.length <= maxLength,
    `a string of 1 to ${maxLength} characters`,
    fallback,
  );

export const callback = <F extends (...args: never[]) => unknown>(): Field<F | undefined> =>
  check<F | undefined>((value) => typeof value === "function", "a function", undefined);

/** An object the core calls (a clock, an environment, a storage): it must have these methods. */
export const seam = <T>(methods: readonly string[]): Field<T | undefined> =>
  check<T | undefined>(
    (value) => isObject(value) && methods.every((name) => typeof (value as Record<string, unknown>)[name] === "function"),
    `an object with ${methods.join(", ")}`,
    undefined,
  );

/**
 * A section of options: a plain object whose own keys are all known. Unknown keys are refused,
 * not ignored (`liveness: { intervalMS: 1000 }` would otherwise do nothing), with a suggestion for
 * a wrong case. Only own properties are read: a prototype (or an own `__proto__` from JSON) adds
 * nothing. `undefined` gives every default.
 */
export function object<S extends Fields>(fields: S): Field<ObjectValue<S>> {
  return section(fields, false) as Field<ObjectValue<S>>;
}

/** A section that `false` turns off (its value is then `undefined`). */
export function toggle<S extends Fields>(fields: S): Field<ObjectValue<S> | undefined> {
  return section(fields, true) as Field<ObjectValue<S> | undefined>;
}

function section(fields: Fields, orFalse: boolean): Field<Record<string, unknown> | undefined> {
  return (value, path, issues) => {
    if (value === false && orFalse) return undefined;
    let input: Record<string, unknown> = {};
    if (value !== undefined) {
      if (isObject(value) && !Array.isArray(value)) input = value as Record<string, unknown>;
      else issues.push(`${path} must be an object${orFalse ? " or false" : ""}, got ${describe(value)}`);
    }
    for (const key of Object.keys(input)) {
      if (FORBIDDEN_KEYS.has(key)) issues.push(`${join(path, key)} is not allowed as an option key`);
      else if (!Object.hasOwn(fields, key)) issues.push(unknownKey(join(path, key), key, Object.keys(fields)));
    }
    const result: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      result[key] = field(Object.hasOwn(input, key) ? input[key] : undefined, join(path, key), issues);
    }
    return Object.freeze(result);
  };
}

export function unknownKey(path: string, key: string, known: readonly string[]): string {
  const near = known.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  return `unknown option "${path}"${near === undefined ? "" : ` (did you mean "${near}"?)`}`;
}

export function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

/** A short description of a bad value for an issue ("an object", "NaN", "\"yes\""). */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return typeof value === "function" ? "a function" : String(value);
}
