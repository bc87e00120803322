// @ts-check
/**
 * In-process publish/subscribe. Visitor sockets and long polls listen to one conversation; agent
 * sockets listen to a whole tenant. One process holds every connection, so no broker is needed.
 */

/**
 * @typedef {import('./types.js').Message} Message
 * @typedef {import('./types.js').Sender} Sender
 * @typedef {import('./types.js').ConversationSummary} ConversationSummary
 * @typedef {(
 *   | { type: 'message', message: Message }
 *   | { type: 'typing', conversationId: string, sender: Sender, typing: boolean }
 *   | { type: 'conversation', conversation: ConversationSummary }
 *   | { type: 'status', conversationId: string, status: 'open' | 'closed' }
 *   | { type: 'read', conversationId: string, reader: 'visitor' | 'agent', seq: number }
 *   | { type: 'revoked', conversationId: string, visitorId: string }
 *   | { type: 'agent-revoked', agentId: string }
 *   | { type: 'raw', data: string }
 *   | { type: 'call', conversationId: string, call: import('./voice/service.js').WireCall }
 *   | { type: 'mode', conversationId: string, mode: 'chat' | 'voice', callId: string }
 *   | { type: 'rtc', conversationId: string, to: 'visitor' | 'agent', agentId?: string, frame: Record<string, unknown> }
 *   | { type: 'assistant', conversationId: string | null, frame: Record<string, any> & { type: string } }
 *   | { type: 'assistant-cooldown', until: number, retryAfter: number }
 * ) & { origin?: unknown }} HubEvent
 *   `revoked`: the conversation was relinked to another visitor id; connections of `visitorId`
 *   (the old one) must end.
 *   `agent-revoked`: the agent's tokens were revoked (logout, password change, removal); its
 *   sockets must close.
 *   `call` and `mode`: a call of the conversation changed (voice/service.js).
 *   `raw` carries a frame written as is to the conversation's visitor sockets (test-only debug hook).
 *   `assistant-cooldown` (tenant-wide, no conversation): the tenant's provider asked to wait
 *   (a 429) until `until` (ms since the epoch); every node's assistant waits (assistant/service.js).
 *   Clients never get it.
 *   `origin` identifies the connection that caused the event, so it can skip its own echo.
 * @typedef {(event: HubEvent, local: boolean) => void} Listener `local`: published on this node
 *   (false: another node's event, delivered here by cluster.js) — what acts on an event once for the
 *   whole cluster (the assistant answering a visitor) acts on local ones only
 * @typedef {(agentsOnline: boolean) => void} PresenceListener
 */

export class Hub {
  constructor() {
    /** @private @type {Map<string, Set<Listener>>} */
    this.byConversation = new Map();
    /** @private @type {Map<string, Set<Listener>>} */
    this.byTenant = new Map();
    /** @private @type {Map<string, Set<PresenceListener>>} visitor sockets and long polls, per tenant */
    this.presenceListeners = new Map();
    /** @private @type {Map<string, number>} open agent sockets per tenant */
    this.agentSockets = new Map();
    /** @private @type {Map<string, Map<string, number>>} open agent sockets per tenant and agent name (this process) */
    this.agentNames = new Map();
  }

  /**
   * The display names of the tenant's agents with a socket open on this process, in the order
   * they connected (session `config.team.agents`; docs/protocol.md, "Team").
   * @param {string} tenantId
   */
  onlineAgentNames(tenantId) {
    return [...(this.agentNames.get(tenantId)?.keys() ?? [])];
  }

  /**
   * Whether at least one agent of the tenant has the agent WebSocket open.
   * @param {string} tenantId
   */
  agentsOnline(tenantId) {
    return (this.agentSockets.get(tenantId) ?? 0) > 0;
  }

  /**
   * Counts an agent socket of the tenant as open until the returned function is called; the
   * tenant's presence listeners hear every change of {@link agentsOnline}.
   * @param {string} tenantId
   * @param {string} [name] the agent's display name, listed by {@link onlineAgentNames} while connected
   * @returns {() => void}
   */
  agentConnected(tenantId, name) {
    const before = this.agentsOnline(tenantId);
    this.agentSockets.set(tenantId, (this.agentSockets.get(tenantId) ?? 0) + 1);
    const names = this.agentNames.get(tenantId) ?? new Map();
    if (name) this.agentNames.set(tenantId, names.set(name, (names.get(name) ?? 0) + 1));
    if (!before) this.announcePresence(tenantId);
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      if (name) {
        const left = (names.get(name) ?? 1) - 1;
        if (left > 0) names.set(name, left);
        else names.delete(name);
        if (!names.size) this.agentNames.delete(tenantId);
      }
      const left = (this.agentSockets.get(tenantId) ?? 1) - 1;
      if (left > 0) this.agentSockets.set(tenantId, left);
      else {
        this.agentSockets.delete(tenantId);
        this.announcePresence(tenantId);
      }
    };
  }

  /** Open agent sockets of this process, per tenant (cluster.js tells the other nodes). */
  localAgentSockets() {
    return new Map(this.agentSockets);
  }

  /**
   * Listens to presence changes of a tenant. Returns the unsubscribe function.
   * @param {string} tenantId
   * @param {PresenceListener} listener
   */
  subscribePresence(tenantId, listener) {
    return subscribe(this.presenceListeners, tenantId, listener);
  }

  /**
   * Tells the tenant's presence listeners whether agents are online now.
   * @protected
   * @param {string} tenantId
   */
  announcePresence(tenantId) {
    const online = this.agentsOnline(tenantId);
    for (const listener of [...(this.presenceListeners.get(tenantId) ?? [])]) {
      try {
        listener(online);
      } catch (error) {
        console.error('presence listener failed', error);
      }
    }
  }

  /**
   * Listens to events of one conversation. Returns the unsubscribe function.
   * @param {string} conversationId
   * @param {Listener} listener
   */
  subscribeConversation(conversationId, listener) {
    return subscribe(this.byConversation, conversationId, listener);
  }

  /**
   * Listens to events of every conversation of a tenant. Returns the unsubscribe function.
   * @param {string} tenantId
   * @param {Listener} listener
   */
  subscribeTenant(tenantId, listener) {
    return subscribe(this.byTenant, tenantId, listener);
  }

  /**
   * Delivers an event to the conversation's listeners (unless `conversationId` is null) and to the
   * tenant's listeners. A throwing listener is logged and does not stop the others.
   * @param {string} tenantId
   * @param {string | null} conversationId
   * @param {HubEvent} event
   * @param {boolean} [local] false for another node's event (ClusterHub.deliver)
   */
  publish(tenantId, conversationId, event, local = true) {
    const targets = [...(conversationId ? (this.byConversation.get(conversationId) ?? []) : []), ...(this.byTenant.get(tenantId) ?? [])];
    for (const listener of targets) {
      try {
        listener(event, local);
      } catch (error) {
        console.error('hub listener failed', error);
      }
    }
  }
}

/**
 * @template T
 * @param {Map<string, Set<T>>} map
 * @param {string} key
 * @param {T} listener
 */
function subscribe(map, key, listener) {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0 && map.get(key) === set) map.delete(key);
  };
}
