import { expect } from '@open-wc/testing';
import { LongPollChannel } from '../../src/services/poll-channel.js';
import type { MessagePage } from '../../src/protocol/v1.js';
import { until } from '../helpers/until.js';

const empty = (): MessagePage => ({ messages: [], hasMore: false, lastSeq: 0 }) as unknown as MessagePage;

describe('LongPollChannel: the stream cursor (issue 12, long poll)', () => {
  it('each poll carries stream=<id>:<index> of the streams shown, and none when there are none', async () => {
    const queries: Array<Record<string, unknown>> = [];
    let shown: string | undefined;
    const answers: Array<(page: MessagePage) => void> = [];
    const poll = new LongPollChannel({
      fetch: (query) => {
        queries.push(query);
        return new Promise<MessagePage>((resolve) => answers.push(resolve));
      },
      cursor: () => 7,
      streamCursor: () => shown,
      waitSeconds: 25,
      page: () => {},
      failed: () => {},
    });
    try {
      await until(() => queries.length === 1, 'the first poll');
      expect(queries[0]).to.not.have.property('stream');
      shown = 's_abc:3';
      answers[0](empty());
      await until(() => queries.length === 2, 'the second poll');
      expect(queries[1]).to.include({ after: 7, wait: 25, stream: 's_abc:3' });
      shown = 's_abc:9,s_def:-1';
      answers[1](empty());
      await until(() => queries.length === 3, 'the third poll');
      expect(queries[2].stream).to.equal('s_abc:9,s_def:-1');
    } finally {
      poll.close();
    }
  });
});
