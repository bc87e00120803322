'use client';
/**
 * `#native`: <AmoiqChat> in a client component ('use client'; rendered on the server too, then
 * hydrated), with every kind of value, `open` as a boolean,
 * `send()` through a ref and its events reported in `window.amoiqLog` for scripts/test-frameworks.mjs.
 */
import { useEffect, useRef, useState } from 'react';
import type { PreChatField } from 'amoiq-chat';
import { AmoiqChat, type AmoiqChatElement } from 'amoiq-chat/react';

declare global {
  interface Window {
    amoiqLog: string[];
  }
}

const fields: PreChatField[] = [{ name: 'email', required: true }];
const log = (entry: string) => (window.amoiqLog ??= []).push(entry);

export function SupportChat() {
  const chat = useRef<AmoiqChatElement>(null);
  const [open, setOpen] = useState(false);
  const [gateway, setGateway] = useState('');
  // The page's URL names the backend (known in the browser only); the server renders the element
  // without it, and nothing connects before the visitor's interest.
  useEffect(() => setGateway(new URLSearchParams(location.search).get('gateway') ?? ''), []);
  return (
    <>
      <button id="open-native" onClick={() => setOpen(true)}>
        Open (boolean)
      </button>
      <button id="send-native" onClick={() => chat.current?.send('hello from next.js')}>
        Send (method)
      </button>
      <AmoiqChat
        id="native"
        ref={chat}
        gatewayUrl={gateway}
        tenantId="demo"
        dbName="example-next"
        storage="memory"
        theme="dark"
        open={open}
        preChatFields={fields}
        onOpen={() => log('native:open')}
        onClose={() => setOpen(false)}
        onMessage={(e) => log(`native:message:${e.detail.direction}:${e.detail.message.text}`)}
      />
    </>
  );
}
