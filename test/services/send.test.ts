import { expect } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import { ChatSendError, MAX_ATTACHMENTS, MAX_MESSAGE_LENGTH, type Attachment } from '../../src/protocol/v1.js';
import { ChatService } from '../../src/services/chat-service.js';
import { FakeClock, FakeWebSocket, fakeFetch } from '../helpers/fakes.js';

function service() {
  FakeWebSocket.reset();
  return new ChatService({
    gatewayUrl: 'http://backend.test',
    tenantId: 't1',
    dbName: `amoiq-send-${nanoid(8)}`,
    fetch: fakeFetch({}).fetch,
    WebSocket: FakeWebSocket,
    clock: new FakeClock(),
    tabs: false,
  });
}

const refusal = (fn: () => unknown): ChatSendError => {
  try {
    fn();
  } catch (err) {
    return err as ChatSendError;
  }
  throw new Error('send() did not throw');
};

const file = (i: number): Attachment => ({
  id: `f_${i}xxxxxxxx`,
  name: `f${i}.txt`,
  type: 'text/plain',
  size: 1,
  url: `https://files.test/${i}`,
});

describe('ChatService.send() refusals', () => {
  it('counts the text in code points, as the server does: 4000 emoji are queued, 4001 are refused', () => {
    const chat = service();
    const queued = chat.send('😀'.repeat(MAX_MESSAGE_LENGTH));
    expect(queued.status).to.equal('pending');
    const error = refusal(() => chat.send('😀'.repeat(MAX_MESSAGE_LENGTH + 1)));
    expect(error).to.be.instanceOf(ChatSendError).and.instanceOf(RangeError);
    expect(error.code).to.equal('payload_too_large');
    expect(error.message).to.contain(String(MAX_MESSAGE_LENGTH));
    expect(chat.state.messages).to.have.length(1);
    chat.stop();
  });

  it('gives each refusal the code the element reports: bad_request for nothing to send or too many files', () => {
    const chat = service();
    expect(refusal(() => chat.send('   ')).code).to.equal('bad_request');
    const files = Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => file(i));
    expect(refusal(() => chat.send('hello', files)).code).to.equal('bad_request');
    expect(chat.send('', files.slice(0, MAX_ATTACHMENTS)).attachments).to.have.length(MAX_ATTACHMENTS);
    expect(chat.state.messages).to.have.length(1);
    chat.stop();
  });
});
