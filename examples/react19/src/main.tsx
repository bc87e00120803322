/**
 * Two widgets: `#native` is `<amoiq-chat>` in JSX (React 19 sets properties and listens to
 * `onamoiq-*`), `#wrapped` is `<AmoiqChat>` of amoiq-chat/react. Both get every kind of value
 * (strings, a boolean, an array), open with the `open` boolean or `show()` through a ref, and
 * report their events in `window.amoiqLog` for scripts/test-frameworks.mjs.
 */
import 'amoiq-chat/define';
import { StrictMode, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { AmoiqChat as AmoiqChatElement, PreChatField } from 'amoiq-chat';
import { AmoiqChat } from 'amoiq-chat/react';

declare global {
  interface Window {
    amoiqLog: string[];
  }
}

const log: string[] = (window.amoiqLog = []);
const gateway = new URLSearchParams(location.search).get('gateway') ?? '';
const fields: PreChatField[] = [{ name: 'email', required: true }];

function App() {
  const native = useRef<AmoiqChatElement>(null);
  const wrapped = useRef<AmoiqChatElement>(null);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button id="open-native" onClick={() => setOpen(true)}>
        Open (boolean)
      </button>
      <button id="send-native" onClick={() => native.current?.send('hello from react 19')}>
        Send (method)
      </button>
      <button id="show-wrapped" onClick={() => wrapped.current?.show()}>
        Show (method)
      </button>
      <amoiq-chat
        id="native"
        ref={native}
        gateway-url={gateway}
        tenant-id="demo"
        db-name="example-react19-native"
        storage="memory"
        theme="dark"
        open={open}
        preChatFields={fields}
        onamoiq-open={() => log.push('native:open')}
        onamoiq-close={() => setOpen(false)}
        onamoiq-message={(e) => log.push(`native:message:${e.detail.direction}:${e.detail.message.text}`)}
      />
      <AmoiqChat
        id="wrapped"
        ref={wrapped}
        gatewayUrl={gateway}
        tenantId="demo"
        dbName="example-react19-wrapped"
        storage="memory"
        position="bottom-left"
        noEmoji
        preChatFields={fields}
        onOpen={() => log.push('wrapped:open')}
        onMessage={(e) => log.push(`wrapped:message:${e.detail.direction}:${e.detail.message.text}`)}
      />
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
