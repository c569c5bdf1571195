// Testing Library unmounts after each test only when vitest's globals are on, and they are not
// here: without this, a rendered tree (and its intervals) outlives its test and its file, and a
// timer that fires after the DOM environment is torn down fails the whole run.
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
});
