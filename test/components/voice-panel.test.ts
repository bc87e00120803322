import { expect, oneEvent } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import { defineVoice } from '../../src/components/voice-panel/lazy.js';
import type { AmoiqPhoneForm } from '../../src/components/voice-panel/phone-form.js';
import { checkPhone, defaultCountry, loadPhoneLib } from '../../src/components/voice-panel/phone-number.js';
import type { AmoiqVoicePanel } from '../../src/components/voice-panel/voice-panel.js';
import ar from '../../src/i18n/ar.js';
import { en } from '../../src/i18n/en.js';
import fr from '../../src/i18n/fr.js';
import { formatDuration, type VoiceCallView } from '../../src/services/voice/view.js';
import { deepActiveElement } from '../helpers/dom.js';
import { until } from '../helpers/until.js';
import { themedHost } from '../helpers/voice-fakes.js';

defineVoice();

const hosts: HTMLElement[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.remove()));

async function panel(props: Partial<AmoiqVoicePanel> = {}, host: Parameters<typeof themedHost>[0] = {}): Promise<AmoiqVoicePanel> {
  const parent = themedHost(host);
  hosts.push(parent);
  const el = document.createElement('amoiq-voice-panel');
  Object.assign(el, props);
  parent.append(el);
  await el.updateComplete;
  return el;
}

const $ = <T extends Element = HTMLElement>(root: Element, selector: string) => root.shadowRoot!.querySelector<T>(selector);
const form = (el: AmoiqVoicePanel) => $<AmoiqPhoneForm>(el, 'amoiq-phone-form')!;
const live = (el: AmoiqVoicePanel) => $(el, '[aria-live]')!.textContent!.trim();
const stateLine = (el: AmoiqVoicePanel) => $(el, '[part="call-state"]')?.textContent?.trim();
const liveRegions = () => executeServerCommand<Array<{ role: string; live: string; text: string }>, void>('a11y-live-regions');

async function openForm(el: AmoiqVoicePanel): Promise<AmoiqPhoneForm> {
  $(el, '.request-callback')!.click();
  await el.updateComplete;
  const f = form(el);
  await f.ready();
  return f;
}

/** Types into the number field with the keyboard and ticks consent as a visitor would. */
async function fill(f: AmoiqPhoneForm, number: string, consent = true): Promise<void> {
  const input = $<HTMLInputElement>(f, '#phone')!;
  input.focus();
  input.select();
  await sendKeys({ press: 'Backspace' });
  if (number) await sendKeys({ type: number });
  const box = $<HTMLInputElement>(f, '#consent')!;
  if (box.checked !== consent) {
    box.focus();
    await sendKeys({ press: 'Space' });
  }
}

async function submit(f: AmoiqPhoneForm): Promise<void> {
  $<HTMLButtonElement>(f, '[part="submit-button"]')!.focus();
  await sendKeys({ press: 'Enter' });
  await f.updateComplete;
}

const callback = (over: Partial<VoiceCallView> = {}): VoiceCallView => ({
  id: 'call_1',
  kind: 'callback',
  phase: 'requested',
  to: '+1••••••2671',
  simulated: true,
  ...over,
});
const browserCall = (over: Partial<VoiceCallView> = {}): VoiceCallView => ({
  id: 'call_2',
  kind: 'webrtc',
  phase: 'in_progress',
  muted: false,
  remoteMuted: false,
  answeredAt: Date.now(),
  ...over,
});

describe('amoiq-voice-panel: menu', () => {
  it('offers only what the site offers, and libphonenumber-js is not loaded before the form opens', async () => {
    const loaded = () => performance.getEntriesByType('resource').some((e) => e.name.includes('libphonenumber-js'));
    const both = await panel({ webrtc: true, callback: true });
    expect([...both.shadowRoot!.querySelectorAll('.menu-item .label')].map((b) => b.textContent)).to.deep.equal([
      en.voice.callTeam,
      en.voice.requestCallback,
    ]);
    const onlyCallback = await panel({ callback: true });
    expect(onlyCallback.shadowRoot!.querySelectorAll('.menu-item')).to.have.length(1);
    const none = await panel();
    expect(none.shadowRoot!.textContent).to.contain(en.voice.nothingOffered);
    expect(loaded(), 'libphonenumber-js before the form').to.equal(false);
    await openForm(both);
    expect(loaded(), 'libphonenumber-js once the form opened').to.equal(true);
  });

  it('is operable by keyboard: call the team, open the form (focus goes to the number), cancel back to the menu', async () => {
    const el = await panel({ webrtc: true, callback: true });
    $(el, '.call-team')!.focus();
    const call = oneEvent(el, 'amoiq-voice-call-team');
    await sendKeys({ press: 'Enter' });
    await call;
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    await form(el).ready();
    await until(() => deepActiveElement()?.id === 'phone', 'focus on the number field');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect($(el, '.menu')).to.exist;
    await until(() => deepActiveElement()?.classList.contains('menu-item') === true, 'focus back on the menu');
    const back = oneEvent(el, 'amoiq-voice-back');
    $(el, '[part="back-button"]')!.click();
    await back;
  });
});

describe('amoiq-voice-panel: the phone form', () => {
  it('formats and submits E.164: "+1 415 555 2671", a national number in the chosen country, and a country switch', async () => {
    const el = await panel({ callback: true }, { lang: 'en-US' });
    const f = await openForm(el);
    expect($<HTMLSelectElement>(f, '#country')!.value, 'country from lang').to.equal('US');

    await fill(f, '+1 415 555 2671');
    let sent = oneEvent(el, 'amoiq-voice-callback');
    await submit(f);
    expect((await sent).detail).to.deep.equal({ phoneNumber: '+14155552671', consentText: en.voice.consent, country: 'US' });

    await fill(f, '(415) 555-2671');
    sent = oneEvent(el, 'amoiq-voice-callback');
    await submit(f);
    expect((await sent).detail.phoneNumber).to.equal('+14155552671');
    expect($<HTMLInputElement>(f, '#phone')!.value, 'shown as it will be dialled').to.equal('+1 415 555 2671');

    const select = $<HTMLSelectElement>(f, '#country')!;
    select.value = 'GB';
    select.dispatchEvent(new Event('change'));
    await fill(f, '020 7946 0958');
    await f.updateComplete;
    expect($(f, '#phone-hint')!.textContent).to.equal(en.voice.willCall('+44 20 7946 0958'));
    sent = oneEvent(el, 'amoiq-voice-callback');
    await submit(f);
    expect((await sent).detail).to.include({ phoneNumber: '+442079460958', country: 'GB' });

    // A number typed with its country code picks the country.
    await fill(f, '+33 6 12 34 56 78');
    await f.updateComplete;
    expect(select.value).to.equal('FR');
  });

  it('rejects an invalid number and a missing consent next to the fields, moves focus there, and sends nothing', async () => {
    const el = await panel({ callback: true });
    const f = await openForm(el);
    let fired = 0;
    el.addEventListener('amoiq-voice-callback', () => fired++);
    await fill(f, '12345');
    await submit(f);
    const input = $<HTMLInputElement>(f, '#phone')!;
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect($(f, '#phone-error')!.textContent).to.equal(en.voice.errors.phone_invalid);
    expect(input.getAttribute('aria-describedby')).to.equal('phone-error');
    expect(deepActiveElement()).to.equal(input);

    await fill(f, '', true);
    await submit(f);
    expect($(f, '#phone-error')!.textContent).to.equal(en.voice.errors.phone_required);

    await fill(f, '+1 415 555 2671', false);
    await submit(f);
    expect($(f, '#consent-error')!.textContent).to.equal(en.voice.errors.consent_missing);
    expect(deepActiveElement()).to.equal($(f, '#consent'));
    expect(fired).to.equal(0);
  });

  it('starts from the country of the language, names countries in it, and sends the site consent wording', async () => {
    const fromFr = await openForm(await panel({ callback: true }, { lang: 'fr-CA', strings: fr }));
    const select = $<HTMLSelectElement>(fromFr, '#country')!;
    expect(select.value).to.equal('CA');
    expect(select.selectedOptions[0].textContent).to.equal('Canada (+1)');
    expect([...select.options].find((o) => o.value === 'DE')!.textContent).to.equal('Allemagne (+49)');
    expect($<HTMLSelectElement>(await openForm(await panel({ callback: true }, { lang: 'ja-JP' })), '#country')!.value).to.equal('JP');
    expect(
      $<HTMLSelectElement>(await openForm(await panel({ callback: true, country: 'de' })), '#country')!.value,
      'the country property wins',
    ).to.equal('DE');

    const el = await panel({ callback: true, consentText: 'Acme may call me.' });
    const f = await openForm(el);
    expect($(f, 'label[for="consent"]')!.textContent).to.equal('Acme may call me.');
    await fill(f, '+1 415 555 2671');
    const sent = oneEvent(el, 'amoiq-voice-callback');
    await submit(f);
    expect((await sent).detail.consentText).to.equal('Acme may call me.');
  });

  it("shows the server's refusal in the form and announces it", async () => {
    const el = await panel({ callback: true });
    const f = await openForm(el);
    el.callbackError = 'outside_calling_hours';
    await el.updateComplete;
    await f.updateComplete;
    expect($(f, '[part="error"]')!.textContent).to.equal(en.voice.errors.outside_calling_hours);
    expect(live(el)).to.equal(en.voice.errors.outside_calling_hours);
    await until(
      async () => (await liveRegions()).some((r) => r.text.includes(en.voice.errors.outside_calling_hours)),
      'the announcement reaches the accessibility tree',
    );
  });
});

describe('phone numbers', () => {
  it('picks the first country from: the property, the language region, the browser regions, the language likely region', async () => {
    const lib = await loadPhoneLib();
    expect(defaultCountry(lib, 'fr', ['en-GB'], 'ch')).to.equal('CH');
    expect(defaultCountry(lib, 'pt-BR', ['en-GB'])).to.equal('BR');
    expect(defaultCountry(lib, 'de', ['fr', 'en-GB'])).to.equal('GB');
    expect(defaultCountry(lib, 'ja', [])).to.equal('JP');
    expect(defaultCountry(lib, 'ar', [])).to.equal('EG');
    expect(defaultCountry(lib, 'xx-invalid-', [])).to.equal('US');
  });

  it('checks numbers: E.164 and international format, 00 as +, required and invalid', async () => {
    const lib = await loadPhoneLib();
    expect(checkPhone(lib, '00 49 30 901820', 'US')).to.deep.equal({
      ok: true,
      e164: '+4930901820',
      international: '+49 30 901820',
      country: 'DE',
    });
    expect(checkPhone(lib, '090-1234-5678', 'JP')).to.include({ ok: true, e164: '+819012345678' });
    expect(checkPhone(lib, '  ', 'US')).to.deep.equal({ ok: false, code: 'phone_required' });
    expect(checkPhone(lib, '+1 123 456 7890', 'US')).to.deep.equal({ ok: false, code: 'phone_invalid' });
  });
});

describe('amoiq-voice-panel: the call view', () => {
  it('follows a phone callback: states, the simulation note, duration, cancel and hang up; each state announced once', async () => {
    const el = await panel({ callback: true });
    el.call = callback();
    await el.updateComplete;
    expect(stateLine(el)).to.equal('Calling +1••••••2671…');
    expect($(el, '[part="simulated-note"]')!.textContent).to.equal('Simulated call — no real phone call is made.');
    expect(live(el)).to.equal(`Calling +1••••••2671… ${en.voice.simulated}`);
    expect($(el, '[part="hang-up-button"]')!.textContent!.trim()).to.equal(en.voice.cancelCall);

    el.call = callback({ phase: 'ringing' });
    await el.updateComplete;
    expect(live(el)).to.equal(en.voice.callbackStates.ringing);
    // The same state again (a repeated frame) and level changes are not announced again.
    const region = $(el, '[aria-live]')!;
    let changes = 0;
    const observer = new MutationObserver(() => changes++);
    observer.observe(region, { childList: true, characterData: true, subtree: true });
    el.call = callback({ phase: 'ringing' });
    el.level = 0.5;
    await el.updateComplete;
    observer.disconnect();
    expect(changes).to.equal(0);

    el.call = callback({ phase: 'in_progress', answeredAt: Date.now() - 75_000 });
    await el.updateComplete;
    expect($(el, '[part="duration"]')!.textContent).to.equal('1:15');
    await until(() => $(el, '[part="duration"]')!.textContent === '1:16', 'the timer ticks', 3000);
    const hangUp = oneEvent(el, 'amoiq-voice-hang-up');
    $(el, '[part="hang-up-button"]')!.click();
    expect((await hangUp).detail).to.deep.equal({ callId: 'call_1', kind: 'callback' });

    el.call = callback({ phase: 'ended', reason: 'completed', durationSeconds: 192 });
    await el.updateComplete;
    expect(stateLine(el)).to.equal('Call ended, 3:12');
    expect(live(el)).to.equal('Call ended, 3:12');
    expect($(el, '[part="duration"]')!.textContent).to.equal('3:12');

    el.call = callback({ id: 'call_3', phase: 'failed', reason: 'busy', simulated: false });
    await el.updateComplete;
    expect(live(el)).to.equal(`${en.voice.callbackStates.failed} ${en.voice.reasons.busy}`);
    $(el, '.new-call')!.click();
    await el.updateComplete;
    expect($(el, '.menu'), 'New call shows the menu').to.exist;
    expect(el.shadowRoot!.querySelectorAll('[aria-live], [role="status"], [role="alert"]'), 'one live region').to.have.length(1);
  });

  it('an in-browser call: mute toggle (aria-pressed), level meter, incoming accept/decline, problems explained', async () => {
    const el = await panel({ webrtc: true });
    el.call = browserCall({ phase: 'incoming', peerName: 'Ada' });
    await el.updateComplete;
    expect(stateLine(el)).to.equal('Ada is calling you');
    let answer = oneEvent(el, 'amoiq-voice-answer');
    $(el, '.accept')!.click();
    expect((await answer).detail).to.deep.equal({ callId: 'call_2', accept: true });
    answer = oneEvent(el, 'amoiq-voice-answer');
    $(el, '.decline')!.click();
    expect((await answer).detail.accept).to.equal(false);

    el.call = browserCall();
    el.level = 0.42;
    await el.updateComplete;
    const mute = $(el, '[part="mute-button"]')!;
    const meter = $(el, '[part="level-meter"]')!;
    expect(mute.getAttribute('aria-pressed')).to.equal('false');
    expect(meter.getAttribute('role')).to.equal('meter');
    expect(meter.getAttribute('aria-label')).to.equal(en.voice.micLevel);
    expect(meter.getAttribute('aria-valuenow')).to.equal('42');
    mute.focus();
    const muted = oneEvent(el, 'amoiq-voice-mute');
    await sendKeys({ press: 'Space' });
    expect((await muted).detail).to.deep.equal({ callId: 'call_2', muted: true });
    el.call = browserCall({ muted: true, remoteMuted: true });
    await el.updateComplete;
    expect($(el, '[part="mute-button"]')!.getAttribute('aria-pressed')).to.equal('true');
    expect($(el, '[part="level-meter"]')!.getAttribute('aria-valuenow')).to.equal('0');
    expect(live(el)).to.equal(en.voice.remoteMuted);

    for (const problem of ['permission_denied', 'no_microphone', 'connection_failed'] as const) {
      el.call = browserCall({
        id: `call_${problem}`,
        phase: 'failed',
        reason: problem === 'connection_failed' ? 'connection_failed' : 'microphone_unavailable',
        problem,
      });
      await el.updateComplete;
      expect($(el, '.detail')!.textContent).to.equal(en.voice.errors[problem]);
      expect(live(el)).to.equal(`${en.voice.webrtcStates.failed} ${en.voice.errors[problem]}`);
    }
  });

  it('keeps focus in the panel when the control that had it goes away (call starts, call ends)', async () => {
    const el = await panel({ webrtc: true });
    $(el, '.call-team')!.focus();
    el.call = browserCall({ phase: 'ringing', answeredAt: undefined });
    await el.updateComplete;
    expect(deepActiveElement()?.getAttribute('part')).to.equal('mute-button');
    el.call = browserCall({ phase: 'ended', reason: 'completed', durationSeconds: 12 });
    await el.updateComplete;
    expect(deepActiveElement()?.classList.contains('new-call')).to.equal(true);
  });

  it('speaks Arabic, right to left', async () => {
    const el = await panel({ callback: true }, { lang: 'ar', dir: 'rtl', strings: ar });
    el.call = callback({ phase: 'ended', reason: 'completed', durationSeconds: 192, simulated: false });
    await el.updateComplete;
    expect(stateLine(el)).to.equal(ar.voice.endedAfter(formatDuration(192, 'ar')));
    const base = $(el, '[part="base"]')!.getBoundingClientRect();
    const back = $(el, '[part="back-button"]')!.getBoundingClientRect();
    expect(base.right - back.right, 'Back to chat starts at the right edge').to.be.lessThan(20);
  });
});
