import type { ReactiveController, ReactiveControllerHost } from "lit";

/**
 * Listens on the document for other elements' announcements (`latchkey-member-added`, ...) while
 * the host is connected, so two elements on one page stay in step without the host wiring them.
 */
export class PageEventsController implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    private readonly types: readonly string[],
    private readonly heard: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    for (const type of this.types) document.addEventListener(type, this.heard);
  }

  hostDisconnected(): void {
    for (const type of this.types) document.removeEventListener(type, this.heard);
  }
}
