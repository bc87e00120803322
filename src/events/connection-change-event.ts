import type { ConnectionState, TransportKind } from '../services/transport.js';

/**
 * Fired by `<amoiq-chat>` when the connection state or the transport in use changes.
 */
export class AmoiqConnectionChangeEvent extends CustomEvent<{ state: ConnectionState; transport?: TransportKind }> {
  static readonly eventName = 'amoiq-connection-change';

  constructor(detail: { state: ConnectionState; transport?: TransportKind }) {
    super(AmoiqConnectionChangeEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'amoiq-connection-change': AmoiqConnectionChangeEvent;
  }
}
