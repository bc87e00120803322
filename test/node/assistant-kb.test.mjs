// @ts-check
// The built-in knowledge-base answerer over the demo tenant's help articles: the right article
// for real questions (with typos and inflections), no_match for unrelated ones, streamed deltas
// that join to the passage, its source, determinism, abort, and the article format's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP_ROOT } from '../../demo/server/assistant/index.js';
import {
  DEFAULT_MIN_CONFIDENCE,
  KnowledgeBase,
  chunkText,
  createKnowledgeBaseProvider,
  loadKnowledgeBase,
  parseArticle,
  stem,
} from '../../demo/server/assistant/knowledge-base.js';
import { ProviderError } from '../../demo/server/assistant/provider.js';
import { collect } from './helpers/scripted-server.mjs';

const { knowledgeBase: demo, warnings } = await loadKnowledgeBase(join(HELP_ROOT, 'demo'));
const BASE = 'https://demo-store.example/help/';

/** @param {string} question */
const ask = (question) => [{ role: /** @type {const} */ ('user'), content: question }];

test('the demo tenant has 6–10 articles that all parse', () => {
  assert.deepEqual(warnings, []);
  assert.ok(demo.articleCount >= 6 && demo.articleCount <= 10, `${demo.articleCount} articles`);
  assert.ok(demo.sections.length > demo.articleCount, 'articles are split into passages');
});

test('questions find the right article and passage, with typos, inflections and other wording', () => {
  /** @type {[string, string, RegExp][]} question, article, passage heading */
  const cases = [
    ['How long does delivery take?', 'shipping', /How long does delivery take/],
    ['how long does shiping take to germany', 'shipping', /How long does delivery take/],
    ['What does shipping cost?', 'shipping', /What does shipping cost/],
    ['Do you ship to Switzerland?', 'shipping', /internationally/],
    ['I want to return my shoes', 'returns', /./],
    ['when will I get my refund', 'returns', /When do I get my refund/],
    ['Can I cancel my order?', 'returns', /cancel/],
    ['Where is my package?', 'order-tracking', /Where is my order/],
    ['my parcel is missing', 'order-tracking', /late or missing/],
    ['Can I pay with PayPal?', 'payment', /Which payment methods/],
    ['I was charged twice', 'payment', /charged twice/],
    ['I forgot my password', 'account', /forgot my password/],
    ['how do I delete my account', 'account', /delete my account/],
    ['When are you open on Saturday?', 'contact', /When are you open/],
    ['What is your phone number?', 'contact', /reach you/],
    ['my discount code is not working', 'gift-cards', /discount code does not work/],
    ['the blender I bought stopped working', 'warranty', /stopped working/],
  ];
  for (const [question, article, heading] of cases) {
    const match = demo.search(question);
    assert.ok(match, `no match for "${question}"`);
    assert.equal(match.section.url, BASE + article, `"${question}" → ${match.section.url} › ${match.section.heading}`);
    assert.match(match.section.heading, heading, `"${question}" → ${match.section.heading}`);
    assert.ok(match.confidence >= DEFAULT_MIN_CONFIDENCE, `"${question}": confidence ${match.confidence}`);
  }
});

test('unrelated questions and small talk are below the threshold (the caller hands off)', () => {
  for (const question of [
    'What is the capital of France?',
    'Write me a poem about dragons',
    'What is the meaning of life?',
    'Can I bring my dog?',
    'Tell me a joke',
    'hello',
    '???',
    '',
  ]) {
    const confidence = demo.search(question)?.confidence ?? 0;
    assert.ok(confidence < DEFAULT_MIN_CONFIDENCE, `"${question}": confidence ${confidence}`);
  }
});

test('the provider streams the passage in chunks, then its source, then done with the confidence', async () => {
  const provider = createKnowledgeBaseProvider({ knowledgeBase: demo });
  const { events, error } = await collect(
    provider.stream({ messages: [...ask('hi'), { role: 'assistant', content: 'Hello!' }, ...ask('I forgot my password')] }),
  );
  assert.equal(error, null);
  const deltas = events.filter((e) => e.type === 'delta');
  assert.ok(deltas.length > 3, 'several deltas');
  const section = demo.sections.find((s) => s.heading === 'I forgot my password');
  assert.equal(deltas.map((d) => d.text).join(''), section?.text, 'the deltas join to the passage exactly');
  assert.deepEqual(events.at(-2), { type: 'sources', sources: [{ title: 'Your account', url: `${BASE}account` }] });
  assert.equal(events.at(-1).type, 'done');
  assert.equal(events.at(-1).finishReason, 'stop');
  assert.ok(events.at(-1).confidence >= 0.9);
});

test('nothing good enough: no text, done with no_match and the low confidence', async () => {
  const provider = createKnowledgeBaseProvider({ knowledgeBase: demo });
  const { events } = await collect(provider.stream({ messages: ask('What is the capital of France?') }));
  assert.deepEqual(events, [{ type: 'done', finishReason: 'no_match', confidence: 0 }]);
  const strict = createKnowledgeBaseProvider({ knowledgeBase: demo, minConfidence: 1 });
  const partial = await collect(strict.stream({ messages: ask('I want to return my shoes') }));
  assert.equal(partial.events.length, 1);
  assert.equal(partial.events[0].finishReason, 'no_match');
  assert.ok(partial.events[0].confidence > 0 && partial.events[0].confidence < 1);
});

test('deterministic: the same question gives the same events', async () => {
  const provider = createKnowledgeBaseProvider({ knowledgeBase: demo });
  const a = await collect(provider.stream({ messages: ask('How much does express shipping cost?') }));
  const b = await collect(provider.stream({ messages: ask('How much does express shipping cost?') }));
  assert.deepEqual(a, b);
  const reloaded = (await loadKnowledgeBase(join(HELP_ROOT, 'demo'))).knowledgeBase;
  assert.deepEqual(reloaded.search('express shipping cost'), demo.search('express shipping cost'));
});

test('abort: the Stop button ends the stream with aborted between chunks', async () => {
  /** @type {(() => void)[]} */
  const sleepers = [];
  const provider = createKnowledgeBaseProvider({
    knowledgeBase: demo,
    delayMs: 10,
    sleep: () => new Promise((resolve) => sleepers.push(() => resolve(undefined))),
  });
  const controller = new AbortController();
  const iterator = provider.stream({ messages: ask('How long does delivery take?'), signal: controller.signal })[Symbol.asyncIterator]();
  const first = iterator.next();
  sleepers.shift()?.();
  assert.equal((await first).value.type, 'delta');
  const second = iterator.next();
  controller.abort();
  sleepers.shift()?.();
  await assert.rejects(second, (error) => error instanceof ProviderError && error.code === 'aborted');
});

test('article format: front matter title and absolute url required; intro and ## sections are passages', () => {
  const article = parseArticle(
    'a.md',
    '---\ntitle: "Gift wrap"\nurl: https://x.example/wrap\nkeywords: wrap, present\n---\nWe wrap.\n\n## Does it cost?\nIt is free.\n',
  );
  assert.deepEqual(article, {
    file: 'a.md',
    title: 'Gift wrap',
    url: 'https://x.example/wrap',
    keywords: 'wrap, present',
    sections: [
      { heading: 'Gift wrap', text: 'We wrap.' },
      { heading: 'Does it cost?', text: 'It is free.' },
    ],
  });
  assert.throws(() => parseArticle('b.md', 'no front matter'), /b\.md: no front matter/);
  assert.throws(() => parseArticle('c.md', '---\nurl: https://x.example\n---\ntext'), /c\.md: front matter has no title/);
  assert.throws(
    () => parseArticle('d.md', '---\ntitle: T\nurl: javascript:alert(1)\n---\ntext'),
    /d\.md: front matter url must be an absolute http/,
  );
});

test('loading: bad files are skipped with a warning naming them; a missing folder is an empty knowledge base', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amoiq-kb-'));
  writeFileSync(
    join(dir, 'good.md'),
    '---\ntitle: Opening hours\nurl: https://x.example/hours\n---\n## When are you open?\nMonday to Friday, 9 to 5.\n',
  );
  writeFileSync(join(dir, 'bad.md'), 'just text');
  writeFileSync(join(dir, 'notes.txt'), 'ignored');
  const { knowledgeBase, warnings: found } = await loadKnowledgeBase(dir);
  assert.equal(knowledgeBase.articleCount, 1);
  assert.deepEqual(found, ['knowledge base: skipped bad.md: no front matter (--- title/url --- at the top).']);
  assert.equal(knowledgeBase.search('when are you open')?.section.heading, 'When are you open?');
  const missing = await loadKnowledgeBase(join(dir, 'nope'));
  assert.equal(missing.knowledgeBase.articleCount, 0);
  assert.match(missing.warnings[0], /cannot read .*nope \(ENOENT\)/);
  assert.equal(missing.knowledgeBase.search('anything at all'), null);
  assert.equal(new KnowledgeBase([]).search('shipping'), null);
});

test('stemming and chunking helpers', () => {
  assert.deepEqual(['shipping', 'shipped', 'ships', 'ship'].map(stem), ['ship', 'ship', 'ship', 'ship']);
  assert.deepEqual(['charged', 'charge', 'charges'].map(stem), ['charg', 'charg', 'charg']);
  assert.deepEqual(['deliveries', 'returns', 'refunds'].map(stem), ['delivery', 'return', 'refund']);
  assert.deepEqual(chunkText('one two three four five six', 4), ['one two three four ', 'five six']);
  assert.equal(chunkText('  a\n\nb  c ', 2).join(''), '  a\n\nb  c ');
});
