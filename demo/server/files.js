// @ts-check
/**
 * Attachments (docs/protocol.md): raw-body uploads streamed to DATA_DIR/files/<id> with the size
 * limit enforced while reading, the tenant's type allow-list, file-name sanitising, and serving
 * files back with headers that keep a hostile file from running as a page.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nanoid } from 'nanoid';
import { ApiError, badRequest, notFound } from './errors.js';
import { refuseRestOfBody } from './http-util.js';
import { ImageFormatError, STRIPPED_TYPES, stripImageMetadata } from './image-metadata.js';

/** Types served `inline`; everything else (SVG and HTML included) is a download. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Longest stored file name, in characters. */
export const MAX_FILE_NAME = 200;
const MIME_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * A file name safe to store and show: the last path segment, without control, bidi-override or
 * path characters, at most 200 characters (the extension kept). Null when nothing is left.
 * @param {string | null} raw
 */
export function sanitizeFileName(raw) {
  if (raw === null) return null;
  const base = raw.split(/[\\/]/).pop() ?? '';
  // C0/C1 controls and the bidi overrides that make "gpj.exe" look like "exe.jpg".
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  let name = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  if (/^\.+$/.test(name)) name = '';
  const chars = [...name];
  if (chars.length > MAX_FILE_NAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 ? [...name.slice(dot)].slice(0, 20) : [];
    name = [...chars.slice(0, MAX_FILE_NAME - ext.length), ...ext].join('');
  }
  return name || null;
}

/**
 * The request's media type (lower case, without parameters), or null when absent or malformed.
 * @param {string | undefined} header
 */
export function mediaType(header) {
  const type = (header ?? '').split(';')[0].trim().toLowerCase();
  return MIME_PATTERN.test(type) ? type : null;
}

/**
 * Whether `type` is allowed by a list of exact types and `major/*` wildcards.
 * @param {string[]} allowed
 * @param {string} type
 */
export function isTypeAllowed(allowed, type) {
  return allowed.some((entry) => entry === type || (entry.endsWith('/*') && type.startsWith(entry.slice(0, -1))));
}

/**
 * Streams the request body into `DATA_DIR/files/<id>`, counting bytes as they arrive. Past
 * `maxSize` it stops storing at once, deletes what it wrote and answers 413, then discards the
 * rest of the body and closes (http-util's refuseRestOfBody); a declared `Content-Length` over
 * the limit is refused before anything is stored.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} filesDir
 * @param {number} maxSize bytes
 * @param {() => ApiError} [overLimit] the error past `maxSize` (default 413 `payload_too_large`)
 * @returns {Promise<{ id: string, size: number }>}
 * @throws {ApiError} 413, 400 (empty body)
 */
export async function receiveFile(req, res, filesDir, maxSize, overLimit) {
  const tooLarge = () => {
    // The rest of the body is discarded (bounded) and the connection closed after the answer, so
    // the client reads the 413 instead of a reset connection.
    refuseRestOfBody(req, res);
    return overLimit?.() ?? new ApiError(413, 'payload_too_large', `File is larger than ${maxSize} bytes.`);
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxSize) throw tooLarge();
  await mkdir(filesDir, { recursive: true });
  const id = `f_${nanoid()}`;
  const path = join(filesDir, id);
  const out = createWriteStream(path, { flags: 'wx' });
  let size = 0;
  /** @type {'done' | 'too-large' | 'aborted' | 'failed'} */
  const outcome = await new Promise((resolve) => {
    let settled = false;
    const finish = (/** @type {'done' | 'too-large' | 'aborted' | 'failed'} */ result) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
      req.off('close', onAborted);
      resolve(result);
    };
    // A write that fails (disk full, permissions) must answer 500, not crash the process.
    out.on('error', () => finish('failed'));
    const onData = (/** @type {Buffer} */ chunk) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxSize) return finish('too-large');
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    };
    const onEnd = () => finish('done');
    const onAborted = () => finish('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onAborted);
    req.on('close', onAborted);
  });
  if (outcome === 'failed' || out.destroyed) out.destroy();
  else await new Promise((resolve) => out.end(resolve));
  if (outcome !== 'done' || size === 0 || out.errored) {
    await unlink(path).catch(() => undefined);
    if (outcome === 'failed' || out.errored) {
      req.resume(); // drain what is left; the answer is an error either way
      throw new ApiError(500, 'internal', 'The file could not be stored.');
    }
    if (outcome === 'too-large') throw tooLarge();
    if (outcome === 'aborted') throw badRequest('Upload was interrupted.');
    throw badRequest('The file is empty.');
  }
  return { id, size };
}

/**
 * Removes the metadata (EXIF with GPS, XMP, comments, trailers) of a stored JPEG, PNG or WebP in
 * place (image-metadata.js); other types are left as they are. A file that is not a well-formed
 * image of its declared type is deleted and refused: it would be served inline as that type.
 * @param {string} filesDir
 * @param {string} id
 * @param {string} type
 * @returns {Promise<number>} the stored size in bytes
 * @throws {ApiError} 415 `unsupported_type` for a malformed image
 */
export async function cleanStoredImage(filesDir, id, type) {
  const path = join(filesDir, id);
  const original = await readFile(path);
  if (!STRIPPED_TYPES.has(type)) return original.length;
  let clean;
  try {
    clean = stripImageMetadata(type, new Uint8Array(original.buffer, original.byteOffset, original.length));
  } catch (error) {
    if (!(error instanceof ImageFormatError)) throw error;
    await unlink(path).catch(() => undefined);
    throw new ApiError(415, 'unsupported_type', `The file is not a valid ${type} image (${error.message}).`);
  }
  if (clean.length !== original.length || !Buffer.from(clean.buffer, clean.byteOffset, clean.length).equals(original))
    await writeFile(path, clean);
  return clean.length;
}

/**
 * `GET /files/:id/:name`: a stored file, with headers that keep it inert: `nosniff`, a sandboxing
 * CSP, and `inline` only for raster images (everything else downloads).
 * @param {import('node:http').ServerResponse} res
 * @param {{ id: string, name: string, type: string, size: number } | null} file
 * @param {string} filesDir
 * @param {boolean} head answer the headers only
 */
export function sendFile(res, file, filesDir, head) {
  if (!file) throw notFound('Unknown file.');
  const disposition = INLINE_TYPES.has(file.type) ? 'inline' : 'attachment';
  const ascii = file.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  res.writeHead(200, {
    'Content-Type': file.type,
    'Content-Length': String(file.size),
    'Content-Disposition': `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cache-Control': 'private, max-age=86400, immutable',
    'Referrer-Policy': 'no-referrer',
  });
  if (head) {
    res.end();
    return;
  }
  const stream = createReadStream(join(filesDir, file.id));
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
