// Feature-detecting reads of objects whose shape we do not own (SDK and libp2p internals): a read
// that throws (a proxy, a getter) or finds no object gives `undefined`, never an exception.

export type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
export type Methods = Record<string, unknown>;

/** `value[key]`, or `undefined` when `value` is not an object or the read throws (a proxy, a getter). */
export function read(value: unknown, key: string): unknown {
  if (!isObject(value)) return undefined;
  try {
    return (value as Methods)[key];
  } catch {
    return undefined;
  }
}

export function asMethods(value: unknown): Methods | undefined {
  return isObject(value) ? (value as Methods) : undefined;
}

export function isObject(value: unknown): boolean {
  return (typeof value === "object" || typeof value === "function") && value !== null;
}
