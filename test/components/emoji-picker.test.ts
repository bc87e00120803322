import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, sendKeys, sendMouse } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { AmoiqChatInput } from '../../src/components/chat-input/chat-input.js';
import type { AmoiqEmojiPicker } from '../../src/components/emoji-picker/emoji-picker.js';
import { EMOJI_GROUPS } from '../../src/components/emoji-picker/emoji-data.js';
import { nativePickerPlatform } from '../../src/components/emoji-picker/native-hint.js';
import { deepActiveElement, expectAccessible, part, until } from '../helpers/dom.js';
import { backend, command } from '../server/helpers.js';

// The emoji button of the message box and the lazily loaded <amoiq-emoji-picker>, in the real
// element (offline: nothing listens on port 9).

const OFFLINE = 'http://127.0.0.1:9';

async function openChat(attrs: { lang?: string; noEmoji?: boolean } = {}): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(html`<amoiq-chat
    tenant-id="t"
    gateway-url=${OFFLINE}
    db-name=${`amoiq-emoji-${nanoid(8)}`}
    lang=${attrs.lang ?? 'en'}
    ?no-emoji=${attrs.noEmoji}
    open
  ></amoiq-chat>`);
  await el.updateComplete;
  await input(el).updateComplete;
  return el;
}

const input = (el: AmoiqChat) => part<AmoiqChatInput>(el, 'amoiq-chat-input');
const inner = <T extends Element>(el: AmoiqChat, selector: string) => input(el).shadowRoot!.querySelector<T & Element>(selector);
const textarea = (el: AmoiqChat) => inner<HTMLTextAreaElement>(el, 'textarea')!;
const emojiButton = (el: AmoiqChat) => inner<HTMLButtonElement>(el, '[part="emoji-button"]')!;
const picker = (el: AmoiqChat) => inner<AmoiqEmojiPicker>(el, 'amoiq-emoji-picker');
const sendButton = (el: AmoiqChat) => inner<HTMLButtonElement>(el, '[part="send-button"]')!;
const focused = () => deepActiveElement();
/** Presses a key with a modifier held (puppeteer's press takes one key). */
async function chord(modifier: string, key: string): Promise<void> {
  await sendKeys({ down: modifier });
  await sendKeys({ press: key });
  await sendKeys({ up: modifier });
}
const pickerLoaded = () => performance.getEntriesByType('resource').some((e) => e.name.includes('/emoji-picker/lazy'));

/** Opens the picker with the emoji button and waits until it has focus. */
async function openPicker(el: AmoiqChat): Promise<AmoiqEmojiPicker> {
  emojiButton(el).click();
  await until(() => !!picker(el)?.shadowRoot?.querySelector('[part="emoji"]'), 'the picker');
  await until(() => focused()?.getAttribute('part') === 'emoji', 'focus in the picker');
  return picker(el)!;
}

describe('emoji picker', () => {
  afterEach(async () => {
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('is loaded only on the first press of the emoji button, then opens with focus on the first emoji', async () => {
    const el = await openChat();
    const button = emojiButton(el);
    expect(button.getAttribute('aria-label')).to.equal('Insert emoji');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    const box = button.getBoundingClientRect();
    expect(Math.min(box.width, box.height)).to.be.at.least(24);
    // Rendering the whole widget did not load the picker.
    expect(customElements.get('amoiq-emoji-picker')).to.equal(undefined);
    expect(pickerLoaded()).to.equal(false);

    await openPicker(el);
    expect(customElements.get('amoiq-emoji-picker')).to.be.a('function');
    expect(pickerLoaded()).to.equal(true);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(focused()!.textContent).to.equal(EMOJI_GROUPS[0].emoji[0]);
    // Above the input bar, inside the panel.
    const popup = picker(el)!.getBoundingClientRect();
    const bar = input(el).getBoundingClientRect();
    const panel = part(el, '.panel').getBoundingClientRect();
    expect(popup.bottom).to.be.at.most(bar.top + 1);
    expect(popup.top).to.be.at.least(panel.top);
    expect(popup.left).to.be.at.least(panel.left);
    expect(popup.right).to.be.at.most(panel.right + 0.5);
  });

  it('names each emoji button by the emoji itself and each tab by its localized group', async () => {
    const el = await openChat({ lang: 'fr' });
    await until(() => emojiButton(el).getAttribute('aria-label') === 'Insérer un emoji', 'French strings');
    const p = await openPicker(el);
    const buttons = [...p.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="emoji"]')];
    expect(buttons.map((b) => b.textContent)).to.deep.equal([...EMOJI_GROUPS[0].emoji]);
    expect(buttons.every((b) => !b.hasAttribute('aria-label'))).to.equal(true);
    const tabs = [...p.shadowRoot!.querySelectorAll('[role="tab"]')].map((t) => t.getAttribute('aria-label'));
    expect(tabs).to.deep.equal([
      'Smileys',
      'Personnes et gestes',
      'Animaux et nature',
      'Nourriture et boissons',
      'Activités',
      'Voyages et lieux',
      'Objets',
      'Symboles',
    ]);
    expect(p.shadowRoot!.querySelector('[role="dialog"]')!.getAttribute('aria-label')).to.equal('Emoji');
    expect(p.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('Smileys');
  });

  it('moves with the arrow keys, Home and End (one roving tab stop), and between groups in the tabs', async () => {
    const el = await openChat();
    const p = await openPicker(el);
    const emoji = EMOJI_GROUPS[0].emoji;
    const at = () => focused()!.textContent;
    const tabStops = () => [...p.shadowRoot!.querySelectorAll('[part="emoji"]')].filter((b) => b.getAttribute('tabindex') === '0');

    await sendKeys({ press: 'ArrowRight' });
    expect(at()).to.equal(emoji[1]);
    await sendKeys({ press: 'ArrowDown' });
    expect(at()).to.equal(emoji[9]);
    expect(tabStops().map((b) => b.textContent)).to.deep.equal([emoji[9]]);
    await sendKeys({ press: 'End' });
    expect(at()).to.equal(emoji[15]);
    await sendKeys({ press: 'Home' });
    expect(at()).to.equal(emoji[8]);
    await sendKeys({ press: 'ArrowUp' });
    expect(at()).to.equal(emoji[0]);
    await sendKeys({ press: 'ArrowUp' }); // off the grid: stays
    await sendKeys({ press: 'ArrowLeft' });
    expect(at()).to.equal(emoji[0]);
    await chord('Control', 'End');
    expect(at()).to.equal(emoji[emoji.length - 1]);
    await chord('Control', 'Home');
    expect(at()).to.equal(emoji[0]);

    // Shift+Tab reaches the selected tab; the arrows change the group.
    await chord('Shift', 'Tab');
    expect(focused()!.getAttribute('role')).to.equal('tab');
    expect(focused()!.getAttribute('aria-label')).to.equal('Smileys');
    await sendKeys({ press: 'ArrowRight' });
    expect(focused()!.getAttribute('aria-label')).to.equal('People and gestures');
    expect(focused()!.getAttribute('aria-selected')).to.equal('true');
    expect(p.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('People and gestures');
    await sendKeys({ press: 'End' });
    expect(focused()!.getAttribute('aria-label')).to.equal('Symbols');
    await sendKeys({ press: 'ArrowRight' }); // wraps around
    expect(focused()!.getAttribute('aria-label')).to.equal('Smileys');
    await sendKeys({ press: 'ArrowLeft' });
    expect(focused()!.getAttribute('aria-label')).to.equal('Symbols');
    await sendKeys({ press: 'Tab' });
    expect(at()).to.equal(EMOJI_GROUPS[EMOJI_GROUPS.length - 1].emoji[0]);
  });

  it('mirrors left and right in right-to-left', async () => {
    const el = await openChat({ lang: 'ar' });
    await until(() => emojiButton(el).getAttribute('aria-label') === 'إدراج رمز تعبيري', 'Arabic strings');
    await openPicker(el);
    const emoji = EMOJI_GROUPS[0].emoji;
    await sendKeys({ press: 'ArrowLeft' });
    expect(focused()!.textContent).to.equal(emoji[1]);
    await sendKeys({ press: 'ArrowRight' });
    expect(focused()!.textContent).to.equal(emoji[0]);
    // The first emoji sits on the right.
    const [first, second] = picker(el)!.shadowRoot!.querySelectorAll('[part="emoji"]');
    expect(first.getBoundingClientRect().left).to.be.greaterThan(second.getBoundingClientRect().left);
  });

  it('Enter inserts at the caret (replacing the selection); the box updates, the picker closes and focus returns to the text', async () => {
    const el = await openChat();
    const box = textarea(el);
    box.focus();
    await sendKeys({ type: 'Hello world' });
    box.setSelectionRange(5, 5);
    const typing = oneEvent(input(el), 'amoiq-typing');
    await openPicker(el);
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Enter' });
    const inserted = EMOJI_GROUPS[0].emoji[1];
    await until(() => !picker(el), 'the picker to close');
    expect(box.value).to.equal(`Hello${inserted} world`);
    expect(focused()).to.equal(box);
    expect(box.selectionStart).to.equal(5 + inserted.length);

    // Space, with a selection: the selection is replaced.
    box.setSelectionRange(5 + inserted.length + 1, box.value.length);
    await openPicker(el);
    await sendKeys({ press: 'Space' });
    await until(() => !picker(el), 'the picker to close');
    expect(box.value).to.equal(`Hello${inserted} ${EMOJI_GROUPS[0].emoji[0]}`);
    expect(emojiButton(el).getAttribute('aria-expanded')).to.equal('false');
    await typing;
  });

  it('an emoji alone enables Send and is sent as the message', async () => {
    const el = await openChat();
    expect(sendButton(el).disabled).to.equal(true);
    const p = await openPicker(el);
    p.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="emoji"]')[2].click();
    await until(() => !sendButton(el).disabled, 'Send to be enabled');
    sendButton(el).click();
    await until(() => el.messages.length === 1, 'the message to be queued');
    expect(el.messages[0].text).to.equal(EMOJI_GROUPS[0].emoji[2]);
  });

  it('updates the counter near the limit; an emoji past it is kept and the box says the text is too long', async () => {
    const el = await openChat();
    const chatInput = input(el);
    chatInput.maxLength = 20;
    await chatInput.updateComplete;
    const box = textarea(el);
    box.focus();
    await sendKeys({ type: 'abcdefghijklmnopq' }); // 17 of 20: no counter yet
    expect(inner(el, '[part="counter"]')).to.equal(null);
    let p = await openPicker(el);
    p.shadowRoot!.querySelector<HTMLButtonElement>('[part="emoji"]')!.click(); // two UTF-16 units
    await until(() => !!inner(el, '[part="counter"]'), 'the counter');
    expect(box.value).to.have.length(19); // 18 characters: the emoji is one code point, two UTF-16 units
    expect(inner(el, '[part="counter"]')!.textContent).to.contain('2');
    await sendKeys({ type: 'rs' });
    p = await openPicker(el);
    p.shadowRoot!.querySelector<HTMLButtonElement>('[part="emoji"]')!.click();
    await until(() => !picker(el), 'the picker to close');
    expect(box.value).to.have.length(23); // never dropped (issue 15, bug 2)
    await until(() => !!inner(el, '[part="too-long"]'), 'the too-long message');
    expect(inner(el, '[part="counter"]')!.textContent).to.contain('1 character too many');
    expect(sendButton(el).disabled).to.equal(true);
  });

  it('Escape closes the picker only (not the panel) and returns focus to the emoji button', async () => {
    const el = await openChat();
    await openPicker(el);
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Escape' });
    await until(() => !picker(el), 'the picker to close');
    expect(el.open).to.equal(true);
    expect(focused()).to.equal(emojiButton(el));
    // A second press opens it again (already loaded), and the button toggles it shut.
    await openPicker(el);
    emojiButton(el).click();
    await until(() => !picker(el), 'the picker to close');
    expect(focused()).to.equal(emojiButton(el));
  });

  it('closes on a click outside it, and stays open on a click inside it', async () => {
    const el = await openChat();
    const p = await openPicker(el);
    const tab = p.shadowRoot!.querySelectorAll('[role="tab"]')[2].getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(tab.x + tab.width / 2), Math.round(tab.y + tab.height / 2)] });
    await p.updateComplete;
    expect(picker(el)).to.equal(p);
    expect(p.shadowRoot!.querySelector('[part="heading"]')!.textContent).to.equal('Animals and nature');
    const header = part(el, 'amoiq-chat-header').getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(header.x + 20), Math.round(header.y + header.height / 2)] });
    await until(() => !picker(el), 'the picker to close');
    expect(el.open).to.equal(true);
  });

  it('no-emoji hides the button', async () => {
    const el = await openChat({ noEmoji: true });
    expect(inner(el, '[part="emoji-button"]')).to.equal(null);
    el.noEmoji = false;
    await el.updateComplete;
    await input(el).updateComplete;
    expect(inner(el, '[part="emoji-button"]')).not.to.equal(null);
  });

  it('shows the shortcut of the system’s own picker on Windows and macOS, localized', async () => {
    expect(nativePickerPlatform({ platform: 'Win32', userAgent: '' })).to.equal('windows');
    expect(nativePickerPlatform({ platform: '', userAgent: '', userAgentData: { platform: 'macOS' } })).to.equal('mac');
    expect(nativePickerPlatform({ platform: 'MacIntel', userAgent: '' })).to.equal('mac');
    expect(nativePickerPlatform({ platform: 'Linux x86_64', userAgent: '' })).to.equal(undefined);
    expect(nativePickerPlatform({ platform: 'iPhone', userAgent: '' })).to.equal(undefined);

    const el = await openChat({ lang: 'de' });
    await until(() => emojiButton(el).getAttribute('aria-label') === 'Emoji einfügen', 'German strings');
    const p = await openPicker(el);
    const platform = nativePickerPlatform();
    const hint = p.shadowRoot!.querySelector('[part="hint"]');
    if (platform === 'windows') expect(hint!.textContent).to.contain('Win + .');
    else if (platform === 'mac') expect(hint!.textContent).to.contain('Ctrl + Cmd + Leertaste');
    else expect(hint).to.equal(null);
    p.hint = 'Mehr Emoji: Win + . öffnet das Emoji-Feld des Systems.';
    await p.updateComplete;
    expect(p.shadowRoot!.querySelector('[part="hint"]')!.textContent).to.equal(p.hint);
    await expectAccessible(p);
  });

  it('animates its opening, except with prefers-reduced-motion', async () => {
    const el = await openChat();
    let p = await openPicker(el);
    expect(p.shadowRoot!.querySelector('.base')!.getAnimations()).to.have.length.greaterThan(0);
    await sendKeys({ press: 'Escape' });
    await until(() => !picker(el), 'the picker to close');
    await emulateMedia({ reducedMotion: 'reduce' });
    p = await openPicker(el);
    expect(p.shadowRoot!.querySelector('.base')!.getAnimations()).to.have.length(0);
  });

  it('keeps a visible selected tab and edges in forced-colors mode', async () => {
    await executeServerCommand('a11y-forced-colors', { active: true });
    try {
      const el = await openChat();
      const p = await openPicker(el);
      const selected = getComputedStyle(p.shadowRoot!.querySelector('[aria-selected="true"]')!);
      const other = getComputedStyle(p.shadowRoot!.querySelector('[aria-selected="false"]')!);
      expect(selected.borderBottomWidth).to.equal('3px');
      expect(other.borderBottomWidth).to.equal('1px');
      expect(getComputedStyle(p.shadowRoot!.querySelector('.base')!).borderTopStyle).to.equal('solid');
    } finally {
      await executeServerCommand('a11y-forced-colors', { active: false });
    }
  });

  it('in the drop-in script: not in the start-up chunks, fetched as chunks/emoji-picker-<hash>.js on the first press', async function () {
    this.timeout(120_000);
    await command('backend-build-widget'); // the real bundle, as sites load it
    const { url, tenantId, apiKey } = await backend();
    const all = EMOJI_GROUPS.flatMap((g) => g.emoji);
    const loader = await (await fetch(`${url}/amoiq-chat.js`)).text();
    const mainName = /chunks\/amoiq-chat\.main-[\w-]+\.js/.exec(loader)?.[0];
    expect(mainName, 'the loader names its main chunk').to.be.a('string');
    const main = await (await fetch(`${url}/${mainName}`)).text();
    expect(all.filter((e) => main.includes(e) || loader.includes(e))).to.have.length.below(5);

    // A page of another origin that embeds the drop-in script (srcdoc: readable from here).
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width: 600px; height: 700px';
    const config = JSON.stringify({ tenantId, apiKey, gatewayUrl: url });
    frame.srcdoc = `<!doctype html><html lang="en"><body><script>window.ChatWidgetConfig = ${config};</script><script src="${url}/amoiq-chat.js"></script></body></html>`;
    document.body.append(frame);
    try {
      const win = () => frame.contentWindow as (Window & typeof globalThis) | null;
      await until(() => !!win()?.AmoiqChat, 'the drop-in to mount', 20_000);
      const emojiChunk = () =>
        win()!
          .performance.getEntriesByType('resource')
          .map((e) => e.name)
          .find((name) => name.startsWith(`${url}/chunks/emoji-picker-`));
      const chunkRequested = () => emojiChunk() !== undefined;
      const el = win()!.AmoiqChat!.element;
      const panelRequested = () =>
        win()!
          .performance.getEntriesByType('resource')
          .some((e) => e.name.startsWith(`${url}/chunks/panel-`));
      expect(panelRequested(), 'the panel chunk before any interest').to.equal(false);
      el.show();
      await el.updateComplete;
      // The chat runtime and the panel's parts are chunks of their own, loaded when the panel opens.
      await until(() => !!el.shadowRoot!.querySelector('amoiq-chat-input')?.shadowRoot, 'the runtime and panel chunks to load', 15_000);
      const inputEl = el.shadowRoot!.querySelector('amoiq-chat-input')!;
      await inputEl.updateComplete;
      expect(win()!.customElements.get('amoiq-emoji-picker')).to.equal(undefined);
      expect(chunkRequested()).to.equal(false);
      inputEl.shadowRoot!.querySelector<HTMLButtonElement>('[part="emoji-button"]')!.click();
      await until(
        () => !!inputEl.shadowRoot!.querySelector('amoiq-emoji-picker')?.shadowRoot?.querySelector('[part="emoji"]'),
        'the picker in the drop-in',
        15_000,
      );
      expect(chunkRequested()).to.equal(true);
      const chunkText = await (await fetch(emojiChunk()!)).text();
      expect(all.filter((e) => chunkText.includes(e))).to.have.length(all.length);
      expect(chunkText).not.to.contain('class LitElement'); // shares the main chunk's lit
      const pickerEl = inputEl.shadowRoot!.querySelector('amoiq-emoji-picker')!;
      pickerEl.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="emoji"]')[4].click();
      await until(() => inputEl.shadowRoot!.querySelector('textarea')!.value === EMOJI_GROUPS[0].emoji[4], 'the emoji in the text box');
      expect(inputEl.shadowRoot!.querySelector<HTMLButtonElement>('[part="send-button"]')!.disabled).to.equal(false);
    } finally {
      frame.remove();
    }
  });
});
