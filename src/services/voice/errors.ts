import type { VoiceErrorCode } from './wire.js';

/**
 * Everything voice can tell the visitor went wrong, as one code per problem. Each code is also the
 * key of its text in the locale files (`strings.voice.errors[code]`), so a service reports a code
 * and the element shows `errors[code]` in the visitor's language.
 *
 * | code | when |
 * | --- | --- |
 * | the {@link VoiceErrorCode}s | the server refused a phone callback (docs/protocol.md, Voice) |
 * | `permission_denied` | the visitor (or the browser, or the page's permissions policy) refused the microphone (`NotAllowedError`, `SecurityError`) |
 * | `no_microphone` | there is no microphone (`NotFoundError`, `OverconstrainedError`) |
 * | `microphone_busy` | the microphone exists but cannot be opened, e.g. another app holds it (`NotReadableError`, `AbortError`) |
 * | `connection_failed` | an in-browser call could not connect, or lost its connection and did not recover (ICE failed) |
 * | `unsupported` | the browser lacks what the feature needs (`getUserMedia`, `RTCPeerConnection`, `MediaRecorder`, speech) |
 * | `network` | no answer from the server |
 * | `unknown` | anything else (an unexpected server answer) |
 */
export type VoiceProblem =
  VoiceErrorCode | 'permission_denied' | 'no_microphone' | 'microphone_busy' | 'connection_failed' | 'unsupported' | 'network' | 'unknown';

/** The microphone could not be opened; `code` says why (and names the text to show). */
export class VoiceMediaError extends Error {
  readonly code: 'permission_denied' | 'no_microphone' | 'microphone_busy' | 'unsupported';

  constructor(code: VoiceMediaError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VoiceMediaError';
    this.code = code;
  }

  /** Maps what `getUserMedia` rejected with to a {@link VoiceMediaError}. */
  static from(error: unknown): VoiceMediaError {
    if (error instanceof VoiceMediaError) return error;
    const name = (error as { name?: unknown } | null)?.name;
    const message = (error as { message?: unknown } | null)?.message;
    const detail = typeof message === 'string' && message ? `: ${message}` : '';
    switch (name) {
      case 'NotAllowedError':
      case 'SecurityError':
        return new VoiceMediaError('permission_denied', `Microphone access was refused${detail}`, { cause: error });
      case 'NotFoundError':
      case 'OverconstrainedError':
        return new VoiceMediaError('no_microphone', `No microphone was found${detail}`, { cause: error });
      case 'NotReadableError':
      case 'AbortError':
        return new VoiceMediaError('microphone_busy', `The microphone could not be opened${detail}`, { cause: error });
      default:
        return new VoiceMediaError('unsupported', `The microphone is not available${detail}`, { cause: error });
    }
  }
}

/** `navigator.mediaDevices.getUserMedia`, injectable. */
export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

/** The browser's `getUserMedia`, or one that rejects with `unsupported` where there is none (insecure page, old browser). */
export function defaultGetUserMedia(): GetUserMedia {
  const devices = globalThis.navigator?.mediaDevices;
  if (!devices?.getUserMedia)
    return () => Promise.reject(new VoiceMediaError('unsupported', 'getUserMedia is not available (is the page served over https?)'));
  return (constraints) => devices.getUserMedia(constraints);
}

/** Asks for the microphone (echo cancellation and noise suppression on); rejects with a {@link VoiceMediaError}. */
export async function openMicrophone(getUserMedia: GetUserMedia): Promise<MediaStream> {
  try {
    return await getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }, video: false });
  } catch (error) {
    throw VoiceMediaError.from(error);
  }
}
