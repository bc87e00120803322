import { expect } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { Sender } from '../../src/protocol/v1.js';
import { listRoot, offlineChat, restore, serviceOf, setState, until } from '../a11y/helpers.js';
import { deepActiveElement, part } from '../helpers/dom.js';

// The small forms a visitor fills in around a conversation, as they meet them in a real panel:
// the closed bar (rating, transcript download and e-mail) in a 550 px panel and a smaller one,
// the fields' type, the rating once sent, and the comment after "Not helpful".

const ROBIN = { name: 'Robin', greeting: "Hi! I'm Robin, the virtual assistant of Demo Store." };
const robin: Sender = { type: 'ai', id: 'assistant', name: 'Robin' };

/** A closed conversation's bar, with its rating and transcript shadow roots. */
async function closedBar(el: AmoiqChat, height = '550px') {
  el.style.setProperty('--amoiq-chat-height', height);
  await until(() => serviceOf(el).isLeader, 'the tab to lead');
  await setState(el, { conversationStatus: 'closed', assistant: ROBIN });
  const bar = () => el.shadowRoot!.querySelector<HTMLElement>('amoiq-conversation-closed');
  const rating = () => bar()?.shadowRoot?.querySelector('amoiq-assistant-rating')?.shadowRoot;
  const transcript = () => bar()?.shadowRoot?.querySelector('amoiq-assistant-transcript')?.shadowRoot;
  await until(() => !!rating()?.querySelector('input') && !!transcript()?.querySelector('button'), 'the closed bar');
  part(el, '.panel')
    .getAnimations()
    .forEach((a) => a.finish());
  return { bar: bar()!, rating: rating()!, transcript: transcript()! };
}

/** Whether `target` is drawn, whole, within the bar's scrollport (and so within the panel). */
function inView(bar: HTMLElement, target: Element | null): boolean {
  if (!target) return false;
  const b = bar.getBoundingClientRect();
  const r = target.getBoundingClientRect();
  return r.height > 0 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
}

const emailButton = (transcript: ShadowRoot) =>
  [...transcript.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.getAttribute('aria-label') === 'E-mail me the transcript' || b.textContent!.trim() === 'E-mail me the transcript',
  )!;

describe('the closed bar, compact', () => {
  beforeEach(() => setViewport({ width: 1000, height: 800 }));
  afterEach(() => setViewport({ width: 800, height: 600 }));

  it('leaves the conversation most of a 550 px panel: stars first, the comment once a star is chosen, the transcript in one row', async () => {
    const el = await offlineChat({ open: true });
    const { bar, rating, transcript } = await closedBar(el);
    const panel = part(el, '.panel').getBoundingClientRect();
    expect(panel.height).to.be.closeTo(550, 1);
    expect(bar.getBoundingClientRect().height, 'the bar').to.be.at.most(230);
    expect(part(el, 'amoiq-message-list').getBoundingClientRect().height, 'the conversation').to.be.at.least(200);
    // The transcript's actions share one row.
    const tops = [...transcript.querySelectorAll('button')].map((b) => Math.round(b.getBoundingClientRect().top));
    expect(new Set(tops).size, 'one row').to.equal(1);
    // The comment and Send show once a star is chosen, scrolled into view.
    const submit = rating.querySelector<HTMLElement>('[part="submit-button"]')!;
    expect(submit.getBoundingClientRect().height, 'Send hidden before a star').to.equal(0);
    rating.querySelectorAll<HTMLInputElement>('input[type="radio"]')[3].click();
    await until(() => inView(bar, submit), 'Send rating in view');
    expect(inView(bar, rating.querySelector('textarea'))).to.equal(true);
  });

  it('the e-mail form opens on request with focus in its field; it and its outcome are scrolled into view in a small panel', async () => {
    const el = await offlineChat({ open: true });
    let answer: (delivered: boolean) => void = () => {};
    serviceOf(el).emailTranscript = () => new Promise<boolean>((resolve) => (answer = resolve));
    const { bar, transcript } = await closedBar(el, '420px');
    expect(transcript.querySelector('input'), 'no field before it is asked for').to.equal(null);
    emailButton(transcript).click();
    await until(() => deepActiveElement() === transcript.querySelector('input[type="email"]'), 'focus in the e-mail field');
    const send = transcript.querySelector<HTMLElement>('[part="email-button"]')!;
    await until(() => inView(bar, send), 'the form in view');
    transcript.querySelector<HTMLInputElement>('input')!.value = 'ada@example.com';
    send.click();
    answer(false);
    const status = () => [...transcript.querySelectorAll('[role="status"]')].find((s) => s.textContent !== '');
    await until(() => !!status(), 'the outcome');
    expect(status()!.textContent).to.equal('The transcript could not be sent: e-mail is not available here. Download it instead.');
    await until(() => inView(bar, status()!), 'the outcome in view');
    // The bar still fits the panel and its header stays.
    const box = part(el, '.panel').getBoundingClientRect();
    expect(bar.getBoundingClientRect().bottom).to.be.at.most(box.bottom + 1);
    expect(part(el, 'amoiq-chat-header').getBoundingClientRect().top).to.be.closeTo(box.top, 1);
  });

  it('the rating’s outcome is scrolled into view in a small panel', async () => {
    const el = await offlineChat({ open: true });
    serviceOf(el).rate = () => Promise.reject(new Error('503'));
    const { bar, rating, transcript } = await closedBar(el, '420px');
    // The transcript's e-mail form open first: the bar is at its tallest.
    emailButton(transcript).click();
    await until(() => !!transcript.querySelector('input[type="email"]'), 'the e-mail form');
    rating.querySelectorAll<HTMLInputElement>('input[type="radio"]')[4].click();
    await until(() => rating.querySelectorAll('.star.on').length === 5, 'five stars');
    rating.querySelector<HTMLButtonElement>('[part="submit-button"]')!.click();
    const status = () => rating.querySelector('[role="status"]');
    await until(() => status()!.textContent === 'Your rating could not be sent. Try again.', 'the failure');
    await until(() => inView(bar, status()), 'the failure in view');
  });
});

describe('form fields', () => {
  it('the rating comment, the transcript e-mail and the feedback comment: normal weight, 16 px (no zoom on focus in iOS Safari)', async () => {
    const el = await offlineChat({ open: true });
    const { rating, transcript } = await closedBar(el);
    emailButton(transcript).click();
    await until(() => !!transcript.querySelector('input[type="email"]'), 'the e-mail form');
    const fields = [rating.querySelector('textarea')!, transcript.querySelector('input[type="email"]')!];
    // The feedback comment, in the message list.
    restore(el, [{ id: 'm1', seq: 1, sender: robin, text: 'Delivery takes 2–4 days.', streamId: 's1' }]);
    serviceOf(el).feedback = () => Promise.resolve();
    const root = listRoot(el);
    await until(() => !!root.querySelector('[data-key="m1"] [part="not-helpful-button"]'), 'the feedback buttons');
    root.querySelector<HTMLButtonElement>('[data-key="m1"] [part="not-helpful-button"]')!.click();
    await until(() => !!root.querySelector('[data-key="m1"] textarea'), 'the comment box');
    fields.push(root.querySelector('[data-key="m1"] textarea')!);
    for (const field of fields) {
      const style = getComputedStyle(field);
      expect([field.localName, style.fontWeight], 'weight').to.deep.equal([field.localName, '400']);
      expect([field.localName, style.fontSize], 'size').to.deep.equal([field.localName, '16px']);
    }
  });
});

describe('the rating once sent', () => {
  it('a failure keeps the form and says so; once stored the rating shows as given, read-only, and is not sent again', async () => {
    const el = await offlineChat({ open: true });
    const calls: Array<[number, string | undefined]> = [];
    let fail = true;
    serviceOf(el).rate = (score, comment) => {
      calls.push([score, comment]);
      return fail ? Promise.reject(new Error('503')) : Promise.resolve();
    };
    const { rating } = await closedBar(el);
    rating.querySelectorAll<HTMLInputElement>('input[type="radio"]')[3].click();
    await until(() => rating.querySelectorAll('.star.on').length === 4, 'four stars');
    rating.querySelector('textarea')!.value = 'Quick and kind.';
    rating.querySelector<HTMLButtonElement>('[part="submit-button"]')!.focus();
    rating.querySelector<HTMLButtonElement>('[part="submit-button"]')!.click();
    const status = () => rating.querySelector('[role="status"]')!.textContent;
    await until(() => status() === 'Your rating could not be sent. Try again.', 'the failure');
    expect(rating.querySelectorAll<HTMLInputElement>('input[type="radio"]')[3].checked).to.equal(true);
    expect(rating.querySelector('textarea')!.value).to.equal('Quick and kind.');
    fail = false;
    rating.querySelector<HTMLButtonElement>('[part="submit-button"]')!.click();
    await until(() => status() === 'Thanks for your rating.', 'the thanks');
    expect(calls).to.deep.equal([
      [4, 'Quick and kind.'],
      [4, 'Quick and kind.'],
    ]);
    const given = rating.querySelector<HTMLElement>('[part="given"]')!;
    expect(given.querySelector('[aria-hidden="true"]')!.textContent, 'the stars, drawn').to.equal('★★★★☆');
    expect(given.textContent!.replace(/[★☆]/g, '').replace(/\s+/g, ' ').trim()).to.equal(
      'You rated 4 of 5. Your comment: “Quick and kind.”',
    );
    // Read-only: no stars to change, nothing to send again.
    expect(rating.querySelector('form, input, textarea, button')).to.equal(null);
    // Focus moved from the Send button (gone) to the rating as given.
    expect(deepActiveElement()).to.equal(given);
  });
});

describe('the comment after "Not helpful"', () => {
  async function answered() {
    const el = await offlineChat({ open: true });
    const calls: Array<[string, boolean, string | undefined]> = [];
    serviceOf(el).feedback = (id, helpful, comment) => {
      calls.push([id, helpful, comment]);
      return Promise.resolve();
    };
    restore(el, [
      { id: 'm1', seq: 1, sender: robin, text: 'Delivery takes 2–4 days.', streamId: 's1' },
      { id: 'm2', seq: 2, sender: robin, text: 'Returns are free.', streamId: 's2' },
    ]);
    const root = listRoot(el);
    await until(() => !!root.querySelector('[data-key="m2"] [part="not-helpful-button"]'), 'the feedback buttons');
    return { el, root, calls };
  }

  it('thanks once the comment is sent (Enter sends, Shift+Enter adds a line), under the buttons, with focus on it', async () => {
    const { root, calls } = await answered();
    const feedback = root.querySelector<HTMLElement & { updateComplete: Promise<boolean> }>('[data-key="m1"] amoiq-assistant-feedback')!;
    feedback.querySelector<HTMLButtonElement>('[part="not-helpful-button"]')!.click();
    await until(() => calls.length === 1 && !!feedback.querySelector('textarea'), 'the press sent, the comment box');
    await feedback.updateComplete;
    const status = () => feedback.querySelector<HTMLElement>('.feedback-status')!;
    expect(status().textContent, 'no thanks before the comment').to.equal('');
    const box = feedback.querySelector('textarea')!;
    box.focus();
    await sendKeys({ type: 'It did not' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'say how.' });
    expect(box.value).to.equal('It did not\nsay how.');
    expect(calls).to.have.length(1);
    await sendKeys({ press: 'Enter' });
    await until(() => status().textContent === 'Thanks for your feedback.', 'the thanks');
    expect(calls).to.deep.equal([
      ['m1', false, undefined],
      ['m1', false, 'It did not\nsay how.'],
    ]);
    expect(feedback.querySelector('textarea'), 'the comment box gone').to.equal(null);
    // Right under the buttons, and focus there (not on <body>).
    expect(status().previousElementSibling?.getAttribute('part')).to.equal('feedback');
    expect(deepActiveElement()).to.equal(status());
  });

  it('skipping the comment thanks too, and sends nothing more', async () => {
    const { root, calls } = await answered();
    const feedback = root.querySelector<HTMLElement>('[data-key="m2"] amoiq-assistant-feedback')!;
    feedback.querySelector<HTMLButtonElement>('[part="not-helpful-button"]')!.click();
    await until(() => calls.length === 1 && !!feedback.querySelector('textarea'), 'the comment box');
    const skip = [...feedback.querySelectorAll<HTMLButtonElement>('form button')].find((b) => b.textContent!.trim() === 'Skip')!;
    skip.focus();
    skip.click();
    const status = () => feedback.querySelector<HTMLElement>('.feedback-status')!;
    await until(() => status().textContent === 'Thanks for your feedback.', 'the thanks');
    expect(calls).to.deep.equal([['m2', false, undefined]]);
    expect(feedback.querySelector('form')).to.equal(null);
    expect(deepActiveElement()).to.equal(status());
  });
});
