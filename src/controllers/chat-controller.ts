import { ContextProvider } from '@lit/context';
import type { ReactiveController, ReactiveElement } from 'lit';
import { chatServiceContext } from '../context.js';
import { AmoiqConnectionChangeEvent } from '../events/connection-change-event.js';
import { AmoiqErrorEvent } from '../events/error-event.js';
import { AmoiqMessageEvent } from '../events/message-event.js';
import { AmoiqContactEvent } from '../events/contact-event.js';
import { AmoiqNewConversationEvent } from '../events/new-conversation-event.js';
import { ChatService, type ChatServiceOptions } from '../services/chat-service.js';

/**
 * Runs a {@link ChatService} for `<amoiq-chat>` while it is in the document: provides it to the
 * subcomponents, turns its events into DOM events on the host, wakes it when the browser goes
 * online or the page becomes visible, and tells it at once when the browser goes offline.
 */
export class ChatController implements ReactiveController {
  /** The running service, if connected. */
  service?: ChatService;
  private readonly provider: ContextProvider<typeof chatServiceContext>;
  private options?: ChatServiceOptions;
  /** The panel state last sent to or received from other tabs, so a change is not echoed back. */
  private panel?: boolean;
  private readonly wake = (): void => {
    if (document.visibilityState !== 'hidden') this.service?.wake();
  };
  private readonly lost = (): void => this.service?.networkLost();

  constructor(private readonly host: ReactiveElement) {
    host.addController(this);
    this.provider = new ContextProvider(host, { context: chatServiceContext });
  }

  /** Connects with these options, restarting only if they differ from the current ones. */
  configure(options: ChatServiceOptions): void {
    if (this.service && sameOptions(this.options, options)) return;
    this.options = options;
    if (this.host.isConnected) this.restart();
  }

  hostConnected(): void {
    window.addEventListener('online', this.wake);
    window.addEventListener('offline', this.lost);
    document.addEventListener('visibilitychange', this.wake);
    if (this.options && !this.service) this.restart();
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.wake);
    window.removeEventListener('offline', this.lost);
    document.removeEventListener('visibilitychange', this.wake);
    this.service?.stop();
    this.service = undefined;
    this.provider.setValue(undefined);
  }

  /** Tells the visitor's other tabs that the panel opened or closed here. */
  panelChanged(open: boolean): void {
    if (open === this.panel) return;
    this.panel = open;
    this.service?.setPanelOpen(open);
  }

  private restart(): void {
    this.service?.stop();
    const service = new ChatService(this.options!);
    this.service = service;
    service.onEvent((e) => {
      if (e.type === 'message') this.host.dispatchEvent(new AmoiqMessageEvent({ message: e.message, direction: e.direction }));
      else if (e.type === 'connection') this.host.dispatchEvent(new AmoiqConnectionChangeEvent({ state: e.state, transport: e.transport }));
      else if (e.type === 'contact') this.host.dispatchEvent(new AmoiqContactEvent({ contact: e.contact, source: e.source }));
      else if (e.type === 'new-conversation') this.host.dispatchEvent(new AmoiqNewConversationEvent({ conversationId: e.conversationId }));
      else if (e.type === 'panel') {
        this.panel = e.open;
        (this.host as ReactiveElement & { opened: boolean }).opened = e.open;
      } else this.host.dispatchEvent(new AmoiqErrorEvent({ code: e.code, message: e.message }));
    });
    service.subscribe(() => this.host.requestUpdate());
    this.provider.setValue(service);
    void service.start();
  }
}

function sameOptions(a: ChatServiceOptions | undefined, b: ChatServiceOptions): boolean {
  return !!a && a.gatewayUrl === b.gatewayUrl && a.apiKey === b.apiKey && a.tenantId === b.tenantId && a.dbName === b.dbName && !!a.fingerprint === !!b.fingerprint;
}
