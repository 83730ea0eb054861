import { defineConfig } from "wxt";

/** One code base, two targets: `wxt build` (Chromium, MV3) and `wxt build -b firefox` (MV3 too). */
export default defineConfig({
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    name: "Latchkey",
    description: "Find, reveal, copy and fill your Latchkey API keys from any page.",
    permissions: [
      "storage",
      "contextMenus",
      "notifications",
      "clipboardWrite",
      // Reading the clipboard lets us clear a copied secret only if it is still there.
      "clipboardRead",
      "activeTab",
      "scripting",
      "alarms",
      ...(browser === "firefox" ? [] : ["offscreen"]),
    ],
    // Local servers work out of the box; any other server is asked for at sign-in, and only over
    // https (the password and the token must not travel unencrypted; see parseServerUrl).
    host_permissions: ["http://127.0.0.1/*", "http://localhost/*", "http://[::1]/*"],
    optional_host_permissions: ["https://*/*"],
    // The palette's frame, drawn over pages so that they hear none of its key presses. Only that page:
    // its scripts and styles load from the extension's own origin. (Not `use_dynamic_url`: Chromium
    // 156 still gives content scripts the static address, and then refuses the frame's own scripts.)
    // A page that embeds the frame gets nothing from it: it needs an opening's ticket (palette-tickets.ts).
    web_accessible_resources: [{ resources: ["palette-frame.html"], matches: ["<all_urls>"] }],
    commands: {
      "open-palette": {
        suggested_key: { default: "Alt+Shift+K" },
        description: "Search your keys and fill one into the focused field",
      },
    },
    ...(browser === "firefox"
      ? {
          browser_specific_settings: {
            gecko: {
              id: "extension@latchkey.dev",
              strict_min_version: "128.0",
              // Nothing goes to us, the extension's authors: only to the Latchkey server the user names.
              data_collection_permissions: { required: ["none"] },
            },
          },
        }
      : // storage.local.setAccessLevel, which keeps the token out of content scripts' reach, came in Chrome 140.
        { minimum_chrome_version: "140" }),
  }),
});
