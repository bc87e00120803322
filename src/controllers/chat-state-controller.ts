import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { chatServiceContext } from '../context.js';
import type { ChatService, ChatState } from '../services/chat-service.js';

/**
 * Gives a subcomponent the chat state of the `<amoiq-chat>` it sits in, and re-renders it when
 * that state changes.
 *
 * @example
 * private chat = new ChatStateController(this);
 * render() { return html`${this.chat.state?.messages.length}`; }
 */
export class ChatStateController implements ReactiveController {
  /** The service of the enclosing chat, once provided. */
  service?: ChatService;
  /** Its latest state snapshot. */
  state?: ChatState;
  private unsubscribe?: () => void;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
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
        this.host.requestUpdate();
      });
    }
    this.host.requestUpdate();
  }
}
