import { ContextProvider } from '@lit/context';
import type { ReactiveController, ReactiveElement } from 'lit';
import { chatServiceContext } from '../context.js';
import { selectionChanged, type StateSelector } from './chat-state-controller.js';
import { AmoiqConnectionChangeEvent } from '../events/connection-change-event.js';
import { AmoiqErrorEvent } from '../events/error-event.js';
import { AmoiqMessageEvent } from '../events/message-event.js';
import { AmoiqContactEvent } from '../events/contact-event.js';
import { AmoiqNewConversationEvent } from '../events/new-conversation-event.js';
import { AmoiqEscalationEvent } from '../events/escalation-event.js';
import { ChatService, clearVisitor, type ChatServiceOptions } from '../services/chat-service.js';
import { sameIdentity } from '../services/identity.js';
import type { StorageMode } from '../services/storage-mode.js';

/**
 * Runs a {@link ChatService} for `<amoiq-chat>` while it is in the document: starts it with the
 * element's options (restarting it when they change), provides it to the subcomponents, turns its
 * events into DOM events on the host, wakes it when the browser goes online or the page becomes
 * visible, tells it at once when the browser goes offline, and forgets the visitor on `reset()`.
 * The element passes everything as options: nothing travels through module state.
 */
export class ChatController implements ReactiveController {
  /** The running service, if connected. */
  service?: ChatService;
  private readonly provider: ContextProvider<typeof chatServiceContext>;
  private options?: ChatServiceOptions;
  /** Where the last service kept the visitor's state: a later one with another mode moves it. */
  private storage?: StorageMode;
  /** The panel state last sent to or received from other tabs, so a change is not echoed back. */
  private panel?: boolean;
  /** A running {@link reset}: options given meanwhile apply once it is done. */
  private resetting?: Promise<void>;
  private readonly wake = (): void => {
    if (document.visibilityState !== 'hidden') this.service?.wake();
  };
  private readonly lost = (): void => this.service?.networkLost();
  /** What {@link select} gave for the last state that re-rendered the host. */
  private selected?: readonly unknown[];

  /**
   * `select`: the fields of the state the host shows; a new state re-renders the host only when
   * one of them changed, else `unselected` is called (a message arrived: the list, which
   * subscribes itself, shows it; the header and the message box need not render again).
   * Without it every state re-renders the host.
   */
  constructor(
    private readonly host: ReactiveElement & { open: boolean },
    private readonly select?: StateSelector,
    private readonly unselected?: () => void,
  ) {
    host.addController(this);
    this.provider = new ContextProvider(host, { context: chatServiceContext });
  }

  /**
   * Connects with these options. A change of where or as whom (gateway, key, tenant, database,
   * fingerprint, identity) restarts the service; a change of `storage` alone keeps it running and
   * moves the chat (into IndexedDB, when the visitor consented).
   */
  configure(options: ChatServiceOptions): void {
    const before = this.options;
    this.options = options;
    if (this.resetting || !this.host.isConnected) return;
    if (!this.service || !before || !sameConnection(before, options)) {
      this.restart();
      return;
    }
    const mode = options.storage ?? 'persistent';
    if (mode !== this.storage) {
      this.storage = mode;
      void this.service.setStorage(mode);
    }
  }

  hostConnected(): void {
    window.addEventListener('online', this.wake);
    window.addEventListener('offline', this.lost);
    document.addEventListener('visibilitychange', this.wake);
    if (this.options && !this.service && !this.resetting) this.restart();
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.wake);
    window.removeEventListener('offline', this.lost);
    document.removeEventListener('visibilitychange', this.wake);
    this.stopService();
  }

  /** Tells the visitor's other tabs that the panel opened or closed here. */
  panelChanged(open: boolean): void {
    if (open === this.panel) return;
    this.panel = open;
    this.service?.setPanelOpen(open);
  }

  /**
   * Forgets the visitor on this device: asks the server to forget what it keeps to relink them
   * (bounded), stops the service, deletes the tenant's local state, stores a fresh visitor id and
   * drops the identity from the options; then starts again when the element is in the document.
   * The element clears its own user-* properties.
   */
  reset(): Promise<void> {
    return (this.resetting ??= (async () => {
      // Best effort, bounded: the server drops what it keeps to relink this visitor (fingerprint).
      await this.service?.forget();
      this.stopService(); // no write of the old visitor after the clear
      if (!this.options) return;
      this.options = { ...this.options, identity: undefined };
      await clearVisitor(this.options);
    })().finally(() => {
      this.resetting = undefined;
      if (this.options && this.host.isConnected && !this.service) this.restart();
    }));
  }

  private stopService(): void {
    this.service?.stop();
    this.service = undefined;
    this.provider.setValue(undefined);
  }

  private restart(): void {
    this.service?.stop();
    const options = this.options!;
    const mode = options.storage ?? 'persistent';
    // The previous service kept the chat elsewhere: start from there and move it (consent given).
    const moving = this.storage !== undefined && this.storage !== mode;
    const service = new ChatService(moving ? { ...options, storage: this.storage } : options);
    this.storage = mode;
    this.service = service;
    service.onEvent((e) => {
      if (e.type === 'message') this.host.dispatchEvent(new AmoiqMessageEvent({ message: e.message, direction: e.direction }));
      else if (e.type === 'connection') this.host.dispatchEvent(new AmoiqConnectionChangeEvent({ state: e.state, transport: e.transport }));
      else if (e.type === 'contact') this.host.dispatchEvent(new AmoiqContactEvent({ contact: e.contact, source: e.source }));
      else if (e.type === 'new-conversation') this.host.dispatchEvent(new AmoiqNewConversationEvent({ conversationId: e.conversationId }));
      else if (e.type === 'panel') {
        this.panel = e.open;
        this.host.open = e.open;
      } else if (e.type === 'voice') this.host.requestUpdate();
      else if (e.type === 'escalation') this.host.dispatchEvent(new AmoiqEscalationEvent({ handoff: e.handoff, previous: e.previous }));
      else this.host.dispatchEvent(new AmoiqErrorEvent({ code: e.code, message: e.message }));
    });
    this.selected = undefined;
    service.subscribe((state) => {
      const selected = this.select?.(state);
      if (selected && !selectionChanged(this.selected, selected)) return this.unselected?.();
      this.selected = selected;
      this.host.requestUpdate();
    });
    this.provider.setValue(service);
    if (moving) void service.setStorage(mode).then(() => service.start());
    else void service.start();
  }
}

/** True when both options reach the same backend as the same visitor (storage aside). */
function sameConnection(a: ChatServiceOptions, b: ChatServiceOptions): boolean {
  return (
    a.gatewayUrl === b.gatewayUrl &&
    a.apiKey === b.apiKey &&
    a.tenantId === b.tenantId &&
    a.dbName === b.dbName &&
    !!a.fingerprint === !!b.fingerprint &&
    sameIdentity(a.identity, b.identity)
  );
}
