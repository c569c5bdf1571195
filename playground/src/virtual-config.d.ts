declare module "virtual:playground-config" {
  import type { PlaygroundConfig } from "./config.js";
  const config: PlaygroundConfig;
  export default config;
}
