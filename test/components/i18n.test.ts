import { expect, fixture, html } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { en } from '../../src/i18n/en.js';
import { localized, requestedLang, supportedLocale } from '../../src/i18n/localize.js';
import { AmoiqMessageEvent } from '../../src/events/message-event.js';
import { part, until } from '../helpers/dom.js';

const OFFLINE = 'http://127.0.0.1:9';
const db = () => `amoiq-test-${nanoid(8)}`;
const launcherName = (el: AmoiqChat) => part(el, '.launcher').getAttribute('aria-label');
const title = (el: AmoiqChat) => part(el, 'amoiq-chat-header', 'h2').textContent;

async function inLang(lang: string | undefined, attrs = {} as { open?: boolean }): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(
    html`<amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${db()} lang=${lang ?? ''} ?open=${attrs.open}></amoiq-chat>`,
  );
  if (lang === undefined) el.removeAttribute('lang');
  await el.updateComplete;
  return el;
}

function received(el: AmoiqChat, text = 'hi'): void {
  const message = { key: nanoid(), sender: { type: 'agent' as const }, text, createdAt: new Date().toISOString() };
  el.dispatchEvent(new AmoiqMessageEvent({ message, direction: 'received' }));
}

describe('localization', () => {
  afterEach(() => document.documentElement.setAttribute('lang', 'en'));

  it('shows English by default, with no locale file needed', async () => {
    const el = await inLang('en', { open: true });
    expect(launcherName(el)).to.equal('Close chat');
    expect(title(el)).to.equal('Chat with us');
    expect(part(el, '.base').getAttribute('lang')).to.equal('en');
    expect(part(el, '.base').getAttribute('dir')).to.equal('ltr');
  });

  it('loads a locale on demand from the lang attribute and re-renders every subcomponent', async () => {
    const el = await inLang('fr', { open: true });
    await until(() => title(el) === 'Discutons', 'French strings');
    expect(launcherName(el)).to.equal('Fermer le chat');
    expect(part(el, 'amoiq-chat-input', 'textarea').getAttribute('placeholder')).to.equal('Écrivez un message…');
    expect(part(el, 'amoiq-chat-input', '.send').getAttribute('aria-label')).to.equal('Envoyer');
    expect(part(el, 'amoiq-chat-header', '.close').getAttribute('aria-label')).to.equal('Fermer le chat');
  });

  it('switches language at runtime when lang changes', async () => {
    const el = await inLang('en');
    el.setAttribute('lang', 'de');
    await until(() => launcherName(el) === 'Chat öffnen', 'German');
    el.setAttribute('lang', 'ja');
    await until(() => launcherName(el) === 'チャットを開く', 'Japanese');
    el.setAttribute('lang', 'es-MX');
    await until(() => launcherName(el) === 'Abrir el chat', 'Spanish for es-MX');
    expect(part(el, '.base').getAttribute('lang')).to.equal('es-MX');
  });

  it('falls back to the closest ancestor lang, then the document lang', async () => {
    const wrapper = await fixture<HTMLElement>(
      html`<section lang="es"><div><amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${db()}></amoiq-chat></div></section>`,
    );
    const el = wrapper.querySelector('amoiq-chat')!;
    expect(requestedLang(el)).to.equal('es');
    await until(() => launcherName(el) === 'Abrir el chat', 'Spanish from the ancestor');
    wrapper.removeAttribute('lang');
    document.documentElement.setAttribute('lang', 'de-AT');
    await until(() => launcherName(el) === 'Chat öffnen', 'German from the document');
  });

  it('an unsupported language shows English', async () => {
    expect(supportedLocale('pt-BR')).to.equal('en');
    expect(supportedLocale('fr-CA')).to.equal('fr-CA');
    const el = await inLang('pt-BR');
    await el.updateComplete;
    expect(launcherName(el)).to.equal('Open chat');
    expect(part(el, '.base').getAttribute('lang')).to.equal('en');
  });

  it('two widgets on one page keep their own language (nothing page-global)', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div>
      <amoiq-chat id="a" lang="fr" tenant-id="t" gateway-url=${OFFLINE} db-name=${db()} open></amoiq-chat>
      <amoiq-chat id="b" lang="ar" tenant-id="t" gateway-url=${OFFLINE} db-name=${db()} open position="bottom-left"></amoiq-chat>
    </div>`);
    const a = wrapper.querySelector<AmoiqChat>('#a')!;
    const b = wrapper.querySelector<AmoiqChat>('#b')!;
    await until(() => title(a) === 'Discutons' && title(b) === 'تحدث معنا', 'both languages');
    expect(part(a, '.base').dir).to.equal('ltr');
    expect(part(b, '.base').dir).to.equal('rtl');
    expect(part(a, 'amoiq-chat-input', '.send').getAttribute('aria-label')).to.equal('Envoyer');
    expect(part(b, 'amoiq-chat-input', '.send').getAttribute('aria-label')).to.equal('إرسال');
  });

  it('uses Intl plural rules of the instance locale for the unread count', async () => {
    const el = await inLang('en');
    received(el);
    await el.updateComplete;
    expect(launcherName(el)).to.equal('Open chat, 1 unread message');
    received(el);
    received(el);
    await el.updateComplete;
    expect(launcherName(el)).to.equal('Open chat, 3 unread messages');
    el.setAttribute('lang', 'ar');
    const three = new Intl.NumberFormat('ar').format(3);
    await until(() => launcherName(el) === `فتح المحادثة، ${three} رسائل غير مقروءة`, 'the Arabic "few" form');
  });

  it('plural() picks the category and formats the number; time() formats with the locale', () => {
    const de = localized('de', en);
    expect(de.plural({ one: '# item', other: '# items' }, 1234)).to.equal('1.234 items');
    const ar = localized('ar', en);
    expect(ar.plural({ two: 'two', few: 'few #', other: 'other' }, 2)).to.equal('two');
    expect(ar.dir).to.equal('rtl');
    const at = new Date(2026, 0, 2, 14, 5);
    expect(localized('en-US', en).time(at)).to.equal('2:05 PM');
    expect(localized('de', en).time(at)).to.equal('14:05');
    expect(localized('ja', en).time(at)).to.equal('14:05');
  });

  it('mirrors the inside for RTL but keeps the launcher where the site owner put it', async () => {
    const el = await inLang('ar', { open: true });
    await until(() => part(el, '.base').dir === 'rtl', 'rtl');
    const launcher = part(el, '.launcher').getBoundingClientRect();
    const panel = part(el, '.panel').getBoundingClientRect();
    // bottom-right: launcher stays at the right edge of the widget, under the panel's right edge.
    expect(Math.round(launcher.right)).to.equal(Math.round(panel.right));
    const header = part(el, 'amoiq-chat-header', '.base');
    const close = part(el, 'amoiq-chat-header', '.close').getBoundingClientRect();
    const h2 = part(el, 'amoiq-chat-header', 'h2').getBoundingClientRect();
    expect(getComputedStyle(header).direction).to.equal('rtl');
    expect(close.left).to.be.lessThan(h2.left); // the close button moved to the left
  });
});
