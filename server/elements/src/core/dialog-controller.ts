import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { UserError } from "./failure";
import { type Refusable, refusalsOf } from "./mutation-result";

type Host = ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };

/**
 * One modal `<dialog>` in an element's shadow root, following `current`: shown with `showModal()`
 * (so focus moves in, Escape closes and the page behind is inert) while it is set, closed once it
 * is not. `run()` sends the dialog's mutation and keeps it open with the refusals when there are any.
 */
export class DialogController<Subject> implements ReactiveController {
  /** What the open dialog is about; null when none is open. */
  current: Subject | null = null;
  /** The last attempt's refusals, shown beside the fields they name. */
  refusals: UserError[] = [];
  /** A mutation is on its way: the submit button waits. */
  busy = false;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  private get element(): HTMLDialogElement | null {
    return this.host.renderRoot.querySelector("dialog");
  }

  open(subject: Subject): void {
    this.current = subject;
    this.refusals = [];
    this.host.requestUpdate();
  }

  readonly cancel = (): void => {
    this.current = null;
    this.host.requestUpdate();
  };

  /** For the dialog's `close` event (Escape, or closed by us): forgets it, unless another opened since. */
  readonly closed = (): void => {
    if (this.element?.open) return;
    this.current = null;
    this.refusals = [];
    this.host.requestUpdate();
  };

  /** Runs the mutation for `subject`; true when it changed something and the dialog closed. */
  async run(work: () => Promise<Refusable | null | undefined>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.host.requestUpdate();
    this.refusals = await refusalsOf(work);
    this.busy = false;
    if (!this.refusals.length) this.current = null;
    this.host.requestUpdate();
    return !this.refusals.length;
  }

  hostUpdated(): void {
    const element = this.element;
    if (this.current !== null && element && !element.open) element.showModal();
    if (this.current === null && element?.open) element.close();
  }
}
