// @ts-check
/**
 * Upload storage rules (docs/security.md, "Upload storage"): per-visitor and per-tenant storage
 * quotas, and the sweep that deletes files no message took up within the hour. The bytes live in
 * DATA_DIR/files/<id>, the metadata in chat_files (store/files.js).
 */
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from './errors.js';

/**
 * @typedef {import('./store/files.js').FileStore} FileStore
 * @typedef {Pick<import('./limits.js').Limits, 'visitorStorageBytes' | 'tenantStorageBytes' | 'unattachedFileSeconds' | 'sweepIntervalSeconds'>} StorageLimits
 */

/** @param {string} what */
export function quotaExceeded(what) {
  return new ApiError(
    413,
    'quota_exceeded',
    `The storage quota of ${what} is used up; files not sent with a message are deleted after an hour.`,
  );
}

export class UploadStorage {
  /**
   * @param {{ files: FileStore, filesDir: string, limits: StorageLimits }} options
   *   `limits` is read on every call, so a changed limit applies to the next upload
   */
  constructor({ files, filesDir, limits }) {
    /** @private */
    this.files = files;
    /** @private */
    this.filesDir = filesDir;
    /** @private */
    this.limits = limits;
    /** @private @type {Map<string, number>} bytes of uploads in flight, per `tenant:` and `owner:` key */
    this.inflight = new Map();
    /** @private @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
  }

  /**
   * Reserves room for one upload and says how many bytes it may have: the tenant's `maxSize`, or
   * less when a quota is nearly used up (counting uploads still in flight). Call `release()` when
   * the upload ended, stored or not.
   * @param {{ tenantId: string, visitorId: string, userId?: string }} conversation
   * @param {'visitor' | 'agent'} uploader agents' files count against the tenant only
   * @param {number} maxSize
   * @param {number} [declared] the request's Content-Length, when it has one
   * @returns {Promise<{ cap: number, tooLarge: () => ApiError, release: () => void }>}
   *   `tooLarge`: the error for a body over `cap` (413 `payload_too_large` or `quota_exceeded`)
   * @throws {ApiError} 413 `quota_exceeded` when a quota has no room left at all
   */
  async reserve(conversation, uploader, maxSize, declared) {
    const owner = uploader === 'visitor' ? { visitorId: conversation.visitorId, userId: conversation.userId } : undefined;
    const used = await this.files.storageUsed(conversation.tenantId, owner);
    const tenantKey = `tenant:${conversation.tenantId}`;
    const ownerKey = owner ? `owner:${conversation.tenantId}:${owner.userId ? `u:${owner.userId}` : `v:${owner.visitorId}`}` : null;
    const tenantRoom = this.limits.tenantStorageBytes - used.tenant - (this.inflight.get(tenantKey) ?? 0);
    const ownerRoom = ownerKey ? this.limits.visitorStorageBytes - used.owner - (this.inflight.get(ownerKey) ?? 0) : Infinity;
    if (tenantRoom <= 0) throw quotaExceeded('this site');
    if (ownerRoom <= 0) throw quotaExceeded('this visitor');
    const cap = Math.min(maxSize, tenantRoom, ownerRoom);
    const tooLarge =
      cap === maxSize
        ? () => new ApiError(413, 'payload_too_large', `File is larger than ${maxSize} bytes.`)
        : () => quotaExceeded(ownerRoom < tenantRoom ? 'this visitor' : 'this site');
    if (Number.isFinite(declared) && /** @type {number} */ (declared) > cap) throw tooLarge();
    const held = Number.isFinite(declared) && /** @type {number} */ (declared) >= 0 ? /** @type {number} */ (declared) : cap;
    const keys = ownerKey ? [tenantKey, ownerKey] : [tenantKey];
    for (const key of keys) this.inflight.set(key, (this.inflight.get(key) ?? 0) + held);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const key of keys) {
        const left = (this.inflight.get(key) ?? 0) - held;
        if (left > 0) this.inflight.set(key, left);
        else this.inflight.delete(key);
      }
    };
    return { cap, tooLarge, release };
  }

  /**
   * Deletes the files no message references that were uploaded more than
   * `unattachedFileSeconds` before `now` (metadata first, then the bytes).
   * @param {number} [now] milliseconds since the epoch (injectable: tests move the clock)
   * @returns {Promise<string[]>} the deleted files' ids
   */
  async sweep(now = Date.now()) {
    const ids = await this.files.deleteUnattached(new Date(now - this.limits.unattachedFileSeconds * 1000));
    await Promise.all(ids.map((id) => unlink(join(this.filesDir, id)).catch(() => undefined)));
    return ids;
  }

  /**
   * Runs {@link sweep} every `sweepIntervalSeconds` until {@link stop} (the timer does not keep
   * the process alive). A failed sweep is logged and tried again next time.
   * @param {() => number} [clock]
   */
  start(clock = Date.now) {
    if (this.timer || this.limits.sweepIntervalSeconds <= 0) return;
    this.timer = setInterval(() => {
      this.sweep(clock()).catch((error) => console.error('upload sweep failed', error));
    }, this.limits.sweepIntervalSeconds * 1000);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
