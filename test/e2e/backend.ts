import { executeServerCommand } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';

/** What the backend plugin (test/plugins/backend.mjs) tells the browser about the real backend. */
export interface BackendInfo {
  url: string;
  apiKey: string;
  tenantId: string;
  agent: { email: string; password: string };
  other: { apiKey: string; tenantId: string; agent: { email: string; password: string } };
}

/**
 * Runs a plugin command, asking again when the browser gave up waiting: a cold start of the
 * backend (PGlite) can take longer than the 20 s a command may take on a loaded machine, and the
 * plugin keeps starting it meanwhile.
 */
export async function backendCommand(command: string): Promise<BackendInfo> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await executeServerCommand<BackendInfo, void>(command);
    } catch (err) {
      if (attempt >= 4 || !/Did not receive a server response/.test(String(err))) throw err;
    }
  }
}

export const backendInfo = () => backendCommand('backend-info');
export const restartBackend = () => backendCommand('backend-restart');

/** The agent side, through the documented agent protocol only. */
export class Agent {
  private constructor(
    private readonly info: BackendInfo,
    private readonly token: string,
  ) {}

  private get url() {
    return this.info.url;
  }

  static async login(info: BackendInfo): Promise<Agent> {
    const res = await fetch(`${info.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(info.agent),
    });
    if (!res.ok) throw new Error(`agent login: ${res.status}`);
    return new Agent(info, (await res.json()).token);
  }

  /** The newest 200 conversations someone wrote in (the agents' inbox). */
  async conversations(): Promise<Array<{ id: string; visitorRef: string; lastSeq: number }>> {
    return (await this.get('/api/agent/conversations?limit=200')).conversations;
  }

  /**
   * The visitor's newest conversation as agents see it. Agents never see visitor ids (only an
   * opaque `visitorRef`), so the visitor's own session names the conversation.
   */
  async conversationOf(visitorId: string) {
    const id = await visitorConversationId(this.info, visitorId);
    const found = (await this.conversations()).find((c) => c.id === id);
    if (!found) throw new Error(`conversation ${id} of visitor ${visitorId} is not in the agents' list`);
    return found;
  }

  async messages(conversationId: string): Promise<Array<{ seq: number; text: string; sender: { type: string } }>> {
    return (await this.get(`/api/agent/conversations/${conversationId}/messages?limit=200`)).messages;
  }

  async reply(conversationId: string, text: string): Promise<void> {
    const res = await fetch(`${this.url}/api/agent/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text, clientId: nanoid() }),
    });
    if (res.status !== 201) throw new Error(`agent reply: ${res.status}`);
  }

  private async get(path: string) {
    const res = await fetch(`${this.url}${path}`, { headers: { Authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return res.json();
  }
}

/** The conversation a session of this (anonymous) visitor opens: its newest one. */
export async function visitorConversationId(info: BackendInfo, visitorId: string): Promise<string> {
  const res = await fetch(`${info.url}/api/chat/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${info.apiKey}` },
    body: JSON.stringify({ tenantId: info.tenantId, visitorId }),
  });
  if (!res.ok) throw new Error(`session of ${visitorId}: ${res.status}`);
  return (await res.json()).conversationId;
}
