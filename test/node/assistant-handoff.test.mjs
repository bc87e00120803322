// @ts-check
// The handoff rules: explicit requests in six locales (and look-alikes that are not requests),
// low confidence, unhelpful answers, provider failures, agent takeover, business hours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_HANDOFF_RULES,
  INITIAL_HANDOFF_STATE,
  decide,
  detectHandoffRequest,
  escalationNotice,
  handoffLocale,
  handoffMessage,
  isWithinBusinessHours,
  validateBusinessHours,
} from '../../demo/server/assistant/handoff.js';

test('explicit requests for a person are recognized in en, es, fr, de, ar and ja', () => {
  /** @type {[string, string][]} */
  const requests = [
    ['Can I talk to a real person?', 'en'],
    ['agent', 'en'],
    ['Human please!', 'en'],
    ['I want to speak with someone', 'en'],
    ['connect me to customer service', 'en'],
    ['I need a human', 'en'],
    ['Quiero hablar con una persona', 'es'],
    ['¿Puedo hablar con un agente, por favor?', 'es'],
    ['Je voudrais parler à un conseiller', 'fr'],
    ["Je veux parler à quelqu'un", 'fr'],
    ['Ich möchte mit einem Mitarbeiter sprechen', 'de'],
    ['Kann ich mit einem echten Menschen reden?', 'de'],
    ['أريد التحدث مع موظف', 'ar'],
    ['حولني لموظف من فضلك', 'ar'],
    ['أُرِيدُ التَّحَدُّثَ إِلَى شَخْصٍ حَقِيقِيٍّ', 'ar'],
    ['人と話したいです', 'ja'],
    ['担当者に代わってください', 'ja'],
    ['オペレーターをお願いします', 'ja'],
  ];
  for (const [text, locale] of requests) assert.deepEqual(detectHandoffRequest(text), { locale }, text);
});

test('questions that only mention people, or are about something else, are not requests', () => {
  for (const text of [
    'How long does delivery take?',
    'The delivery agent left my parcel at the wrong door',
    'I need someone to explain the invoice',
    'I spoke to an agent yesterday and she said the refund is coming',
    'Can I get a refund for my order?',
    'What does shipping cost for a person in Norway?',
    '¿Cuánto cuesta el envío?',
    'Combien coûte la livraison ?',
    'Wie lange dauert der Versand?',
    'كم تستغرق مدة التوصيل؟',
    '配送にはどのくらいかかりますか？',
    '',
  ]) {
    assert.equal(detectHandoffRequest(text), null, text);
  }
});

test('a visitor message: answer, or hand off on request; silent while queued or once a human is assigned', () => {
  const answer = decide(INITIAL_HANDOFF_STATE, { type: 'visitor_message', text: 'Where is my order?' });
  assert.deepEqual(answer, { state: INITIAL_HANDOFF_STATE, decision: { kind: 'answer' } });

  const request = decide(INITIAL_HANDOFF_STATE, { type: 'visitor_message', text: 'Quiero hablar con una persona' }, { locale: 'es' });
  assert.deepEqual(request.state, { ...INITIAL_HANDOFF_STATE, escalated: true });
  assert.deepEqual(request.decision, {
    kind: 'handoff',
    reason: 'requested',
    message: 'Te paso con una persona de nuestro equipo. Quédate aquí: verás tu lugar en la cola.',
    withinHours: true,
  });

  assert.deepEqual(decide(request.state, { type: 'visitor_message', text: 'hello?' }).decision, { kind: 'silent', reason: 'queued' });
  const assigned = decide(request.state, { type: 'agent_assigned' });
  assert.deepEqual(assigned, {
    state: { unhelpful: 0, escalated: false, humanAssigned: true },
    decision: { kind: 'silent', reason: 'human_assigned' },
  });
  assert.deepEqual(decide(assigned.state, { type: 'visitor_message', text: 'Where is my order?' }).decision, {
    kind: 'silent',
    reason: 'human_assigned',
  });

  const off = decide(INITIAL_HANDOFF_STATE, { type: 'visitor_message', text: 'agent please' }, { rules: { onRequest: false } });
  assert.deepEqual(off.decision, { kind: 'answer' }, 'onRequest: false leaves requests to the assistant');
});

test('agent takeover during an answer: the assistant goes silent; returned to the assistant it answers again', () => {
  const taken = decide(INITIAL_HANDOFF_STATE, { type: 'agent_assigned' });
  assert.deepEqual(decide(taken.state, { type: 'answer_done', finishReason: 'stop', text: 'late answer' }).decision, { kind: 'none' });
  const back = decide({ unhelpful: 1, escalated: false, humanAssigned: true }, { type: 'returned_to_assistant' });
  assert.deepEqual(back.state, INITIAL_HANDOFF_STATE);
  assert.deepEqual(decide(back.state, { type: 'visitor_message', text: 'thanks' }).decision, { kind: 'answer' });
});

test('low confidence: no_match, a confidence under the threshold, or an empty answer hands off (or offers)', () => {
  const noMatch = decide(
    INITIAL_HANDOFF_STATE,
    { type: 'answer_done', finishReason: 'no_match', confidence: 0.1, text: '' },
    { locale: 'de' },
  );
  assert.equal(noMatch.decision.kind, 'handoff');
  assert.deepEqual(noMatch.state, { ...INITIAL_HANDOFF_STATE, escalated: true });
  assert.equal(
    /** @type {any} */ (noMatch.decision).message,
    'Ich bin nicht sicher, ob ich das richtig beantworten kann. Ich verbinde Sie mit einer Person aus unserem Team. Bitte bleiben Sie hier – Sie sehen Ihren Platz in der Warteschlange.',
  );
  const under = decide(
    INITIAL_HANDOFF_STATE,
    { type: 'answer_done', finishReason: 'stop', confidence: 0.3, text: 'x' },
    { rules: { minConfidence: 0.4 } },
  );
  assert.equal(under.decision.kind, 'handoff');
  const over = decide(
    INITIAL_HANDOFF_STATE,
    { type: 'answer_done', finishReason: 'stop', confidence: 0.45, text: 'x' },
    { rules: { minConfidence: 0.4 } },
  );
  assert.deepEqual(over.decision, { kind: 'none' });
  const empty = decide(INITIAL_HANDOFF_STATE, { type: 'answer_done', finishReason: 'stop', text: '  ' });
  assert.equal(empty.decision.kind, 'handoff');
  const offer = decide(
    INITIAL_HANDOFF_STATE,
    { type: 'answer_done', finishReason: 'no_match', text: '' },
    { rules: { lowConfidence: 'offer' } },
  );
  assert.equal(offer.decision.kind, 'offer');
  assert.deepEqual(offer.state, INITIAL_HANDOFF_STATE, 'an offer does not escalate by itself');
  assert.deepEqual(
    decide(INITIAL_HANDOFF_STATE, { type: 'answer_done', finishReason: 'stop', text: 'An answer.' }).decision,
    { kind: 'none' },
    'a model answer without confidence is fine',
  );
  assert.equal(decide(INITIAL_HANDOFF_STATE, { type: 'answer_done', finishReason: 'filtered', text: '' }).decision.kind, 'offer');
});

test('after N unhelpful answers the conversation is handed off (N = maxUnhelpful, 0 = never)', () => {
  let state = INITIAL_HANDOFF_STATE;
  let step = decide(state, { type: 'feedback', helpful: false });
  assert.deepEqual(step.decision, { kind: 'none' });
  state = step.state;
  step = decide(state, { type: 'feedback', helpful: true });
  assert.equal(step.state.unhelpful, 1, 'helpful feedback does not erase the count');
  step = decide(step.state, { type: 'feedback', helpful: false }, { locale: 'fr' });
  assert.equal(step.decision.kind, 'handoff');
  assert.equal(/** @type {any} */ (step.decision).reason, 'unhelpful');
  assert.match(/** @type {any} */ (step.decision).message, /^Désolé de ne pas avoir pu vous aider\. Je vous mets en relation/);
  assert.deepEqual(step.state, { unhelpful: 2, escalated: true, humanAssigned: false });
  let never = INITIAL_HANDOFF_STATE;
  for (let i = 0; i < 5; i++) {
    const s = decide(never, { type: 'feedback', helpful: false }, { rules: { maxUnhelpful: 0 } });
    assert.deepEqual(s.decision, { kind: 'none' });
    never = s.state;
  }
});

test('a provider failure is a polite message with a handoff offer (Stop is not a failure)', () => {
  const failed = decide(INITIAL_HANDOFF_STATE, { type: 'provider_error', code: 'timeout' }, { locale: 'ja' });
  assert.deepEqual(failed.decision, {
    kind: 'offer',
    reason: 'provider_error',
    message: '申し訳ありません。現在お答えできません。担当者とお話しになりますか？',
    withinHours: true,
  });
  assert.deepEqual(failed.state, INITIAL_HANDOFF_STATE);
  assert.deepEqual(decide(INITIAL_HANDOFF_STATE, { type: 'provider_error', code: 'aborted' }).decision, { kind: 'none' });
  assert.equal(
    decide(INITIAL_HANDOFF_STATE, { type: 'provider_error', code: 'server_error' }, { rules: { onProviderError: 'handoff' } }).decision
      .kind,
    'handoff',
  );
});

test('outside business hours the wording says the team is away (the escalation still happens)', () => {
  const away = decide(INITIAL_HANDOFF_STATE, { type: 'visitor_message', text: 'talk to a human' }, { withinHours: false });
  assert.equal(away.decision.kind, 'handoff');
  assert.equal(/** @type {any} */ (away.decision).withinHours, false);
  assert.match(/** @type {any} */ (away.decision).message, /Our team is away right now/);
  assert.equal(
    handoffMessage('offer', 'provider_error', 'ar', false),
    'عذرًا، لا أستطيع الرد الآن. يمكنك ترك رسالة لفريقنا، وسيردّون عليك عند عودتهم.',
  );
});

test('every reason has a message in every locale; unknown locales fall back to English', () => {
  for (const locale of ['en', 'es', 'fr', 'de', 'ar', 'ja']) {
    for (const reason of /** @type {const} */ (['requested', 'low_confidence', 'unhelpful', 'provider_error', 'filtered'])) {
      for (const kind of /** @type {const} */ (['handoff', 'offer'])) {
        for (const within of [true, false]) assert.ok(handoffMessage(kind, reason, locale, within).length > 10);
      }
    }
  }
  assert.equal(handoffLocale('es-MX'), 'es');
  assert.equal(handoffLocale('pt-BR'), 'en');
  assert.equal(handoffLocale(undefined), 'en');
  assert.equal(DEFAULT_HANDOFF_RULES.maxUnhelpful, 2);
});

test('business hours in the tenant time zone: weekdays, a Saturday, overnight intervals, closed dates, DST', () => {
  const hours = {
    timeZone: 'Europe/Berlin',
    weekly: {
      mon: [['09:00', '18:00']],
      tue: [
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ],
      fri: [['22:00', '02:00']],
      sat: [['10:00', '14:00']],
    },
    closedDates: ['2026-12-28'],
  };
  const at = (/** @type {string} */ iso) => isWithinBusinessHours(/** @type {any} */ (hours), new Date(iso));
  assert.equal(at('2026-11-23T08:00:00Z'), true, 'Monday 09:00 CET opens');
  assert.equal(at('2026-11-23T07:59:00Z'), false, 'Monday 08:59 CET');
  assert.equal(at('2026-11-23T17:00:00Z'), false, 'Monday 18:00 CET closes');
  assert.equal(at('2026-11-24T11:30:00Z'), false, 'Tuesday lunch break');
  assert.equal(at('2026-11-28T00:30:00Z'), true, 'Saturday 01:30 belongs to Friday night');
  assert.equal(at('2026-11-28T09:30:00Z'), true, 'Saturday 10:30');
  assert.equal(at('2026-11-29T00:30:00Z'), false, 'Sunday 01:30: Saturday has no night interval');
  assert.equal(at('2026-12-28T09:00:00Z'), false, 'a closed Monday');
  assert.equal(at('2026-06-22T07:30:00Z'), true, 'summer time: Monday 09:30 CEST is 07:30 UTC');
  assert.equal(isWithinBusinessHours(null, new Date()), true, 'no hours: always open');
  const tokyo = { timeZone: 'Asia/Tokyo', weekly: { mon: [['09:00', '17:00']] } };
  assert.equal(
    isWithinBusinessHours(/** @type {any} */ (tokyo), new Date('2026-11-23T00:30:00Z')),
    true,
    'Monday 09:30 in Tokyo is Sunday in UTC',
  );
});

test('business hours settings are checked with field names', () => {
  assert.deepEqual(validateBusinessHours(null), []);
  assert.deepEqual(validateBusinessHours({ timeZone: 'Europe/Berlin', weekly: { mon: [['09:00', '24:00']] } }), []);
  assert.deepEqual(
    validateBusinessHours({ timeZone: 'Mars/Olympus', weekly: { monday: [], tue: [['9:00', '17:00']] }, closedDates: ['25.12.2026'] }),
    [
      'businessHours.timeZone "Mars/Olympus" is not an IANA time zone',
      'businessHours.weekly.monday: not a weekday (mon…sun)',
      'businessHours.weekly.tue: expected [["HH:MM", "HH:MM"], …]',
      'businessHours.closedDates: expected ["YYYY-MM-DD", …]',
    ],
  );
});

test('the handoff text follows presence: within hours but no agent online is the away text; escalation notices in words', () => {
  const request = { type: /** @type {const} */ ('visitor_message'), text: 'talk to a human' };
  const online = decide(INITIAL_HANDOFF_STATE, request, { locale: 'de-DE', withinHours: true, agentsOnline: true });
  assert.match(/** @type {any} */ (online.decision).message, /Ich verbinde Sie/);
  const nobody = decide(INITIAL_HANDOFF_STATE, request, { locale: 'de-DE', withinHours: true, agentsOnline: false });
  assert.match(/** @type {any} */ (nobody.decision).message, /Unser Team ist gerade nicht erreichbar/);
  assert.equal(/** @type {any} */ (nobody.decision).withinHours, true);
  for (const locale of ['en', 'de', 'fr', 'es', 'ar', 'ja', 'pt-BR']) {
    for (const reason of ['requested', 'low_confidence', 'unhelpful', 'provider_error', 'filtered', 'a free text', 'VIP']) {
      for (const by of /** @type {const} */ (['visitor', 'assistant', 'agent'])) {
        const text = escalationNotice(reason, by, locale);
        assert.ok(text.length > 10);
        assert.doesNotMatch(text, /low_confidence|provider_error|VIP|free text/);
      }
    }
  }
  assert.equal(escalationNotice('low_confidence', 'assistant', 'xx'), escalationNotice('low_confidence', 'assistant', 'en'));
  assert.match(escalationNotice('VIP', 'agent', 'fr-FR'), /Un agent/);
});

test('a request for a person without a known locale is answered in the language it was asked in; the locale wins', () => {
  const asked = decide(INITIAL_HANDOFF_STATE, { type: 'visitor_message', text: 'Ich möchte mit einem Mitarbeiter sprechen' });
  assert.match(/** @type {any} */ (asked.decision).message, /Ich verbinde Sie/);
  const located = decide(
    INITIAL_HANDOFF_STATE,
    { type: 'visitor_message', text: 'Ich möchte mit einem Mitarbeiter sprechen' },
    { locale: 'fr-FR' },
  );
  assert.match(/** @type {any} */ (located.decision).message, /Je vous mets en relation/);
});
