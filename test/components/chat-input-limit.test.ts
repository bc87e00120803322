import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { AmoiqChatInput } from '../../src/components/chat-input/chat-input.js';
import { MAX_MESSAGE_LENGTH } from '../../src/protocol/v1.js';
import { expectAccessible } from '../helpers/dom.js';

// Issue 15, bug 2: text over the length limit is never cut; the box says it is too long and Send
// waits until it is short enough.

const ta = (el: AmoiqChatInput) => el.shadowRoot!.querySelector('textarea')!;
const send = (el: AmoiqChatInput) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part="send-button"]')!;
const counter = (el: AmoiqChatInput) => el.shadowRoot!.querySelector<HTMLElement>('[part="counter"]');
const tooLong = (el: AmoiqChatInput) => el.shadowRoot!.querySelector<HTMLElement>('[part="too-long"]');
const live = (el: AmoiqChatInput) => el.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent!.trim();

/** Pastes text at the caret as the browser does for Ctrl+V (an editing command the box may limit). */
function paste(el: AmoiqChatInput, text: string): void {
  ta(el).focus();
  document.execCommand('insertText', false, text);
}

describe('amoiq-chat-input over the length limit (issue 15, bug 2)', () => {
  it('keeps a pasted text over 4,000 characters whole, says it is too long, and refuses Send until it is shortened', async () => {
    const el = await fixture<AmoiqChatInput>(html`<amoiq-chat-input></amoiq-chat-input>`);
    let sent = 0;
    el.addEventListener('amoiq-input-submit', () => sent++);
    const text = 'a'.repeat(MAX_MESSAGE_LENGTH + 12);
    paste(el, text);
    await el.updateComplete;

    // Nothing dropped (lengths compared: a failure must not print 4,000 characters).
    expect(ta(el).value.length).to.equal(text.length);
    expect(ta(el).hasAttribute('maxlength')).to.equal(false);
    // Said, visibly (in the error colour) and to assistive technology.
    expect(counter(el)!.textContent!.trim()).to.equal('12 characters too many');
    expect(counter(el)!.classList.contains('limit')).to.equal(true);
    expect(getComputedStyle(counter(el)!).color).to.equal(getComputedStyle(tooLong(el)!).color);
    expect(tooLong(el)!.textContent!.trim()).to.equal('This message is too long to send. Shorten it to send it.');
    expect(ta(el).getAttribute('aria-invalid')).to.equal('true');
    expect(ta(el).getAttribute('aria-describedby')).to.equal('counter too-long');
    expect(live(el)).to.equal('This message is too long to send. Shorten it to send it.');
    // Send refuses: the button is disabled and Enter sends nothing.
    expect(send(el).disabled).to.equal(true);
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(sent).to.equal(0);
    expect(ta(el).value.length).to.equal(text.length);
    await expectAccessible(el);

    // Shortened to the limit: the message goes, Send works and sends every character kept.
    ta(el).setSelectionRange(text.length - 12, text.length);
    await sendKeys({ press: 'Backspace' });
    await el.updateComplete;
    expect(tooLong(el)).to.equal(null);
    expect(ta(el).hasAttribute('aria-invalid')).to.equal(false);
    expect(counter(el)!.textContent!.trim()).to.equal('0 characters left');
    expect(send(el).disabled).to.equal(false);
    const submitted = oneEvent(el, 'amoiq-input-submit');
    await sendKeys({ press: 'Enter' });
    expect((await submitted).detail.text).to.have.length(MAX_MESSAGE_LENGTH);
  });

  it('counts characters as the server does (code points): 4,000 emoji fit, 4,001 do not', async () => {
    const el = await fixture<AmoiqChatInput>(html`<amoiq-chat-input></amoiq-chat-input>`);
    paste(el, '🙂'.repeat(MAX_MESSAGE_LENGTH));
    await el.updateComplete;
    expect(ta(el).value.length).to.equal(MAX_MESSAGE_LENGTH * 2); // UTF-16 units: kept whole
    expect(counter(el)!.textContent!.trim()).to.equal('0 characters left');
    expect(send(el).disabled).to.equal(false);
    paste(el, '🙂');
    await el.updateComplete;
    expect(counter(el)!.textContent!.trim()).to.equal('1 character too many');
    expect(send(el).disabled).to.equal(true);
  });
});
