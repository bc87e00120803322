// @ts-check
/**
 * The voice endpoints (docs/protocol.md, "Voice"): a visitor asks for a phone callback or cancels
 * it (`/api/chat/voice/*`, visitor headers), and the telephony provider reports the call's
 * progress (`/api/voice/webhooks/twilio|retell`, signed by the provider). The call manager
 * (voice/calls.js) does the work; voice/service.js turns its events into frames and notices.
 */
import { ApiError, conversationClosed, notFound } from '../errors.js';
import { readJson, sendJson } from '../http-util.js';
import { readWebhookBody, webhookRequestUrl } from '../voice/index.js';
import { requireTenant, requireVisitor } from './access.js';

/** @typedef {import('./index.js').Handler} Handler */
/** @typedef {import('./index.js').Context} Context */

/** @param {Context} ctx */
function voiceOf(ctx) {
  const voice = ctx.deps.voice;
  if (!voice) throw new ApiError(403, 'voice_disabled', 'This server offers no voice.');
  return voice;
}

/**
 * The visitor's conversation named in the body, open.
 * @param {Context} ctx
 */
async function visitorCall(ctx) {
  const tenant = await requireTenant(ctx);
  const visitor = await requireVisitor(ctx, tenant);
  // A conversation started through a widget with voice off (issue 13) has no calls.
  if (await ctx.deps.store.widgets.turnsOff(visitor.widgetId, 'voice'))
    throw new ApiError(403, 'voice_disabled', "This widget has voice turned off (its configuration's features.voice).");
  const body = await readJson(ctx.req);
  const conversation = await ctx.deps.chat.visitorConversation(visitor, body.conversationId);
  return { tenant, visitor, body, conversation };
}

/** `POST /api/chat/voice/callback` `{ conversationId, phoneNumber, consent, consentText }`. @type {Handler} */
export async function postVoiceCallback(ctx) {
  const voice = voiceOf(ctx);
  const { tenant, visitor, body, conversation } = await visitorCall(ctx);
  if (conversation.status === 'closed') throw conversationClosed();
  if (voice.rtc.active(conversation.id)) throw new ApiError(409, 'call_active', 'This conversation already has a call in progress.');
  try {
    const call = await voice.calls.start({
      tenant: voice.rulesTenant(tenant.id),
      conversationId: conversation.id,
      visitorId: visitor.visitorId,
      phoneNumber: body.phoneNumber,
      consent: body.consent,
      consentText: body.consentText,
    });
    sendJson(ctx.res, 201, { call: wireOf(voice, conversation.id, call) });
  } catch (error) {
    const active = /** @type {{ call?: import('../voice/calls.js').Call }} */ (error).call;
    if (error instanceof ApiError && error.code === 'call_active' && active) {
      sendJson(ctx.res, 409, { error: { code: error.code, message: error.message }, call: wireOf(voice, conversation.id, active) });
      return;
    }
    throw error;
  }
}

/**
 * @param {import('../voice/service.js').VoiceService} voice
 * @param {string} conversationId
 * @param {import('../voice/calls.js').Call} call
 */
function wireOf(voice, conversationId, call) {
  const current = voice.current(conversationId);
  return current && current.call.id === call.id ? current.call : voice.wire(call);
}

/** `POST /api/chat/voice/cancel` `{ conversationId, callId? }`. @type {Handler} */
export async function postVoiceCancel(ctx) {
  const voice = voiceOf(ctx);
  const { body, conversation } = await visitorCall(ctx);
  const current = voice.calls.current(conversation.id);
  if (body.callId !== undefined && (typeof body.callId !== 'string' || current?.id !== body.callId))
    throw notFound('This conversation has no such active call.');
  const call = await voice.calls.cancel(conversation.id);
  sendJson(ctx.res, 200, { call: voice.wire(call) });
}

/**
 * A provider's status webhook: 204 when taken (also for an unknown call), 403 for a bad signature.
 * @param {Context} ctx
 * @param {'twilio' | 'retell'} provider
 */
async function webhook(ctx, provider) {
  const voice = ctx.deps.voice;
  // The exact bytes (signatures are computed over them), at most 64 KiB: a larger body is
  // answered 413 and the sender reads it, not a reset connection.
  const raw = await readWebhookBody(ctx.req);
  if (!voice || voice.provider.name !== provider) throw notFound(`No ${provider} telephony is configured.`);
  const url = webhookRequestUrl(ctx.req, ctx.deps.publicUrl ?? `http://${ctx.req.headers.host ?? 'localhost'}`);
  voice.calls.handleWebhook(/** @type {Record<string, string | string[] | undefined>} */ (ctx.req.headers), raw, url);
  sendJson(ctx.res, 204);
}

/** `POST /api/voice/webhooks/twilio?call=…`. @type {Handler} */
export const postTwilioWebhook = (ctx) => webhook(ctx, 'twilio');

/** `POST /api/voice/webhooks/retell`. @type {Handler} */
export const postRetellWebhook = (ctx) => webhook(ctx, 'retell');
