// What every README code block may use without declaring it: things the reader's own app has.
// Anything from waku-peers, @waku/sdk or React must be imported in the block itself.
/// <reference types="vite/client" />
import type { ReactElement } from "react";

declare global {
  /** The reader's app component. */
  function App(): ReactElement;
  /** Whatever toast library the app uses (sonner, react-hot-toast…). */
  const toast: {
    success(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  };
  /** The content topic the app sends and receives on. */
  const contentTopic: string;
}
