/**
 * Who the visitor is, as the host page says: anonymous (nothing), or a logged-in user vouched for
 * by a `userToken` that the site's own backend signed (docs/security.md). The identity is an
 * option of the service (`ChatServiceOptions.identity`), kept in memory only, never in
 * IndexedDB: the token is a credential, and the page passes it again on every load.
 */
import type { SessionInfo, VerifiedUser } from '../protocol/v1.js';
import { decodeUser } from '../protocol/v1.js';

/** What `identify()` takes; `userToken` is required, the rest is for display. */
export interface VisitorIdentity {
  /** The site's user id; must equal the `sub` of `userToken`. */
  userId: string;
  /** A JWT (HS256) signed by the site's backend with the tenant's identity secret. */
  userToken: string;
  name?: string;
  email?: string;
}

/** The user a session belongs to, as the server confirmed it (`user` in the session answer). */
export type SessionUser = VerifiedUser;

/** True when both are the same identity (or both anonymous). */
export function sameIdentity(a: VisitorIdentity | undefined, b: VisitorIdentity | undefined): boolean {
  if (!a || !b) return a === b;
  return a.userId === b.userId && a.userToken === b.userToken && a.name === b.name && a.email === b.email;
}

/** Why an identity cannot be used, or undefined when it can. */
export function identityProblem(identity: Partial<VisitorIdentity>): string | undefined {
  if (typeof identity.userId !== 'string' || !identity.userId.trim()) return 'userId is required';
  if (typeof identity.userToken !== 'string' || identity.userToken.split('.').length !== 3) {
    return 'userToken must be the JWT your backend signed for this user (see docs/security.md)';
  }
  return undefined;
}

/**
 * The user a stored session was opened for, if any (absent on anonymous sessions and old
 * servers). Checked again: a session read back from storage is not trusted blindly.
 */
export function sessionUser(session: SessionInfo | undefined): SessionUser | undefined {
  return decodeUser(session?.user);
}
