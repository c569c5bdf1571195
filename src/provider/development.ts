/**
 * True in development builds. Bundlers replace `process.env.NODE_ENV`; where nothing does and
 * `process` does not exist (a plain browser), reading it throws and we stay quiet.
 */
export function isDevelopment(): boolean {
  try {
    return process.env.NODE_ENV !== "production";
  } catch {
    return false;
  }
}
