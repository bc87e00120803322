// @ts-check
/**
 * When the assistant hands a conversation to a person: pure functions, no I/O, no clock of their
 * own (the caller passes the time), so every rule is tested directly.
 *
 * - `detectHandoffRequest(text)`: the visitor asks for a person, in en/es/fr/de/ar/ja.
 * - `decide(state, event, context)`: the per-conversation reducer. Events are what the backend
 *   sees (a visitor message, an answer finished, a provider failure, feedback, an agent taking
 *   over, the conversation returned to the assistant); the decision says whether the assistant
 *   answers, stays silent, hands off now, or offers a handoff, with a localized message.
 * - `isWithinBusinessHours(hours, date)`: the tenant's opening hours in its time zone (Intl).
 */

export const HANDOFF_LOCALES = /** @type {const} */ (['en', 'es', 'fr', 'de', 'ar', 'ja']);

/**
 * @typedef {typeof HANDOFF_LOCALES[number]} HandoffLocale
 * @typedef {'requested' | 'low_confidence' | 'unhelpful' | 'provider_error' | 'filtered'} HandoffReason
 * @typedef {{ onRequest: boolean, minConfidence: number, lowConfidence: 'handoff' | 'offer',
 *   maxUnhelpful: number, onProviderError: 'handoff' | 'offer' }} HandoffRules
 *   `minConfidence`: answers reporting less are low-confidence (only the knowledge base reports
 *   one); `maxUnhelpful`: this many answers marked "not helpful" in a conversation hand it off
 *   (0: never).
 * @typedef {{ unhelpful: number, escalated: boolean, humanAssigned: boolean }} HandoffState
 *   `escalated`: waiting in the queue for a person; `humanAssigned`: a person has the conversation.
 * @typedef {{ type: 'visitor_message', text: string }
 *   | { type: 'answer_done', finishReason: string, confidence?: number, text: string }
 *   | { type: 'provider_error', code: string }
 *   | { type: 'feedback', helpful: boolean }
 *   | { type: 'escalated' }
 *   | { type: 'agent_assigned' }
 *   | { type: 'returned_to_assistant' }} HandoffEvent
 *   `escalated`: the conversation was escalated by other means (the visitor's button, an agent);
 *   `agent_assigned`: a person accepted it or took it over.
 * @typedef {{ kind: 'answer' }
 *   | { kind: 'none' }
 *   | { kind: 'silent', reason: 'human_assigned' | 'queued' }
 *   | { kind: 'handoff' | 'offer', reason: HandoffReason, message: string, withinHours: boolean }} Decision
 *   `answer`: let the assistant answer this message; `none`: nothing to do; `silent`: the
 *   assistant must not answer; `handoff`: escalate now and show `message`; `offer`: show
 *   `message` with a "Talk to a person" action.
 * @typedef {{ rules?: Partial<HandoffRules>, locale?: string, withinHours?: boolean, agentsOnline?: boolean }} DecideContext
 *   `locale`: the visitor's (the session's `context.locale`), for the texts; `withinHours` and
 *   `agentsOnline` (both default true) pick the wording: a person can come only when both are true.
 */

/** @type {Readonly<HandoffRules>} */
export const DEFAULT_HANDOFF_RULES = Object.freeze({
  onRequest: true,
  minConfidence: 0.5,
  lowConfidence: 'handoff',
  maxUnhelpful: 2,
  onProviderError: 'offer',
});

/** @type {Readonly<HandoffState>} */
export const INITIAL_HANDOFF_STATE = Object.freeze({ unhelpful: 0, escalated: false, humanAssigned: false });

/**
 * Words that ask for a person, per locale (matched after normalization: lower case, Latin accents
 * and Arabic diacritics removed, Arabic alef/teh marbuta unified). A request is a request verb
 * with a person noun at most 5 words before or after it ("I want to talk to an agent", "Kann ich
 * mit einem Menschen reden"), an adjective + person ("real person"), or a message of at most
 * 3 words with a person noun ("agent", "human please"). `broad` nouns (someone, support) count
 * only with the `strong` verbs (talk, speak), not with want/need ("I need someone to explain").
 * @type {Record<Exclude<HandoffLocale, 'ja'>, { strong: string[], weak: string[], person: string[], broad: string[], real: string[] }>}
 */
const WORDS = {
  en: {
    strong: ['talk', 'speak', 'chat', 'connect', 'transfer', 'escalate'],
    weak: ['want', 'need', 'get', 'give', 'prefer'],
    person: ['person', 'human', 'agent', 'representative', 'rep', 'operator', 'employee', 'advisor', 'staff'],
    broad: ['someone', 'somebody', 'support', 'team', 'service', 'people'],
    real: ['real', 'live', 'actual'],
  },
  es: {
    strong: ['hablar', 'hablo', 'comunicarme', 'contactar', 'chatear', 'pasame', 'pasar', 'transferir', 'transfiereme'],
    weak: ['quiero', 'necesito', 'prefiero', 'quisiera'],
    person: ['persona', 'humano', 'humana', 'agente', 'operador', 'operadora', 'representante', 'asesor', 'asesora', 'empleado'],
    broad: ['alguien', 'soporte', 'equipo', 'atencion'],
    real: ['real', 'humano', 'ser'],
  },
  fr: {
    strong: ['parler', 'discuter', 'contacter', 'joindre', 'transferer', 'passer', 'echanger'],
    weak: ['veux', 'voudrais', 'besoin', 'souhaite', 'prefere'],
    person: ['personne', 'humain', 'agent', 'conseiller', 'conseillere', 'operateur', 'operatrice', 'employe'],
    broad: ['quelqu', 'support', 'equipe', 'service'],
    real: ['vraie', 'vrai', 'etre', 'reelle'],
  },
  de: {
    strong: ['sprechen', 'reden', 'verbinden', 'verbinde', 'chatten', 'weiterleiten', 'kontaktieren'],
    weak: ['mochte', 'will', 'brauche', 'hatte', 'wurde'],
    person: [
      'mensch',
      'menschen',
      'mitarbeiter',
      'mitarbeiterin',
      'berater',
      'beraterin',
      'person',
      'agent',
      'agenten',
      'kundenberater',
      'servicemitarbeiter',
      'operator',
    ],
    broad: ['jemand', 'jemandem', 'kundendienst', 'kundenservice', 'support', 'team'],
    real: ['echt', 'echte', 'echten', 'echter', 'richtigen', 'richtige', 'menschlichen'],
  },
  ar: {
    strong: ['اتحدث', 'التحدث', 'اكلم', 'اتكلم', 'تكلم', 'حولني', 'تحويلي', 'وصلني', 'كلمني'],
    weak: ['اريد', 'ابغى', 'ابي', 'عايز', 'احتاج', 'بدي', 'اود'],
    person: ['شخص', 'انسان', 'موظف', 'موظفه', 'وكيل', 'مندوب', 'ممثل', 'بشري'],
    broad: ['احد', 'الدعم', 'دعم', 'خدمه', 'فريق'],
    real: ['حقيقي', 'بشري'],
  },
};

/** Japanese has no spaces between words: these phrases ask for a person wherever they occur. */
const JA_PATTERN = /(人間|担当者|オペレーター?|有人|スタッフ|係員|係の人|人と話|人に代わ|人に変わ|人につな|人に繋)/;

/**
 * Lower case, NFC, Latin accents and Arabic diacritics removed, Arabic letter variants unified,
 * punctuation as spaces. Japanese kana and kanji are left as they are.
 * @param {string} text
 */
export function normalizeForMatching(text) {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .replace(/ى/g, 'ي')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Whether a word is one of `list`; Arabic words may carry the attached prefixes و ف ب ل ك ال and a
 * few suffixes ("بموظف", "الموظف").
 * @param {string} word
 * @param {string[]} list
 * @param {boolean} arabic
 */
function isWord(word, list, arabic) {
  if (list.includes(word)) return true;
  if (!arabic) return false;
  const bare = word.replace(/^(و|ف)?(ب|ل|ك)?(ال)?/, '').replace(/(ا|ين|ون|ه)$/, '');
  return list.includes(bare) || list.includes(word.replace(/^(و|ف)?(ب|ل|ك)?/, ''));
}

/**
 * Whether the visitor asks for a person, and in which locale's words.
 * @param {string} text
 * @returns {{ locale: HandoffLocale } | null}
 * @example detectHandoffRequest('Can I talk to a real person?') // { locale: 'en' }
 */
export function detectHandoffRequest(text) {
  const normalized = normalizeForMatching(text);
  if (!normalized) return null;
  if (JA_PATTERN.test(normalized)) return { locale: 'ja' };
  const tokens = normalized.split(' ');
  for (const [locale, words] of /** @type {[Exclude<HandoffLocale, 'ja'>, typeof WORDS.en][]} */ (Object.entries(WORDS))) {
    const arabic = locale === 'ar';
    const at = (/** @type {number} */ i, /** @type {string[]} */ list) => i >= 0 && i < tokens.length && isWord(tokens[i], list, arabic);
    for (let i = 0; i < tokens.length; i++) {
      const isPerson = at(i, words.person);
      if (isPerson && tokens.length <= 3) return { locale };
      if (isPerson && (at(i - 1, words.real) || at(i + 1, words.real))) return { locale };
      const strong = at(i, words.strong);
      if (!strong && !at(i, words.weak)) continue;
      const nouns = strong ? [...words.person, ...words.broad] : words.person;
      for (let j = Math.max(0, i - 5); j <= Math.min(tokens.length - 1, i + 5); j++) {
        if (j !== i && at(j, nouns)) return { locale };
      }
    }
  }
  return null;
}

/**
 * The per-conversation reducer. Returns the next state and what to do.
 * @param {HandoffState} state
 * @param {HandoffEvent} event
 * @param {DecideContext} [context] `withinHours` (default true) picks the wording for a team that is
 *   away; the escalation still happens (agents see it when they come back).
 * @returns {{ state: HandoffState, decision: Decision }}
 */
export function decide(state, event, context = {}) {
  const rules = { ...DEFAULT_HANDOFF_RULES, ...context.rules };
  const withinHours = context.withinHours ?? true;
  const present = withinHours && (context.agentsOnline ?? true);
  const locale = context.locale;
  /** @param {'handoff' | 'offer'} kind @param {HandoffReason} reason @param {string} [lang] the language the visitor asked in */
  const act = (kind, reason, lang) => ({
    state: kind === 'handoff' ? { ...state, escalated: true } : state,
    decision: /** @type {Decision} */ ({ kind, reason, message: handoffMessage(kind, reason, locale ?? lang, present), withinHours }),
  });
  const none = { state, decision: /** @type {Decision} */ ({ kind: 'none' }) };

  switch (event.type) {
    case 'visitor_message':
      if (state.humanAssigned) return { state, decision: { kind: 'silent', reason: 'human_assigned' } };
      if (state.escalated) return { state, decision: { kind: 'silent', reason: 'queued' } };
      if (rules.onRequest) {
        // Without the visitor's locale, the answer is in the language they asked in.
        const request = detectHandoffRequest(event.text);
        if (request) return act('handoff', 'requested', request.locale);
      }
      return { state, decision: { kind: 'answer' } };
    case 'answer_done': {
      if (state.humanAssigned || state.escalated) return none;
      const low =
        event.finishReason === 'no_match' ||
        (event.confidence !== undefined && event.confidence < rules.minConfidence) ||
        (event.finishReason === 'stop' && event.text.trim() === '');
      if (low) return act(rules.lowConfidence, 'low_confidence');
      if (event.finishReason === 'filtered') return act('offer', 'filtered');
      return none;
    }
    case 'provider_error':
      if (event.code === 'aborted' || state.humanAssigned || state.escalated) return none;
      return act(rules.onProviderError, 'provider_error');
    case 'feedback': {
      if (event.helpful) return none;
      const next = { ...state, unhelpful: state.unhelpful + 1 };
      if (rules.maxUnhelpful > 0 && next.unhelpful >= rules.maxUnhelpful && !state.escalated && !state.humanAssigned) {
        return {
          state: { ...next, escalated: true },
          decision: {
            kind: 'handoff',
            reason: 'unhelpful',
            message: handoffMessage('handoff', 'unhelpful', locale, present),
            withinHours,
          },
        };
      }
      return { state: next, decision: { kind: 'none' } };
    }
    case 'escalated':
      return { state: { ...state, escalated: true }, decision: { kind: 'none' } };
    case 'agent_assigned':
      return { state: { ...state, escalated: false, humanAssigned: true }, decision: { kind: 'silent', reason: 'human_assigned' } };
    case 'returned_to_assistant':
      return { state: { ...INITIAL_HANDOFF_STATE }, decision: { kind: 'none' } };
    default:
      return none;
  }
}

/** @type {Record<HandoffLocale, Record<'connecting' | 'offline' | 'notSure' | 'notHelpful' | 'unavailable' | 'filtered' | 'offer' | 'offerOffline', string>>} */
const TEXT = {
  en: {
    connecting: "I'll connect you with a person from our team. Please stay here; you'll see your place in the queue.",
    offline: "Our team is away right now. Leave your message and your e-mail address, and we'll get back to you as soon as we're back.",
    notSure: "I'm not sure I can answer that correctly.",
    notHelpful: "I'm sorry I couldn't help.",
    unavailable: "Sorry, I can't answer right now.",
    filtered: "I can't help with that request.",
    offer: 'Would you like to talk to a person?',
    offerOffline: "You can leave a message for our team; they'll reply when they're back.",
  },
  es: {
    connecting: 'Te paso con una persona de nuestro equipo. Quédate aquí: verás tu lugar en la cola.',
    offline: 'Nuestro equipo no está disponible ahora. Deja tu mensaje y tu correo electrónico y te responderemos en cuanto volvamos.',
    notSure: 'No estoy seguro de poder responder a eso correctamente.',
    notHelpful: 'Siento no haber podido ayudarte.',
    unavailable: 'Lo siento, ahora mismo no puedo responder.',
    filtered: 'No puedo ayudarte con esa solicitud.',
    offer: '¿Quieres hablar con una persona?',
    offerOffline: 'Puedes dejar un mensaje a nuestro equipo; te responderán cuando vuelvan.',
  },
  fr: {
    connecting:
      "Je vous mets en relation avec une personne de notre équipe. Restez ici\u00a0: vous verrez votre place dans la file d'attente.",
    offline:
      'Notre équipe est absente pour le moment. Laissez votre message et votre adresse e-mail\u00a0: nous vous répondrons dès notre retour.',
    notSure: 'Je ne suis pas sûr de pouvoir répondre correctement à cette question.',
    notHelpful: 'Désolé de ne pas avoir pu vous aider.',
    unavailable: 'Désolé, je ne peux pas répondre pour le moment.',
    filtered: 'Je ne peux pas vous aider avec cette demande.',
    offer: 'Souhaitez-vous parler à une personne\u00a0?',
    offerOffline: 'Vous pouvez laisser un message à notre équipe\u00a0; elle vous répondra à son retour.',
  },
  de: {
    connecting: 'Ich verbinde Sie mit einer Person aus unserem Team. Bitte bleiben Sie hier – Sie sehen Ihren Platz in der Warteschlange.',
    offline:
      'Unser Team ist gerade nicht erreichbar. Hinterlassen Sie Ihre Nachricht und Ihre E-Mail-Adresse, dann melden wir uns, sobald wir zurück sind.',
    notSure: 'Ich bin nicht sicher, ob ich das richtig beantworten kann.',
    notHelpful: 'Es tut mir leid, dass ich nicht helfen konnte.',
    unavailable: 'Entschuldigung, ich kann gerade nicht antworten.',
    filtered: 'Bei dieser Anfrage kann ich nicht helfen.',
    offer: 'Möchten Sie mit einer Person sprechen?',
    offerOffline: 'Sie können unserem Team eine Nachricht hinterlassen; es antwortet, sobald es zurück ist.',
  },
  ar: {
    connecting: 'سأوصلك بأحد أفراد فريقنا. يُرجى البقاء هنا، وسترى دورك في قائمة الانتظار.',
    offline: 'فريقنا غير متاح الآن. اترك رسالتك وبريدك الإلكتروني وسنرد عليك فور عودتنا.',
    notSure: 'لست متأكدًا من أنني أستطيع الإجابة عن ذلك بشكل صحيح.',
    notHelpful: 'آسف لأنني لم أتمكن من المساعدة.',
    unavailable: 'عذرًا، لا أستطيع الرد الآن.',
    filtered: 'لا أستطيع المساعدة في هذا الطلب.',
    offer: 'هل تريد التحدث إلى شخص من فريقنا؟',
    offerOffline: 'يمكنك ترك رسالة لفريقنا، وسيردّون عليك عند عودتهم.',
  },
  ja: {
    connecting: '担当者におつなぎします。このままお待ちください。順番待ちの位置が表示されます。',
    offline: '現在、担当者は対応時間外です。メッセージとメールアドレスを残していただければ、対応時間になり次第ご連絡します。',
    notSure: 'そのご質問に正確にお答えできるかわかりません。',
    notHelpful: 'お役に立てず申し訳ありません。',
    unavailable: '申し訳ありません。現在お答えできません。',
    filtered: 'そのご依頼にはお応えできません。',
    offer: '担当者とお話しになりますか？',
    offerOffline: '担当者へのメッセージを残していただけます。対応時間になり次第ご返信します。',
  },
};

/**
 * The locale among the six for a BCP 47 tag ("es-MX" → "es"); English otherwise.
 * @param {string | undefined} locale
 * @returns {HandoffLocale}
 */
export function handoffLocale(locale) {
  const base = String(locale ?? '')
    .toLowerCase()
    .split(/[-_]/)[0];
  return /** @type {HandoffLocale} */ (HANDOFF_LOCALES.includes(/** @type {HandoffLocale} */ (base)) ? base : 'en');
}

/**
 * The polite text shown with a decision.
 * @param {'handoff' | 'offer'} kind
 * @param {HandoffReason} reason
 * @param {string | undefined} locale
 * @param {boolean} present a person can come now: within business hours and an agent online
 *   (otherwise the widget shows its away mode and asks for an e-mail address, and so does the text)
 */
export function handoffMessage(kind, reason, locale, present) {
  const lang = handoffLocale(locale);
  const t = TEXT[lang];
  const lead = { requested: '', low_confidence: t.notSure, unhelpful: t.notHelpful, provider_error: t.unavailable, filtered: t.filtered }[
    reason
  ];
  const tail = kind === 'handoff' ? (present ? t.connecting : t.offline) : present ? t.offer : t.offerOffline;
  return lead ? `${lead}${lang === 'ja' ? '' : ' '}${tail}` : tail;
}

/**
 * The `escalated` notice per reason (the system message's text, which transcripts show): the
 * assistant's reason codes in words, a visitor's request, or an agent's. An agent's or a
 * visitor's own words (`reason` as free text) are not repeated in it: they are for the agents
 * (an agent's note may be internal).
 * @type {Record<HandoffLocale, Record<HandoffReason | 'visitor' | 'agent', string>>}
 */
const ESCALATED = {
  en: {
    requested: 'The conversation was handed to the team: the visitor asked for a person.',
    visitor: 'The conversation was handed to the team: the visitor asked for a person.',
    low_confidence: 'The conversation was handed to the team: the assistant was not sure of the answer.',
    unhelpful: 'The conversation was handed to the team: the answers were not helpful.',
    provider_error: 'The conversation was handed to the team: the assistant could not answer.',
    filtered: 'The conversation was handed to the team: the assistant could not help with this request.',
    agent: 'An agent put the conversation in the team’s queue.',
  },
  es: {
    requested: 'La conversación pasó al equipo: el visitante pidió hablar con una persona.',
    visitor: 'La conversación pasó al equipo: el visitante pidió hablar con una persona.',
    low_confidence: 'La conversación pasó al equipo: el asistente no estaba seguro de la respuesta.',
    unhelpful: 'La conversación pasó al equipo: las respuestas no fueron útiles.',
    provider_error: 'La conversación pasó al equipo: el asistente no pudo responder.',
    filtered: 'La conversación pasó al equipo: el asistente no podía ayudar con esta solicitud.',
    agent: 'Un agente puso la conversación en la cola del equipo.',
  },
  fr: {
    requested: 'La conversation a été confiée à l’équipe\u00a0: le visiteur a demandé une personne.',
    visitor: 'La conversation a été confiée à l’équipe\u00a0: le visiteur a demandé une personne.',
    low_confidence: 'La conversation a été confiée à l’équipe\u00a0: l’assistant n’était pas sûr de la réponse.',
    unhelpful: 'La conversation a été confiée à l’équipe\u00a0: les réponses n’ont pas aidé.',
    provider_error: 'La conversation a été confiée à l’équipe\u00a0: l’assistant n’a pas pu répondre.',
    filtered: 'La conversation a été confiée à l’équipe\u00a0: l’assistant ne pouvait pas aider avec cette demande.',
    agent: 'Un agent a placé la conversation dans la file d’attente de l’équipe.',
  },
  de: {
    requested: 'Das Gespräch wurde an das Team übergeben: Der Besucher wollte mit einer Person sprechen.',
    visitor: 'Das Gespräch wurde an das Team übergeben: Der Besucher wollte mit einer Person sprechen.',
    low_confidence: 'Das Gespräch wurde an das Team übergeben: Der Assistent war sich der Antwort nicht sicher.',
    unhelpful: 'Das Gespräch wurde an das Team übergeben: Die Antworten haben nicht geholfen.',
    provider_error: 'Das Gespräch wurde an das Team übergeben: Der Assistent konnte nicht antworten.',
    filtered: 'Das Gespräch wurde an das Team übergeben: Bei dieser Anfrage konnte der Assistent nicht helfen.',
    agent: 'Ein Mitarbeiter hat das Gespräch in die Warteschlange des Teams gestellt.',
  },
  ar: {
    requested: 'تم تحويل المحادثة إلى الفريق: طلب الزائر التحدث إلى شخص.',
    visitor: 'تم تحويل المحادثة إلى الفريق: طلب الزائر التحدث إلى شخص.',
    low_confidence: 'تم تحويل المحادثة إلى الفريق: لم يكن المساعد متأكدًا من الإجابة.',
    unhelpful: 'تم تحويل المحادثة إلى الفريق: لم تكن الإجابات مفيدة.',
    provider_error: 'تم تحويل المحادثة إلى الفريق: لم يتمكن المساعد من الرد.',
    filtered: 'تم تحويل المحادثة إلى الفريق: لم يتمكن المساعد من المساعدة في هذا الطلب.',
    agent: 'وضع أحد الموظفين المحادثة في قائمة انتظار الفريق.',
  },
  ja: {
    requested: '会話を担当チームに引き継ぎました（お客様が担当者との会話を希望されました）。',
    visitor: '会話を担当チームに引き継ぎました（お客様が担当者との会話を希望されました）。',
    low_confidence: '会話を担当チームに引き継ぎました（アシスタントが回答に確信を持てませんでした）。',
    unhelpful: '会話を担当チームに引き継ぎました（回答がお役に立ちませんでした）。',
    provider_error: '会話を担当チームに引き継ぎました（アシスタントが回答できませんでした）。',
    filtered: '会話を担当チームに引き継ぎました（アシスタントがこのご依頼に対応できませんでした）。',
    agent: '担当者が会話をチームの順番待ちに入れました。',
  },
};

/**
 * The text of the `escalated` system message, in the visitor's language (English otherwise).
 * @param {string} reason a reason code of the rules, or free text
 * @param {'visitor' | 'assistant' | 'agent'} requestedBy
 * @param {string | undefined} locale
 */
export function escalationNotice(reason, requestedBy, locale) {
  const t = ESCALATED[handoffLocale(locale)];
  if (Object.hasOwn(t, reason) && reason !== 'visitor' && reason !== 'agent') return t[/** @type {HandoffReason} */ (reason)];
  return requestedBy === 'agent' ? t.agent : t.visitor;
}

/**
 * @typedef {{ timeZone: string, weekly: Partial<Record<Weekday, [string, string][]>>, closedDates?: string[] }} BusinessHours
 *   `weekly`: opening intervals per weekday as "HH:MM" pairs in the tenant's time zone; a
 *   close time at or before the open time runs past midnight (["22:00", "02:00"]); "24:00" is the
 *   end of the day. `closedDates`: "YYYY-MM-DD" days closed all day (public holidays).
 * @typedef {'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'} Weekday
 */

const WEEKDAYS = /** @type {Weekday[]} */ (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

/**
 * Checks a business-hours setting; returns the problems (empty when valid), each naming the field.
 * @param {unknown} hours
 * @returns {string[]}
 */
export function validateBusinessHours(hours) {
  if (hours === null || hours === undefined) return [];
  /** @type {string[]} */
  const problems = [];
  const h = /** @type {Record<string, unknown>} */ (hours);
  if (typeof hours !== 'object') return ['businessHours must be an object or null'];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: String(h.timeZone) });
  } catch {
    problems.push(`businessHours.timeZone "${String(h.timeZone)}" is not an IANA time zone`);
  }
  const weekly = /** @type {Record<string, unknown>} */ (h.weekly ?? {});
  if (typeof weekly !== 'object' || Array.isArray(weekly)) problems.push('businessHours.weekly must be an object');
  else {
    for (const [day, intervals] of Object.entries(weekly)) {
      if (!WEEKDAYS.includes(/** @type {Weekday} */ (day))) problems.push(`businessHours.weekly.${day}: not a weekday (mon…sun)`);
      else if (
        !Array.isArray(intervals) ||
        intervals.some((iv) => !Array.isArray(iv) || iv.length !== 2 || !iv.every((t) => TIME.test(String(t))))
      ) {
        problems.push(`businessHours.weekly.${day}: expected [["HH:MM", "HH:MM"], …]`);
      }
    }
  }
  const closed = h.closedDates ?? [];
  if (!Array.isArray(closed) || closed.some((d) => !/^\d{4}-\d{2}-\d{2}$/.test(String(d))))
    problems.push('businessHours.closedDates: expected ["YYYY-MM-DD", …]');
  return problems;
}

/** @param {string} hhmm */
const minutes = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `date` falls in the opening hours (always true without business hours: 24/7).
 * @param {BusinessHours | null | undefined} hours
 * @param {Date} date
 */
export function isWithinBusinessHours(hours, date) {
  if (!hours) return true;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: hours.timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const day = WEEKDAYS.indexOf(/** @type {Weekday} */ (parts.weekday.toLowerCase().slice(0, 3)));
  const now = (Number(parts.hour) % 24) * 60 + Number(parts.minute);
  const today = `${parts.year}-${parts.month}-${parts.day}`;
  const closed = new Set(hours.closedDates ?? []);
  // The previous calendar day in the zone, for intervals that run past midnight.
  const [y, m, d] = today.split('-').map(Number);
  const yesterday = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
  const intervals = (/** @type {number} */ index) => hours.weekly[WEEKDAYS[(index + 7) % 7]] ?? [];
  if (!closed.has(today)) {
    for (const [open, close] of intervals(day)) {
      const o = minutes(open);
      const c = minutes(close);
      if (c > o ? now >= o && now < c : now >= o) return true;
    }
  }
  if (!closed.has(yesterday)) {
    for (const [open, close] of intervals(day - 1)) {
      const o = minutes(open);
      const c = minutes(close);
      if (c <= o && now < c) return true;
    }
  }
  return false;
}
