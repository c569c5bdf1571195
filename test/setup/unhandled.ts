// "No unhandled promise rejection, ever": vitest already fails a run on an unhandled
// rejection it sees; this also records every one so a test can name the culprit.
const seen: unknown[] = [];
process.on("unhandledRejection", (reason) => {
  seen.push(reason);
});
export function unhandledRejections(): readonly unknown[] {
  return seen;
}
