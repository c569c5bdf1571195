/**
 * Random choices the fleet makes (peer-exchange answers, the flood fault), from Math.random:
 * none of them needs to be unpredictable, only spread.
 */

/**
 * A shuffled copy (Fisher–Yates).
 *
 * @example
 * shuffled([1, 2, 3]); // e.g. [3, 1, 2]
 */
export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/**
 * One element, uniformly; the array must not be empty.
 *
 * @example
 * pick(["a", "b"]); // "a" or "b"
 */
export function pick<T>(items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick from an empty list");
  return items[Math.floor(Math.random() * items.length)] as T;
}
