/** A field the palette can fill: text-like inputs, textareas and contenteditable elements. */
export type FillableField = HTMLInputElement | HTMLTextAreaElement | HTMLElement;

const TEXT_INPUT_TYPES = new Set(["text", "password", "search", "email", "url", "tel", ""]);

export function isFillable(element: Element | null): element is FillableField {
  if (!element) return false;
  if (element instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(element.type) && !element.readOnly && !element.disabled;
  if (element instanceof HTMLTextAreaElement) return !element.readOnly && !element.disabled;
  return element instanceof HTMLElement && element.isContentEditable;
}

/** The focused element, looking inside open shadow roots (web components keep their inputs there). */
export function deepActiveElement(doc: Document = document): Element | null {
  let active = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/**
 * The field focused as the palette opens, and only that one: a field focused at an earlier opening
 * could be minutes old, and Enter must not put a secret into it. When focus is on the palette's own
 * host (the shortcut pressed again while it is open) or on no fillable field, there is none.
 */
export function fieldAtOpening(paletteTag: string, doc: Document = document): FillableField | undefined {
  const active = deepActiveElement(doc);
  if (!active || active.localName === paletteTag) return undefined;
  return isFillable(active) ? active : undefined;
}

/**
 * Puts text into the field as if typed: the value is set through the element's own prototype setter
 * and `input`/`change` events fire, so frameworks that track values (React, Vue) see the change.
 */
export function fillField(field: FillableField, text: string): void {
  field.focus();
  if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) {
    const prototype = field instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
    Object.getOwnPropertyDescriptor(prototype, "value")?.set?.call(field, text);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    return;
  }
  field.ownerDocument.execCommand("insertText", false, text);
}
