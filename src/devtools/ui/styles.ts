// The devtools' only stylesheet. It lives inside the panel's shadow root, so none of it reaches
// the app and none of the app's CSS reaches the panel (only inherited properties cross the
// boundary, and `:host { all: initial }` resets those). One type scale: 12 px text, 11 px for
// secondary text, labels and code, 13 px for the title.
export const DEVTOOLS_CSS = `
:host { all: initial; display: block; }
.root { box-sizing: border-box; display: flex; flex-direction: column; min-width: 0; max-height: inherit;
  font: 12px/1.45 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #e2e8f0;
  background: #0f172a; border: 1px solid #1e293b; border-radius: 8px; overflow: hidden; }
.root *, .root *::before, .root *::after { box-sizing: inherit; }
.head { display: flex; align-items: center; flex-wrap: wrap; gap: 6px 10px; padding: 8px 10px; border-bottom: 1px solid #1e293b; }
.title { font-size: 13px; font-weight: 600; margin-right: auto; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #1e293b; }
.body { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 8px; padding: 8px;
  overflow: auto; min-height: 0; }
.section { min-width: 0; background: #111a2e; border: 1px solid #1e293b; border-radius: 6px; padding: 8px; }
.wide { grid-column: 1 / -1; }
.label { margin: 0 0 6px; font-size: 11px; font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase; color: #94a3b8; }
.muted { color: #94a3b8; }
.small, .mono, .label, .chip.small { font-size: 11px; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
button { font: inherit; color: inherit; background: #1e293b; border: 1px solid #334155; border-radius: 4px; padding: 2px 8px;
  cursor: pointer; }
button:hover:not(:disabled) { background: #273449; }
button:disabled { opacity: 0.5; cursor: default; }
button[aria-pressed="true"] { background: #7f1d1d; border-color: #b91c1c; }
.chip { display: inline-flex; align-items: center; gap: 6px; padding: 1px 8px; border-radius: 999px; background: #1e293b;
  font-weight: 600; white-space: nowrap; }
.dot { width: 8px; height: 8px; border-radius: 50%; background: #64748b; flex: none; }
.s-connected { background: #22c55e; } .s-degraded { background: #f59e0b; }
.s-connecting, .s-reconnecting { background: #3b82f6; } .s-offline { background: #ef4444; }
.s-idle, .s-disconnected, .s-unknown { background: #64748b; }
.ok { color: #4ade80; } .short { color: #fbbf24; } .bad { color: #f87171; }
.rows { display: grid; grid-template-columns: auto auto 1fr auto; gap: 3px 8px; align-items: center; }
.meter { height: 6px; background: #1e293b; border-radius: 3px; overflow: hidden; min-width: 40px; }
.meter > span { display: block; height: 100%; background: #22c55e; }
.meter.short > span { background: #f59e0b; }
.meter.counted > span { background: #64748b; }
.timeline { display: flex; height: 14px; border-radius: 3px; overflow: hidden; background: #1e293b; margin-bottom: 4px; }
.timeline > span { height: 100%; min-width: 1px; }
.axis { display: flex; justify-content: space-between; margin-bottom: 6px; }
.list { list-style: none; margin: 0; padding: 0; }
.list > li { padding: 3px 0; border-top: 1px solid #1e293b; min-width: 0; overflow-wrap: anywhere; }
.list > li:first-child { border-top: 0; }
.peer { display: grid; grid-template-columns: 1fr auto; gap: 1px 8px; }
.peer.away { opacity: 0.6; }
.scroll { max-height: 320px; overflow: auto; }
.event { display: flex; flex-wrap: wrap; gap: 0 6px; }
.toggle { display: inline-flex; align-items: center; gap: 6px; padding: 4px 10px; border-radius: 999px; border: 1px solid #334155;
  background: #0f172a; color: #e2e8f0; font: 600 12px/1.45 ui-sans-serif, system-ui, sans-serif;
  box-shadow: 0 2px 8px rgb(0 0 0 / 0.35); }
.floating { position: fixed; z-index: 2147483000; display: flex; flex-direction: column; gap: 6px;
  max-width: calc(100vw - 16px); }
.floating .root { width: min(760px, calc(100vw - 16px)); max-height: min(70vh, 640px); box-shadow: 0 8px 24px rgb(0 0 0 / 0.4); }
.bottom-right { right: 8px; bottom: 8px; align-items: flex-end; }
.bottom-left { left: 8px; bottom: 8px; align-items: flex-start; }
.top-right { right: 8px; top: 8px; align-items: flex-end; flex-direction: column-reverse; }
.top-left { left: 8px; top: 8px; align-items: flex-start; flex-direction: column-reverse; }
`;
