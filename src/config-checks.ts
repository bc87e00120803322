/**
 * What the chat does with the values of config.ts once it runs: one warning per attribute with
 * a bad value, and the {@link ChatServiceOptions} they make. Kept apart from config.ts so the
 * launcher, which needs only the checks and defaults, does not load the protocol, identity and
 * attachment modules these use (chat-runtime.ts imports this module).
 */
import type { ChatServiceOptions } from './services/chat-service.js';
import { identityProblem, type VisitorIdentity } from './services/identity.js';
import { STORAGE_MODES, type StorageMode } from './services/storage-mode.js';
import { parseSize, parseTypes } from './components/chat-input/attachment-limits.js';
import { DEFAULTS, POSITIONS, THEMES, isColor, isHttpUrl, isLength, isPosition, isTheme, type ChatConfig } from './config.js';

/** The properties whose change needs new service options (see {@link serviceOptions}). */
export const SERVICE_KEYS = [
  'gatewayUrl',
  'apiKey',
  'tenantId',
  'dbName',
  'fingerprint',
  'storage',
  'userId',
  'userToken',
  'userName',
  'userEmail',
] as const;

/**
 * What is wrong with the values that changed, as `[attribute, warning]` pairs; empty when all is
 * well. `changed` tells which properties changed in this update.
 */
export function configWarnings(c: ChatConfig, changed: (key: keyof ChatConfig) => boolean): Array<[string, string]> {
  const warnings: Array<[string, string]> = [];
  const warn = (attribute: string, text: string) => warnings.push([attribute, text]);
  if (changed('position') && !isPosition(c.position))
    warn('position', `"${c.position}" is not one of ${POSITIONS.join(', ')}; using ${DEFAULTS.position}.`);
  if (changed('theme') && !isTheme(c.theme)) warn('theme', `"${c.theme}" is not one of ${THEMES.join(', ')}; using ${DEFAULTS.theme}.`);
  if (changed('themeColor') && c.themeColor && !isColor(c.themeColor))
    warn('theme-color', `"${c.themeColor}" is not a CSS colour; using ${DEFAULTS.themeColor}.`);
  for (const key of ['width', 'height'] as const) {
    if (changed(key) && !isLength(c[key])) warn(key, `"${c[key]}" is not a CSS length; using ${DEFAULTS[key]}.`);
  }
  if (changed('gatewayUrl') && c.gatewayUrl && !isHttpUrl(c.gatewayUrl))
    warn('gateway-url', `"${c.gatewayUrl}" is not an http(s) URL; using the page's origin.`);
  if (changed('attachmentTypes')) {
    const { invalid } = parseTypes(c.attachmentTypes);
    if (invalid.length)
      warn('attachment-types', `${invalid.map((t) => `"${t}"`).join(', ')} is not a MIME type or type/* pattern; ignored.`);
  }
  if (changed('attachmentMaxSize') && Number.isNaN(parseSize(c.attachmentMaxSize))) {
    warn('attachment-max-size', `"${c.attachmentMaxSize}" is not a size (bytes, or like 5MB); using the server's limit.`);
  }
  if ((changed('tenantId') || changed('apiKey')) && !c.tenantId && !c.apiKey) {
    warn('tenant-id', 'is missing (and there is no api-key): the backend cannot tell which site this is.');
  }
  if (changed('storage') && !STORAGE_MODES.includes(c.storage as StorageMode))
    warn('storage', `"${c.storage}" is not persistent, session or memory; using ${DEFAULTS.storage}.`);
  const problem = (['userId', 'userToken'] as const).some(changed) && userIdentity(c).problem;
  if (problem) warn('user-token', `${problem}; staying anonymous.`);
  return warnings;
}

/** The logged-in visitor the user-* values describe, or why they cannot be used. */
function userIdentity(c: ChatConfig): { identity?: VisitorIdentity; problem?: string } {
  if (!c.userId && !c.userToken) return {};
  const identity = { userId: c.userId, userToken: c.userToken, name: c.userName || undefined, email: c.userEmail || undefined };
  const problem = identityProblem(identity);
  return problem ? { problem } : { identity };
}

/** The service options the values give, each bad value replaced by its default. */
export function serviceOptions(c: ChatConfig, origin: string): ChatServiceOptions {
  return {
    gatewayUrl: c.gatewayUrl && isHttpUrl(c.gatewayUrl) ? c.gatewayUrl : origin,
    apiKey: c.apiKey || undefined,
    tenantId: c.tenantId || undefined,
    dbName: c.dbName || undefined,
    fingerprint: c.fingerprint,
    storage: STORAGE_MODES.includes(c.storage as StorageMode) ? (c.storage as StorageMode) : DEFAULTS.storage,
    identity: userIdentity(c).identity,
  };
}
