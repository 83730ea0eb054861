import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { defineContentScript } from "wxt/utils/define-content-script";
import { FailureCode, LatchkeyFailure } from "@/lib/failures";
import { sendToBackground } from "@/lib/messaging";
import { fieldAtOpening, fillField } from "@/lib/palette/field";
import { mountPalette } from "@/lib/palette/palette";
// Inlined rather than loaded from a web-accessible file, which any page could probe to detect the extension.
import paletteCss from "@/lib/palette/palette.css?inline";

const PALETTE_TAG = "latchkey-palette";

export default defineContentScript({
  // Injected by the background on the shortcut or the context menu, never into every page.
  registration: "runtime",
  cssInjectionMode: "manual",
  // WXT would otherwise announce each start to the page with postMessage(…, "*"): that names the
  // extension's ID to any page script, and lets the page close the palette by replaying it.
  noScriptStartedPostMessage: true,
  async main(ctx) {
    const field = fieldAtOpening(PALETTE_TAG);

    const ui = await createShadowRootUi(ctx, {
      name: PALETTE_TAG,
      position: "modal",
      zIndex: 2147483647,
      css: paletteCss,
      // Closed: page scripts cannot reach into the palette.
      mode: "closed",
      onMount(container) {
        const palette = mountPalette(container, {
          hasField: field !== undefined,
          defaultReason: `Fill into ${location.host || "a local page"}`,
          search: (search) => sendToBackground("searchPaletteKeys", { search }),
          async insert(key, reason) {
            if (!field?.isConnected) throw new LatchkeyFailure(FailureCode.NO_FIELD);
            // The one secret the user chose goes into the field and nowhere else.
            const { secret } = await sendToBackground("revealForInsertion", { keyId: key.id, reason });
            fillField(field, secret);
          },
          copy: (key, reason) => sendToBackground("copySecret", { keyId: key.id, reason }),
          close: () => {
            // Gives the ticket back: a closed palette can no longer search or get a secret.
            void sendToBackground("closePalette").catch(() => undefined);
            ui.remove();
            field?.focus();
          },
        });
        palette.focus();
        return palette;
      },
    });
    ui.mount();
  },
});
