/** Why `<amoiq-chat>` refused a file: type not allowed, over the size limit, empty, or more than 5 in one message. */
export type AttachmentRejectedReason = 'type' | 'size' | 'empty' | 'count';

/** What {@link AmoiqAttachmentRejectedEvent} tells the host page. */
export interface AttachmentRejectedDetail {
  /** The file's name. */
  name: string;
  /** The file's MIME type as the browser reported it (may be empty). */
  type: string;
  /** The file's size in bytes. */
  size: number;
  /** Why it was refused. */
  reason: AttachmentRejectedReason;
}

/**
 * Fired by `<amoiq-chat>` when the visitor picks, pastes or drops a file that the attachment
 * limits refuse. The file is not uploaded; the visitor sees why near the message box.
 */
export class AmoiqAttachmentRejectedEvent extends CustomEvent<AttachmentRejectedDetail> {
  static readonly eventName = 'amoiq-attachment-rejected';

  constructor(detail: AttachmentRejectedDetail) {
    super(AmoiqAttachmentRejectedEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-attachment-rejected': AmoiqAttachmentRejectedEvent;
  }
}
