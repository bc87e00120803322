import { ApiError, checkAttachment, errorFromAnswer, type Attachment } from '../protocol/v1.js';

/** What an upload reports while it runs, and how it is cancelled. */
export interface UploadOptions {
  /** Called as bytes leave the browser: `loaded` of `total`. */
  onProgress?: (loaded: number, total: number) => void;
  /** Aborting it aborts the request; the upload then rejects with a DOMException `AbortError`. */
  signal?: AbortSignal;
}

/** One `POST /api/chat/uploads` request: where, as whom, and which file. */
export interface UploadRequest extends UploadOptions {
  /** Full URL, query included. */
  url: string;
  /** Request headers (`Authorization`, `X-Amoiq-Session`). */
  headers: Record<string, string>;
  file: Blob;
  /** The `XMLHttpRequest` constructor; injectable for tests. */
  XMLHttpRequest?: typeof XMLHttpRequest;
}

/**
 * Sends a file's raw bytes with XMLHttpRequest (fetch cannot report upload progress) and resolves
 * with the stored {@link Attachment}. Rejects with an {@link ApiError} for an error answer (codes
 * `payload_too_large`, `unsupported_type`, `token_expired`…), a network failure (`network`) or a
 * malformed answer (`bad_response`), and with a DOMException `AbortError` when `signal` aborts.
 */
export function sendUpload({
  url,
  headers,
  file,
  onProgress,
  signal,
  XMLHttpRequest: XHR = globalThis.XMLHttpRequest,
}: UploadRequest): Promise<Attachment> {
  return new Promise<Attachment>((resolve, reject) => {
    const abortError = () => new DOMException('The upload was cancelled.', 'AbortError');
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const xhr = new XHR();
    const onAbort = () => xhr.abort();
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.addEventListener('load', () => {
      done();
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(errorFromAnswer(xhr.status, body, xhr.getResponseHeader('Retry-After')));
        return;
      }
      const attachment = (body as { attachment?: unknown } | undefined)?.attachment;
      const reason = checkAttachment(attachment);
      if (reason) reject(new ApiError(xhr.status, 'bad_response', `Server answer: ${reason}`));
      else resolve(attachment as Attachment);
    });
    xhr.addEventListener('error', () => {
      done();
      reject(new ApiError(0, 'network', `Cannot reach ${new URL(url, location.href).origin} to upload.`));
    });
    xhr.addEventListener('abort', () => {
      done();
      reject(abortError());
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(file);
  });
}
