"use client";
import { useCallback, useState, type ReactElement, type ReactNode } from "react";
import { createPortal } from "react-dom";

import { DEVTOOLS_CSS } from "./styles.js";

/**
 * Renders `children` into an open shadow root with the devtools' stylesheet: the panel's styles
 * stay in, the app's stay out. (Open, so tests and browser automation can reach inside.)
 */
export function InShadowRoot({ children }: { children: ReactNode }): ReactElement {
  const [root, setRoot] = useState<ShadowRoot | null>(null);
  // StrictMode calls ref callbacks twice: a host keeps the shadow root it already has.
  const attach = useCallback((host: HTMLDivElement | null) => {
    if (host !== null) setRoot(host.shadowRoot ?? host.attachShadow({ mode: "open" }));
  }, []);
  return (
    <div ref={attach} data-waku-peers-devtools="">
      {root !== null &&
        createPortal(
          <>
            <style>{DEVTOOLS_CSS}</style>
            {children}
          </>,
          root,
        )}
    </div>
  );
}
