import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { chatServiceContext } from '../context.js';
import type { ChatService, ChatState } from '../services/chat-service.js';

/**
 * The fields of the state a part shows: it re-renders only when one of them changes (`===`), so a
 * message arriving does not re-render a header that shows the connection.
 */
export type StateSelector = (state: ChatState) => readonly unknown[];

/** Whether two selections differ in any field. */
export const selectionChanged = (a: readonly unknown[] | undefined, b: readonly unknown[]): boolean =>
  !a || a.length !== b.length || a.some((v, i) => v !== b[i]);

/**
 * Gives a subcomponent the chat state of the `<amoiq-chat>` it sits in, and re-renders it when
 * that state changes (with a `select`or: when the fields it selects change; `state` is always the
 * newest snapshot).
 *
 * @example
 * private chat = new ChatStateController(this, (s) => [s.connection]);
 * render() { return html`${this.chat.state?.connection}`; }
 */
export class ChatStateController implements ReactiveController {
  /** The service of the enclosing chat, once provided. */
  service?: ChatService;
  /** Its latest state snapshot. */
  state?: ChatState;
  private unsubscribe?: () => void;
  private selected?: readonly unknown[];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly select?: StateSelector,
  ) {
    host.addController(this);
    new ContextConsumer(host, { context: chatServiceContext, subscribe: true, callback: (s) => this.attach(s) });
  }

  hostDisconnected(): void {
    this.attach(undefined);
  }

  private attach(service: ChatService | undefined): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.service = service;
    this.state = service?.state;
    if (service) {
      this.unsubscribe = service.subscribe((state) => {
        this.state = state;
        const selected = this.select?.(state);
        if (selected && !selectionChanged(this.selected, selected)) return;
        this.selected = selected;
        this.host.requestUpdate();
      });
    }
    this.selected = service && this.select?.(service.state);
    this.host.requestUpdate();
  }
}
