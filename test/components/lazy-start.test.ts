import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
// The lazy entry (what the drop-in and `amoiq-chat/lazy` run): <amoiq-chat> alone at start.
import '../../src/lazy.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { until } from '../helpers/dom.js';

const OFFLINE = 'http://127.0.0.1:9';
/** Whether the page has fetched a module whose path contains `name` (dev server: one file per module). */
const fetched = (name: string) => performance.getEntriesByType('resource').some((e) => e.name.includes(name));

function create(attrs: Record<string, string> = {}): AmoiqChat {
  const el = document.createElement('amoiq-chat');
  const all = { 'tenant-id': 't', 'gateway-url': OFFLINE, 'db-name': `amoiq-test-${nanoid(8)}`, ...attrs };
  for (const [k, v] of Object.entries(all)) el.setAttribute(k, v);
  document.body.append(el);
  return el;
}

describe('lazy start (amoiq-chat/lazy, the drop-in)', () => {
  afterEach(() => document.querySelectorAll('amoiq-chat').forEach((el) => el.remove()));

  it('registers the element with its launcher and loads no service, runtime or panel module before interest', async () => {
    const el = create();
    await el.updateComplete;
    const launcher = el.shadowRoot!.querySelector<HTMLButtonElement>('.launcher')!;
    expect(launcher.getAttribute('aria-label')).to.equal('Open chat');
    // An eager start would have imported the runtime by now: its import starts in the first update.
    for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
    for (const name of ['chat-runtime', 'chat-service', 'chat-controller', '/panel.', 'i18n/en.']) {
      expect(fetched(name), `${name} fetched before interest`).to.equal(false);
    }
    expect(el.connectionState).to.equal('idle');
    expect(el.messages).to.deep.equal([]);
  });

  it('renders the launcher in a task after the one that created it, and reads the page brand colour in a later one', async () => {
    const el = document.createElement('amoiq-chat') as AmoiqChat;
    el.style.setProperty('--amoiq-chat-brand-color', '#ffee00');
    el.setAttribute('db-name', `amoiq-test-${nanoid(8)}`);
    document.body.append(el);
    // Not in this task (microtasks included): a long task at start is what this avoids (bench/README.md, "Start").
    await Promise.resolve();
    await Promise.resolve();
    expect(el.hasUpdated, 'rendered in the task that created the element').to.equal(false);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.launcher')).to.not.equal(null);
    // The page's colour, read after the first render without any update asked for, gets its tones.
    const base = el.shadowRoot!.querySelector<HTMLElement>('.base')!;
    await until(() => base.style.getPropertyValue('--amoiq-chat-accent-color') !== '', 'the tones of the page brand colour');
  });

  it('the launcher speaks the page language before the rest has loaded', async () => {
    const el = create({ lang: 'fr' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.launcher')!.getAttribute('aria-label')).to.equal('Ouvrir le chat');
  });

  it('pointer over the launcher fetches the runtime and the panel', async () => {
    const el = create();
    await el.updateComplete;
    el.shadowRoot!.querySelector('.launcher')!.dispatchEvent(new PointerEvent('pointerenter'));
    await until(() => fetched('chat-runtime') && !!customElements.get('amoiq-chat-input'), 'the runtime and the panel to load');
    await until(() => el.connectionState !== 'idle', 'the service to start');
  });

  it('properties set and methods called before the rest loads apply once it has', async () => {
    const el = create({ 'pre-chat-fields': 'name,email*' });
    el.headerText = 'Support';
    const opened = new Promise((r) => el.addEventListener('amoiq-open', r, { once: true }));
    el.show();
    await opened; // fires at once, as with the eager entry
    const header = () => el.shadowRoot!.querySelector('amoiq-chat-header')?.shadowRoot?.querySelector('h2');
    await until(() => header()?.textContent === 'Support', 'the panel with the header text set before loading');
    expect(el.preChatFields.map((f) => f.name)).to.deep.equal(['name', 'email']);
    expect(el.preChatFields[1].required).to.equal(true);
    await until(() => !!el.shadowRoot!.querySelector('amoiq-pre-chat-form'), 'the pre-chat form from the attribute set before loading');
  });
});
