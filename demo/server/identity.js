// @ts-check
/**
 * Verified visitors: the site's own backend signs a `userToken` (a JWT, HS256, with the tenant's
 * identity secret) for its logged-in user, and the widget passes it to `POST /api/chat/session`.
 * Only a token that verifies becomes an identity; anything else is `401 invalid_identity`.
 */
import { jwtVerify, errors as joseErrors } from 'jose';
import { ApiError } from './errors.js';

/** Longest accepted user id, name and e-mail. */
const MAX_FIELD = 256;
/** Longest accepted userToken lifetime, counted from now; a site should mint short-lived ones per page load. */
const MAX_LIFETIME_SECONDS = 7 * 24 * 3600;
/** How far a token's `iat` may be ahead of this server's clock (clock skew between the servers). */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/** @param {string} message */
export const invalidIdentity = (message) => new ApiError(401, 'invalid_identity', message);

/**
 * @param {unknown} value
 * @returns {string | undefined}
 */
function optionalString(value) {
  return typeof value === 'string' && value.trim() && value.length <= MAX_FIELD ? value.trim() : undefined;
}

/**
 * Verifies a userToken against the tenant's identity secret and returns the user it vouches for.
 *
 * Required claims: `sub` (the user id, 1–256 characters) and `exp` (at most 7 days from now).
 * Optional: `iat` (not more than {@link MAX_CLOCK_SKEW_SECONDS} in the future: a token "issued"
 * next year would otherwise pass any lifetime check measured from it), `name`, `email`. Only
 * `HS256` is accepted; `alg: none` and every other algorithm are refused.
 * @param {{ id: string, identitySecret?: string | null }} tenant
 * @param {unknown} userToken
 * @returns {Promise<import('./types.js').VerifiedUser>}
 * @throws {ApiError} 401 `invalid_identity`
 */
export async function verifyUserToken(tenant, userToken) {
  if (!tenant.identitySecret) throw invalidIdentity(`Tenant "${tenant.id}" has no identity secret; it cannot identify users.`);
  if (typeof userToken !== 'string' || !userToken || userToken.length > 8192) throw invalidIdentity('`userToken` must be a JWT string.');
  let payload;
  try {
    ({ payload } = await jwtVerify(userToken, new TextEncoder().encode(tenant.identitySecret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw invalidIdentity('`userToken` has expired.');
    if (error instanceof joseErrors.JWTClaimValidationFailed) throw invalidIdentity(`\`userToken\`: ${error.message}.`);
    throw invalidIdentity('`userToken` is not signed with this tenant’s identity secret.');
  }
  const id = optionalString(payload.sub);
  if (!id) throw invalidIdentity('`userToken` has no usable `sub` (user id).');
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.iat === 'number' && payload.iat > now + MAX_CLOCK_SKEW_SECONDS) {
    throw invalidIdentity('`userToken` is issued in the future (`iat`); check the signing server’s clock.');
  }
  // From now, not from `iat`: what matters is how long this token can still be used.
  if (typeof payload.exp === 'number' && payload.exp - now > MAX_LIFETIME_SECONDS) {
    throw invalidIdentity('`userToken` lives longer than 7 days; mint short-lived tokens.');
  }
  const name = optionalString(payload.name);
  const email = optionalString(payload.email);
  return { id, ...(name ? { name } : {}), ...(email ? { email } : {}) };
}
