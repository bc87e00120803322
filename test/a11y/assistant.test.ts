import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { Sender, WireMessage } from '../../src/protocol/v1.js';
import { expectAccessible, part } from '../helpers/dom.js';
import { agentMessages, listRoot, offlineChat, restore, serviceOf, setState, until } from './helpers.js';

// The assistant's states (issue 12): thinking, streaming, an answer with sources and feedback,
// the escalation banner, the rating form — axe on each, and the keyboard paths through them.

const robin: Sender = { type: 'ai', id: 'assistant', name: 'Robin' };
const streamRow = (el: AmoiqChat) => listRoot(el).querySelector<HTMLElement>('amoiq-assistant-stream [data-stream]');

/** Puts a stored message into the timeline as a live arrival (as the final message of a stream arrives). */
function arrive(el: AmoiqChat, m: Partial<WireMessage> & { seq: number }): void {
  const timeline = (serviceOf(el) as unknown as { timeline: { accept(m: WireMessage, live: boolean): void } }).timeline;
  timeline.accept(
    { id: `m${m.seq}`, conversationId: 'c', sender: robin, text: '', createdAt: new Date().toISOString(), ...m } as WireMessage,
    true,
  );
}

async function streaming(el: AmoiqChat): Promise<void> {
  restore(el, agentMessages(1, 2));
  serviceOf(el).streams.start('s1', robin, new Date().toISOString());
  await until(() => !!streamRow(el), 'the streamed answer');
}

describe('a11y: the assistant', () => {
  it('thinking: "Thinking…", Stop and "Talk to a person", axe clean', async () => {
    const el = await offlineChat({ open: true });
    await streaming(el);
    const row = streamRow(el)!;
    expect(row.textContent).to.contain('Thinking…');
    expect(row.getAttribute('aria-busy')).to.equal('true');
    expect(row.querySelector('[part="ai-label"]')!.textContent).to.equal('AI');
    const buttons = [...row.querySelectorAll('button')].map((b) => b.textContent!.trim());
    expect(buttons).to.deep.equal(['Stop', 'Talk to a person']);
    await expectAccessible(el);
  });

  it('streaming: markdown as it arrives, never in a live region; Stop by keyboard', async () => {
    const el = await offlineChat({ open: true });
    await streaming(el);
    const streams = serviceOf(el).streams;
    streams.delta('s1', 0, 'To return an item, **open your');
    streams.delta('s1', 1, ' orders**.\n\n- pick it\n- print the label');
    await until(() => !!streamRow(el)?.querySelector('li'), 'the list item');
    const row = streamRow(el)!;
    expect(row.querySelector('strong')!.textContent).to.equal('open your orders');
    expect([...row.querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal(['pick it', 'print the label']);
    expect(row.closest('[aria-live]')).to.equal(null);
    await expectAccessible(el);
    const stop = row.querySelector<HTMLButtonElement>('[part="stop-button"]')!;
    stop.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => streams.get('s1')?.phase === 'stopping', 'the stop request');
    await until(() => !streamRow(el)?.querySelector('[part="stop-button"]'), 'Stop replaced by "Stopped."');
    expect(streamRow(el)!.textContent).to.contain('Stopped.');
  });

  it('a long answer is followed as it grows while the visitor is at the bottom', async () => {
    const el = await offlineChat({ open: true });
    restore(el, agentMessages(1, 30));
    const scroller = listRoot(el).querySelector<HTMLElement>('.base')!;
    const fromBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    await until(() => !!listRoot(el).querySelector('[data-key="m30"]') && fromBottom() < 2, 'the list at its newest message');
    serviceOf(el).streams.start('s1', robin, new Date().toISOString());
    await until(() => !!streamRow(el), 'the streamed answer');
    const streams = serviceOf(el).streams;
    for (let i = 0; i < 12; i++) streams.delta('s1', i, `Paragraph ${i} of the answer, long enough to wrap onto a second line.\n\n`);
    await until(() => streamRow(el)?.textContent?.includes('Paragraph 11') ?? false, 'the whole answer');
    // Its end in view: the list scrolled along with it (it is taller than the list by now).
    await until(
      () => Math.abs(streamRow(el)!.getBoundingClientRect().bottom - scroller.getBoundingClientRect().bottom) < 60 && fromBottom() < 2,
      'the end of the answer in view',
    );
    expect(streamRow(el)!.getBoundingClientRect().height).to.be.above(scroller.clientHeight);
    // The visitor scrolls up to read: the answer goes on growing below, the list stays where they put it.
    const scrolled = new Promise((resolve) => scroller.addEventListener('scroll', resolve, { once: true }));
    scroller.scrollTop -= 300;
    await scrolled;
    const top = scroller.scrollTop;
    for (let i = 12; i < 16; i++) streams.delta('s1', i, `Paragraph ${i} of the answer, long enough to wrap onto a second line.\n\n`);
    await until(() => streamRow(el)?.textContent?.includes('Paragraph 15') ?? false, 'the rest of the answer');
    await until(() => fromBottom() > 300, 'the answer grown below the view');
    expect(scroller.scrollTop).to.equal(top);
  });

  it('an answer with sources: the final message replaces the stream once, with links and feedback; axe clean', async () => {
    const el = await offlineChat({ open: true });
    await streaming(el);
    serviceOf(el).streams.delta('s1', 0, 'See our returns page.');
    await until(() => streamRow(el)?.textContent?.includes('returns page') ?? false, 'the text');
    await setState(el, { conversationId: 'c' }); // the timeline takes messages of its conversation only
    arrive(el, {
      seq: 3,
      streamId: 's1',
      text: 'See our returns page.',
      sources: [{ title: 'Returns', url: 'https://shop.example/returns' }],
    });
    await until(
      () => !streamRow(el) && !!listRoot(el).querySelector('[data-key="m3"] amoiq-assistant-feedback button'),
      'the final message',
    );
    const root = listRoot(el);
    expect([...root.querySelectorAll('.bubble')].filter((b) => b.textContent!.includes('returns page'))).to.have.length(1);
    const link = root.querySelector<HTMLAnchorElement>('[data-key="m3"] [part="sources"] a')!;
    expect(link.href).to.equal('https://shop.example/returns');
    expect(link.rel).to.equal('noopener noreferrer');
    const feedback = root.querySelector('[data-key="m3"] [part="feedback"]')!;
    expect(feedback.getAttribute('role')).to.equal('group');
    expect(feedback.getAttribute('aria-label')).to.equal('Was this answer helpful?');
    await expectAccessible(el);
    // "Not helpful" opens the optional comment (the send itself fails offline and says so).
    const notHelpful = feedback.querySelector<HTMLButtonElement>('[part="not-helpful-button"]')!;
    notHelpful.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !!root.querySelector('[data-key="m3"] textarea'), 'the comment box');
    expect(notHelpful.getAttribute('aria-pressed')).to.equal('true');
    await until(() => root.querySelector('[data-key="m3"] .feedback-status')!.textContent!.length > 0, 'the outcome');
    await expectAccessible(el);
  });

  it('the escalation banner: the AI notice with "Talk to a person", then queue position and wait, then who joined; axe clean', async () => {
    const el = await offlineChat({ open: true });
    await setState(el, {
      assistant: { name: 'Robin', greeting: '' },
      handoff: { state: 'assistant', agentsOnline: true, withinHours: true },
    });
    const banner = () => part(el, 'amoiq-assistant-banner');
    await until(() => !!el.shadowRoot!.querySelector('amoiq-assistant-banner')?.shadowRoot?.querySelector('button'), 'the banner');
    expect(banner().shadowRoot!.textContent).to.contain('You are chatting with Robin, an AI assistant.');
    await expectAccessible(el);
    const events: string[] = [];
    el.addEventListener('amoiq-escalation', (e) => events.push(e.detail.handoff.state));
    await setState(el, {
      handoff: { state: 'queued', position: 2, estimatedWaitSeconds: 150, agentsOnline: true, withinHours: true, requestedBy: 'visitor' },
    });
    await until(() => banner().shadowRoot!.textContent!.includes('number 2'), 'the queue position');
    // The position is announced; the wait (counting down) is shown beside it, not announced.
    expect(banner().shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal('You are number 2 in the queue.');
    expect(banner().shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal(
      'You are number 2 in the queue. Estimated wait: about 3 minutes.',
    );
    expect(banner().shadowRoot!.querySelector('button')).to.equal(null);
    await expectAccessible(el);
    await setState(el, { handoff: { state: 'assigned', agent: { id: 'a1', name: 'Ada' }, agentsOnline: true, withinHours: true } });
    await until(() => banner().shadowRoot!.textContent!.includes('Ada joined the conversation.'), 'who joined');
  });

  it('the rating form after a close: stars by keyboard, a comment, axe clean', async () => {
    const el = await offlineChat({ open: true });
    await until(() => serviceOf(el).isLeader, 'the tab to lead');
    await setState(el, { conversationStatus: 'closed' });
    const closed = () => part(el, 'amoiq-conversation-closed');
    await until(
      () => !!closed().shadowRoot?.querySelector('amoiq-assistant-rating')?.shadowRoot?.querySelector('input'),
      'the rating form',
    );
    const rating = closed().shadowRoot!.querySelector('amoiq-assistant-rating')!.shadowRoot!;
    expect(rating.querySelector('legend')!.textContent).to.equal('How was this conversation?');
    const radios = [...rating.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios.map((r) => r.getAttribute('aria-label'))).to.deep.equal(['1 of 5', '2 of 5', '3 of 5', '4 of 5', '5 of 5']);
    radios[0].focus();
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowRight' });
    await until(() => radios[3].checked, 'four stars');
    expect(rating.querySelectorAll('.star.on')).to.have.length(4);
    const transcript = closed().shadowRoot!.querySelector('amoiq-assistant-transcript')!.shadowRoot!;
    // One row: "Transcript: Plain text · HTML · E-mail"; the e-mail button named in full (its visible word in its name).
    expect([...transcript.querySelectorAll('button')].map((b) => b.getAttribute('aria-label') ?? b.textContent!.trim())).to.deep.equal([
      'Plain text',
      'HTML',
      'E-mail me the transcript',
    ]);
    expect(transcript.querySelector('[part="email-toggle"]')!.textContent!.trim()).to.equal('E-mail');
    expect(transcript.querySelector('[part="email-toggle"]')!.getAttribute('aria-expanded')).to.equal('false');
    await expectAccessible(el);
    // The comment shown once a star is chosen, the e-mail form open; then the rating as given.
    transcript.querySelector<HTMLButtonElement>('[part="email-toggle"]')!.click();
    await until(() => !!transcript.querySelector('[part="email-input"]'), 'the e-mail form');
    expect(transcript.querySelector('[part="email-toggle"]')!.getAttribute('aria-expanded')).to.equal('true');
    expect(rating.querySelector('textarea')!.checkVisibility()).to.equal(true);
    await expectAccessible(el);
    serviceOf(el).rate = () => Promise.resolve();
    rating.querySelector<HTMLButtonElement>('[part="submit-button"]')!.click();
    await until(() => !!rating.querySelector('[part="given"]'), 'the rating as given');
    await expectAccessible(el);
  });
});
