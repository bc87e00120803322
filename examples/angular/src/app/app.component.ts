/**
 * `<amoiq-chat>` in a standalone component, compiled ahead of time with strictTemplates: strings
 * (a static attribute and `[tenantId]`/`[gatewayUrl]` property bindings), a boolean (`[open]`), an
 * array (`[preChatFields]`), events (`(amoiq-*)`, `$event` typed by the package's
 * `HTMLElementEventMap` entries) and methods (`show()`, `hide()`, `toggle()` on the template's `#chat`
 * variable, `send()` through a `viewChild` ref in the component's code). Events are reported in `window.amoiqLog` for scripts/test-frameworks.mjs.
 */
import { CUSTOM_ELEMENTS_SCHEMA, Component, ElementRef, signal, viewChild } from '@angular/core';
import type { AmoiqChat, AmoiqCloseEvent, AmoiqMessageEvent, AmoiqOpenEvent, PreChatField } from 'amoiq-chat';

declare global {
  interface Window {
    amoiqLog: string[];
  }
}

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <button id="open-native" (click)="open.set(true)">Open (boolean)</button>
    <button id="send-native" (click)="send('hello from angular')">Send (method)</button>
    <button id="hide-native" (click)="chat.hide()">Hide (method)</button>
    <button id="toggle-native" (click)="chat.toggle()">Toggle (method)</button>
    <button id="show-native" (click)="chat.show()">Show (method)</button>
    <amoiq-chat
      #chat
      id="native"
      [gatewayUrl]="gateway"
      [tenantId]="tenant"
      db-name="example-angular-native"
      storage="memory"
      theme="dark"
      [open]="open()"
      [preChatFields]="fields"
      (amoiq-open)="onOpen($event)"
      (amoiq-close)="onClose($event)"
      (amoiq-message)="onMessage($event)"
    ></amoiq-chat>
  `,
})
export class AppComponent {
  /** The element for the component's code; in the template, `#chat` is the element itself. */
  readonly chatRef = viewChild.required<ElementRef<AmoiqChat>>('chat');
  readonly gateway = new URLSearchParams(location.search).get('gateway') ?? '';
  readonly tenant = 'demo';
  readonly open = signal(false);
  readonly fields: PreChatField[] = [{ name: 'email', required: true }];

  send(text: string): void {
    this.chatRef().nativeElement.send(text);
  }

  onOpen(event: AmoiqOpenEvent): void {
    this.open.set(true);
    window.amoiqLog.push(`native:open${event.bubbles ? '' : ':not-bubbling'}`);
  }

  onClose(event: AmoiqCloseEvent): void {
    this.open.set(false);
    window.amoiqLog.push(`native:close${event.bubbles ? '' : ':not-bubbling'}`);
  }

  onMessage(event: AmoiqMessageEvent): void {
    window.amoiqLog.push(`native:message:${event.detail.direction}:${event.detail.message.text}`);
  }
}
