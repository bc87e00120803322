/**
 * React 18: `<AmoiqChat>` of amoiq-chat/react as `#native`, with every kind of value (strings, a
 * boolean, an array), `open` as a boolean, `send()` through a ref, and its events reported in
 * `window.amoiqLog` for scripts/test-frameworks.mjs.
 */
import { StrictMode, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { PreChatField } from 'amoiq-chat';
import { AmoiqChat, type AmoiqChatElement } from 'amoiq-chat/react';

declare global {
  interface Window {
    amoiqLog: string[];
  }
}

const log: string[] = (window.amoiqLog = []);
const gateway = new URLSearchParams(location.search).get('gateway') ?? '';
const fields: PreChatField[] = [{ name: 'email', required: true }];

function App() {
  const chat = useRef<AmoiqChatElement>(null);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button id="open-native" onClick={() => setOpen(true)}>
        Open (boolean)
      </button>
      <button id="send-native" onClick={() => chat.current?.send('hello from react 18')}>
        Send (method)
      </button>
      <AmoiqChat
        id="native"
        ref={chat}
        gatewayUrl={gateway}
        tenantId="demo"
        dbName="example-react18"
        storage="memory"
        theme="dark"
        open={open}
        preChatFields={fields}
        onOpen={() => log.push('native:open')}
        onClose={() => setOpen(false)}
        onMessage={(e) => log.push(`native:message:${e.detail.direction}:${e.detail.message.text}`)}
      />
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
