/** Type guards the protocol decoders share: they look at untrusted values without throwing. */

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isString = (v: unknown): v is string => typeof v === 'string';

/** A sequence number: an integer ≥ 0. */
export const isSeq = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
