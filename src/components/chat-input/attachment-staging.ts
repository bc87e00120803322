/**
 * The files staged for the next message, without the DOM: each one uploads at once, reports its
 * progress, can be cancelled (the request is aborted) or retried after a failure, and is sent with
 * the message once uploaded.
 */
import { nanoid } from 'nanoid';
import type { Attachment } from '../../protocol/v1.js';
import type { UploadOptions } from '../../services/upload.js';

/** Uploads one file; `ChatService.upload` in the widget, a fake in tests. */
export type Uploader = (file: File, options: UploadOptions) => Promise<Attachment>;

/** One staged file as the composer shows it. */
export interface StagedFile {
  /** Stable key for rendering. */
  readonly key: string;
  readonly file: File;
  state: 'uploading' | 'uploaded' | 'failed';
  /** Bytes sent so far, of `total`. */
  loaded: number;
  total: number;
  /** The stored file, once uploaded. */
  attachment?: Attachment;
  /** The error code of a failed upload (`payload_too_large`, `unsupported_type`, `network`…). */
  error?: string;
  controller?: AbortController;
}

/**
 * Staged attachments of the composer. `onChange` runs after every change (added, progress,
 * uploaded, failed, removed), so the element can re-render.
 *
 * @example
 * const staging = new AttachmentStaging(() => this.requestUpdate());
 * staging.uploader = (file, o) => service.upload(file, o);
 * staging.add(file);
 */
export class AttachmentStaging {
  /** The files in the order they were added. */
  items: readonly StagedFile[] = [];
  /** How files are uploaded; without one, an added file fails with `not_connected`. */
  uploader?: Uploader;

  constructor(private readonly onChange: () => void) {}

  /** True while at least one file is uploading: the message cannot be sent yet. */
  get uploading(): boolean {
    return this.items.some((i) => i.state === 'uploading');
  }

  /** The stored files, to send with the message. */
  get uploaded(): Attachment[] {
    return this.items.flatMap((i) => (i.state === 'uploaded' && i.attachment ? [i.attachment] : []));
  }

  /** Stages a file (already checked against the limits) and starts its upload. */
  add(file: File): StagedFile {
    const item: StagedFile = { key: nanoid(8), file, state: 'uploading', loaded: 0, total: file.size };
    this.items = [...this.items, item];
    this.start(item);
    return item;
  }

  /** Removes a file; an upload in progress is aborted. */
  remove(key: string): void {
    const item = this.items.find((i) => i.key === key);
    if (!item) return;
    this.items = this.items.filter((i) => i !== item);
    item.controller?.abort();
    this.onChange();
  }

  /** Uploads a failed file again. */
  retry(key: string): void {
    const item = this.items.find((i) => i.key === key);
    if (item?.state !== 'failed') return;
    this.start(item);
  }

  /** Forgets the uploaded files (they were sent); failed and uploading ones stay. */
  takeUploaded(): Attachment[] {
    const sent = this.uploaded;
    this.items = this.items.filter((i) => i.state !== 'uploaded');
    this.onChange();
    return sent;
  }

  /** Aborts every upload in progress and forgets all files (the composer went away). */
  clear(): void {
    for (const item of this.items) item.controller?.abort();
    this.items = [];
  }

  private start(item: StagedFile): void {
    const controller = new AbortController();
    Object.assign(item, { state: 'uploading', loaded: 0, error: undefined, controller });
    this.changed(item);
    const uploader = this.uploader;
    const upload = uploader
      ? uploader(item.file, {
          signal: controller.signal,
          onProgress: (loaded, total) => {
            if (item.controller !== controller) return;
            item.loaded = loaded;
            item.total = total || item.file.size;
            this.changed(item);
          },
        })
      : Promise.reject(Object.assign(new Error('The chat is not connected.'), { code: 'not_connected' }));
    upload.then(
      (attachment) => {
        if (item.controller !== controller || controller.signal.aborted) return;
        Object.assign(item, { state: 'uploaded', attachment, loaded: item.total, controller: undefined });
        this.changed(item);
      },
      (err: unknown) => {
        if (item.controller !== controller || controller.signal.aborted) return;
        const code = (err as { code?: unknown })?.code;
        Object.assign(item, { state: 'failed', error: typeof code === 'string' ? code : 'network', controller: undefined });
        console.warn(`[amoiq-chat] Upload of "${item.file.name}" failed: ${(err as Error)?.message ?? String(err)}`);
        this.changed(item);
      },
    );
  }

  /** Publishes a change of one file (a new list, so a Lit property holding it sees the change). */
  private changed(item: StagedFile): void {
    if (!this.items.includes(item)) return;
    this.items = [...this.items];
    this.onChange();
  }
}
