// @ts-check
/**
 * The seeds' script paths (issue 13): the reference backend serves the drop-in under them too.
 * Used by static.js (which file) and http-util.js (CORS); no imports, so both can use it.
 */

/**
 * The seeds' script paths, served as the drop-in (`/amoiq-chat.js`) with the same headers. The
 * loader finds its chunks beside its own URL, so `/embed/chunks/…` is `/chunks/…` too.
 * @type {Record<string, string>}
 */
const SEED_SCRIPTS = {
  'chat-widget.js': 'amoiq-chat.js', // seed 002
  'widget.v1.0.0.js': 'amoiq-chat.js', // seed 000
};

/**
 * The segments of the drop-in file a seed's path names, else `segments` unchanged:
 * `/chat-widget.js`, `/widget.v1.0.0.js`, `/embed/widget.js` (seed 003) → `/amoiq-chat.js`;
 * `/embed/chunks/<file>` → `/chunks/<file>`.
 * @param {string[] | null} segments
 * @returns {string[] | null}
 */
export function seedScriptSegments(segments) {
  if (!segments) return segments;
  if (segments.length === 1 && SEED_SCRIPTS[segments[0]]) return [SEED_SCRIPTS[segments[0]]];
  if (segments[0] === 'embed' && segments.length === 2 && segments[1] === 'widget.js') return ['amoiq-chat.js'];
  if (segments[0] === 'embed' && segments[1] === 'chunks' && segments.length === 3) return segments.slice(1);
  return segments;
}

/** True for the paths {@link seedScriptSegments} maps (CORS: public, like the drop-in). @param {string} pathname */
export const isSeedScriptPath = (pathname) =>
  /^\/(?:chat-widget\.js|widget\.v1\.0\.0\.js|embed\/widget\.js|embed\/chunks\/[^/]+)$/.test(pathname);
