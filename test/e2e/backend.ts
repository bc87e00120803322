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
    private readonly url: string,
    private readonly token: string,
  ) {}

  static async login(info: BackendInfo): Promise<Agent> {
    const res = await fetch(`${info.url}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(info.agent),
    });
    if (!res.ok) throw new Error(`agent login: ${res.status}`);
    return new Agent(info.url, (await res.json()).token);
  }

  async conversations(): Promise<Array<{ id: string; visitorId: string; lastSeq: number }>> {
    return (await this.get('/api/agent/conversations')).conversations;
  }

  async conversationOf(visitorId: string) {
    const found = (await this.conversations()).filter((c) => c.visitorId === visitorId);
    if (found.length !== 1) throw new Error(`expected one conversation for ${visitorId}, found ${found.length}`);
    return found[0];
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
