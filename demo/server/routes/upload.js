// @ts-check
/**
 * Uploads of visitors and agents (`POST …/uploads`, raw body) and file downloads (`GET /files/…`).
 */
import { ApiError, badRequest, conversationClosed } from '../errors.js';
import { cleanStoredImage, isTypeAllowed, mediaType, receiveFile, sanitizeFileName, sendFile } from '../files.js';
import { refuseRestOfBody, sendJson } from '../http-util.js';
import { publicOrigin } from './access.js';

/**
 * @typedef {import('./index.js').Context} Context
 * @typedef {import('./index.js').Handler} Handler
 * @typedef {import('../types.js').Conversation} Conversation
 * @typedef {import('../types.js').Sender} Sender
 */

/**
 * Stores the request body as a file of the conversation and answers `201 { attachment }`.
 * Checks, in order: open conversation, rate, name, type, then size while streaming.
 * @param {Context} ctx
 * @param {Conversation} conversation
 * @param {Sender} uploader
 * @param {string} rateKey
 */
export async function upload(ctx, conversation, uploader, rateKey) {
  const { deps, req, url } = ctx;
  if (conversation.status === 'closed') throw conversationClosed();
  deps.limits.uploads.hit(rateKey);
  const name = sanitizeFileName(url.searchParams.get('name'));
  if (!name) throw badRequest('`name` (the file name) is required.');
  const { attachments } = await deps.store.tenants.widgetConfig(conversation.tenantId);
  const type = mediaType(req.headers['content-type']);
  if (!type || !isTypeAllowed(attachments.types, type)) {
    throw new ApiError(
      415,
      'unsupported_type',
      `Files of type ${JSON.stringify(type ?? req.headers['content-type'] ?? '')} are not accepted here.`,
    );
  }
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  // Quotas (visitor and tenant) may leave less room than maxSize; what is in flight counts too.
  const room = await deps.guards.uploads
    .reserve(conversation, uploader.type === 'visitor' ? 'visitor' : 'agent', attachments.maxSize, declared)
    .catch((error) => {
      // Refused before anything is stored: the rest of the body is discarded (bounded) and the
      // connection closed after the answer, so the client reads the 413 (http-util.js).
      refuseRestOfBody(req, ctx.res);
      throw error;
    });
  /** @type {{ id: string, size: number }} */
  let stored;
  try {
    const received = await receiveFile(req, ctx.res, deps.filesDir, room.cap, room.tooLarge);
    // EXIF (GPS), XMP and comments never reach the other side (image-metadata.js).
    stored = { id: received.id, size: await cleanStoredImage(deps.filesDir, received.id, type) };
  } finally {
    room.release();
  }
  const fileUrl = `${publicOrigin(ctx)}/files/${stored.id}/${encodeURIComponent(name)}`;
  const { attachment, started } = await deps.store.files.insert({
    ...stored,
    conversationId: conversation.id,
    name,
    type,
    url: fileUrl,
    uploader,
  });
  if (started) await deps.chat.announceConversation(conversation.id);
  sendJson(ctx.res, 201, { attachment });
}

/** `GET /files/:id/:name`: a stored file (capability URL: the id is unguessable). @type {Handler} */
export async function getFile(ctx) {
  const file = await ctx.deps.store.files.byId(ctx.params.id);
  sendFile(ctx.res, file, ctx.deps.filesDir, ctx.req.method === 'HEAD');
}
