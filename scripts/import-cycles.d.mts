export declare const CHECKED_FOLDERS: readonly string[];
export declare function importGraph(root?: string, folders?: readonly string[]): Map<string, string[]>;
export declare function findCycles(graph: Map<string, string[]>): string[][];
