// The devtools render into a shadow root: these find it and query inside it.
import { waitFor, within } from "@testing-library/react";

/** The devtools' shadow root below `container`, once the lazily loaded UI is there. */
export async function devtoolsRoot(container: HTMLElement): Promise<ShadowRoot> {
  return waitFor(() => {
    const root = container.querySelector("[data-waku-peers-devtools]")?.shadowRoot;
    if (!root?.querySelector(".toggle, [data-testid=waku-peers-devtools]")) throw new Error("the devtools UI has not loaded yet");
    return root;
  });
}

/** Testing Library's queries inside a shadow root. */
export const inside = (root: ShadowRoot) => within(root as unknown as HTMLElement);

/** `[data-testid=id]` inside the root; throws when missing. */
export function byTestId(root: ShadowRoot, id: string): HTMLElement {
  const found = root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!found) throw new Error(`no [data-testid="${id}"] in the devtools`);
  return found;
}
