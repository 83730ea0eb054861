import type { ClipboardAccess } from "./guard";

/**
 * Clipboard access through a hidden textarea and `execCommand`, which works in documents without
 * focus (Chromium's offscreen document, Firefox's background page) where `navigator.clipboard`
 * refuses. Reading needs the `clipboardRead` permission.
 */
export function textareaClipboardAccess(doc: Document = document): ClipboardAccess {
  const withTextarea = <T>(use: (textarea: HTMLTextAreaElement) => T): T => {
    const textarea = doc.createElement("textarea");
    doc.body.append(textarea);
    try {
      return use(textarea);
    } finally {
      textarea.value = "";
      textarea.remove();
    }
  };
  return {
    async read() {
      return withTextarea((textarea) => {
        textarea.focus();
        if (!doc.execCommand("paste")) throw new Error("Reading the clipboard was refused");
        return textarea.value;
      });
    },
    async write(text) {
      withTextarea((textarea) => {
        // The copy listener sets the data whatever is selected: clearing writes "", and copying an
        // empty selection would leave the old clipboard in place.
        const onCopy = (event: ClipboardEvent) => {
          event.clipboardData?.setData("text/plain", text);
          event.preventDefault();
        };
        doc.addEventListener("copy", onCopy);
        try {
          textarea.value = text;
          textarea.select();
          if (!doc.execCommand("copy")) throw new Error("Writing the clipboard was refused");
        } finally {
          doc.removeEventListener("copy", onCopy);
        }
      });
    },
  };
}
