import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import '../../src/define.js';
import type { AmoiqErrorEvent } from '../../src/events/error-event.js';
import { expectAccessible, until } from '../helpers/dom.js';
import { backendInfo, type BackendInfo } from './backend.js';

// Issue 13, item 3: a refused embed (unknown key, tenant, origin not allowed) is permanent. Against
// the real backend the widget asks once, says "Chat is not available right now", logs one error
// naming the fix and fires amoiq-error with the code; a transient failure (nothing listening)
// keeps retrying with backoff. On the old code the refused widget asked again every second and
// showed "Offline – messages will be sent later".

/** Every fetch the page makes to `base`, counted (the widget binds fetch when it starts). */
function countFetches(base: string): { count: () => number; restore: () => void } {
  const original = window.fetch;
  let n = 0;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(base)) n++;
    return original.call(window, input, init);
  };
  return { count: () => n, restore: () => (window.fetch = original) };
}

const shadowText = (el: AmoiqChat) => {
  const parts = [el.shadowRoot!.textContent ?? ''];
  el.shadowRoot!.querySelectorAll('*').forEach((n) => n.shadowRoot && parts.push(n.shadowRoot.textContent ?? ''));
  return parts.join(' ');
};
const statusText = (el: AmoiqChat) =>
  el.shadowRoot!.querySelector('amoiq-chat-header')?.shadowRoot?.querySelector('[part="status"]')?.textContent?.trim() ?? '';

describe('refused embed: permanent errors stop retrying (real backend)', () => {
  let info: BackendInfo;
  let errors: string[];
  const consoleError = console.error;

  before(async () => {
    info = await backendInfo();
  });

  beforeEach(() => {
    errors = [];
    console.error = (...args: unknown[]) => {
      errors.push(args.map(String).join(' '));
    };
  });

  afterEach(() => {
    console.error = consoleError;
  });

  async function refused(attrs: { tenantId?: string; apiKey?: string; lang?: string }, expectedCode: string) {
    const fetches = countFetches(info.url);
    const transient = countFetches('http://127.0.0.1:9');
    try {
      const codes: string[] = [];
      const wrapper = await fixture<HTMLDivElement>(html`<div @amoiq-error=${(e: AmoiqErrorEvent) => codes.push(e.detail.code)}>
        <amoiq-chat
          gateway-url=${info.url}
          tenant-id=${attrs.tenantId ?? ''}
          api-key=${attrs.apiKey ?? ''}
          lang=${attrs.lang ?? 'en'}
          db-name=${`amoiq-refused-${nanoid(8)}`}
        ></amoiq-chat>
        <amoiq-chat class="control" gateway-url="http://127.0.0.1:9" tenant-id="demo" db-name=${`amoiq-transient-${nanoid(8)}`}></amoiq-chat>
      </div>`);
      const el = wrapper.querySelector<AmoiqChat>('amoiq-chat')!;
      const control = wrapper.querySelector<AmoiqChat>('.control')!;
      await until(() => el.connectionState === 'unavailable', 'the refused widget to be unavailable');
      // Meanwhile a transient failure retries with backoff: three attempts take about a second.
      await until(() => transient.count() >= 3, 'the transient widget to retry', 15_000);
      expect(control.connectionState).to.be.oneOf(['offline', 'connecting']);
      // The refused one asked once (one session request, plus its CORS preflight) and stays quiet.
      expect(fetches.count()).to.equal(1);
      expect(codes).to.deep.equal([expectedCode]);
      expect(errors.filter((e) => e.includes('[amoiq-chat]'))).to.have.length(1);
      expect(errors[0]).to.include(expectedCode).and.include('Fix:');

      // The visitor: a calm sentence, no message box, no promise that cannot be kept.
      el.show();
      await el.updateComplete;
      await until(() => statusText(el).length > 0 && !statusText(el).includes('Connecting'), 'the status line');
      expect(el.shadowRoot!.querySelector('amoiq-chat-input')).to.equal(null);
      expect(shadowText(el)).not.to.match(/sent later|Sending…/);
      // Waking it (the browser went online, the visitor sent something) asks nothing again, while
      // the transient one goes on trying.
      window.dispatchEvent(new Event('online'));
      el.send('can never be sent');
      const later = transient.count() + 2;
      await until(() => transient.count() >= later, 'two more transient attempts', 15_000);
      expect(fetches.count()).to.equal(1);
      expect(el.connectionState).to.equal('unavailable');
      await expectAccessible(el);
      return el;
    } finally {
      fetches.restore();
      transient.restore();
    }
  }

  it('an unknown tenant (keyless): unknown_tenant, one request, "Chat is not available right now"', async () => {
    const el = await refused({ tenantId: `no-such-tenant-${nanoid(6)}` }, 'unknown_tenant');
    expect(statusText(el)).to.equal('Chat is not available right now');
  });

  it('an unknown API key: unknown_api_key', async () => {
    const el = await refused({ apiKey: 'pk_does_not_exist' }, 'unknown_api_key');
    expect(statusText(el)).to.equal('Chat is not available right now');
  });

  it('an origin the tenant does not allow: origin_not_allowed, told in the page language (de)', async () => {
    // Acme allows only its own sites; this page's origin is not one of them.
    const el = await refused({ apiKey: info.other.apiKey, lang: 'de' }, 'origin_not_allowed');
    await until(() => statusText(el) === 'Der Chat ist gerade nicht verfügbar', 'the German text');
  });

  it('a transient failure keeps the backoff and the offline text', async () => {
    const fetches = countFetches('http://127.0.0.1:9');
    try {
      const el = await fixture<AmoiqChat>(
        html`<amoiq-chat gateway-url="http://127.0.0.1:9" tenant-id="demo" db-name=${`amoiq-transient-${nanoid(8)}`}></amoiq-chat>`,
      );
      await until(() => fetches.count() >= 3, 'three attempts', 15_000);
      el.show();
      await until(() => statusText(el).startsWith('Offline'), 'the offline text');
      expect(el.connectionState).not.to.equal('unavailable');
      expect(el.shadowRoot!.querySelector('amoiq-chat-input')).not.to.equal(null);
    } finally {
      fetches.restore();
    }
  });
});
