/** What a benchmark child task gets from its entry (./main.ts): progress and questions to the parent. */
export interface ChildIo {
  log(message: string): void;
  /** Asks the parent something only it can see (the fleet) and waits for the answer. */
  checkpoint<T>(name: string, data?: unknown): Promise<T>;
}
