// @ts-check
/**
 * The built-in answerer: no key, no network. It answers from a tenant's help articles (markdown
 * files with front matter in one folder), indexed with MiniSearch (BM25 scoring, prefix and fuzzy
 * matching), streams the best passage (one `##` section) with its article as the source, and
 * reports how well the question matched so the caller hands off when nothing matches well.
 *
 * Article format (`help/<tenantId>/<name>.md`):
 *
 * ```md
 * ---
 * title: Shipping and delivery
 * url: https://shop.example/help/shipping
 * keywords: delivery, postage, courier
 * ---
 * Intro paragraph (a passage of its own, headed by the title).
 *
 * ## How long does delivery take?
 * The passage the visitor gets when this section matches best.
 * ```
 *
 * **Confidence** is the share of the question's meaningful words (stop words removed, light
 * stemming: "shipped" = "shipping" = "ship") that the best passage contains: an exact word
 * counts 1, a word the passage has as a prefix ("track" → "tracking") 0.8, a fuzzy match
 * (a typo, about one edit in five letters) 0.6, each times 0.7 when the word is only in the
 * passage's body and not in its heading, article title or keywords ("the meaning of life" finds
 * "means" in some paragraph: 0.35). Below `minConfidence` (default 0.5: at least half of what the
 * visitor asked about, found where it counts) nothing is streamed and `done` says `no_match`. The answer is
 * deterministic: the same question over the same articles gives the same passage and chunks.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { ProviderError } from './provider.js';

/** Default confidence below which the knowledge base answers `no_match` (see the module doc). */
export const DEFAULT_MIN_CONFIDENCE = 0.5;
/** Weight of a word the passage has only in its body (not in its heading, title or keywords). */
const TEXT_ONLY_WEIGHT = 0.7;
/** Score factor of an article's intro (the text before its first `##`): sections answer better. */
const INTRO_BOOST = 0.5;

/**
 * @typedef {import('./provider.js').Provider} Provider
 * @typedef {import('./provider.js').StreamEvent} StreamEvent
 * @typedef {{ id: number, file: string, title: string, url: string, keywords: string, heading: string, text: string, intro: boolean }} Section
 * @typedef {{ file: string, title: string, url: string, keywords: string, sections: { heading: string, text: string }[] }} Article
 * @typedef {{ section: Section, confidence: number, score: number }} Match
 */

const STOP_WORDS = new Set(
  (
    'a an the and or but if so of to in on at by for with from about as into than then there here ' +
    'i me my mine we us our you your he she it its they them their this that these those ' +
    'is are was were be been being am do does did doing done have has had having can could would should will shall may might must ' +
    'what whats how when where why which who whom whose hi hello hey please thanks thank ok okay yes no not ' +
    'want need like know tell help get got any some just also very much many more most own same other only again still ' +
    'up down out over under all each both few such too s t d ll m re ve'
  ).split(' '),
);

/**
 * A light English stemmer, the same for articles and questions: plural and -ed/-ing endings,
 * doubled final consonants and a final silent e ("shipped", "shipping", "ships" → "ship";
 * "charged", "charge" → "charg").
 * @param {string} word lower-case
 */
export function stem(word) {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  const base = w.replace(/(ing|ed)$/, '');
  if (base !== w && base.length >= 3 && /[aeiouy]/.test(base)) {
    w = /([^aeiouylsz])\1$/.test(base) ? base.slice(0, -1) : base;
  }
  if (w.length > 4 && w.endsWith('e') && !w.endsWith('ee')) w = w.slice(0, -1);
  return w;
}

/**
 * A term as indexed and searched: lower case, no stop words or single letters, stemmed.
 * @param {string} term
 * @returns {string | null}
 */
function processTerm(term) {
  const lower = term.toLowerCase().normalize('NFKC');
  if (lower.length < 2 || STOP_WORDS.has(lower)) return null;
  return stem(lower);
}

/** @param {string} text */
function terms(text) {
  /** @type {string[]} */
  const out = [];
  for (const token of text.split(/[\n\r\p{Z}\p{P}\p{S}]+/u)) {
    const term = processTerm(token);
    if (term && !out.includes(term)) out.push(term);
  }
  return out;
}

/**
 * Parses one article. Throws with a clear message when the front matter lacks `title` or an
 * absolute http(s) `url`.
 * @param {string} file the file name, for messages
 * @param {string} markdown
 * @returns {Article}
 */
export function parseArticle(file, markdown) {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(markdown);
  if (!match) throw new Error(`${file}: no front matter (--- title/url --- at the top).`);
  /** @type {Record<string, string>} */
  const meta = {};
  for (const line of match[1].split(/\r?\n/)) {
    const field = /^([A-Za-z_]+):\s*(.*)$/.exec(line.trim());
    if (field) meta[field[1].toLowerCase()] = field[2].trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  if (!meta.title) throw new Error(`${file}: front matter has no title.`);
  if (!/^https?:\/\/\S+$/i.test(meta.url ?? '')) throw new Error(`${file}: front matter url must be an absolute http(s) URL.`);
  /** @type {{ heading: string, text: string }[]} */
  const sections = [];
  let heading = meta.title;
  /** @type {string[]} */
  let lines = [];
  const flush = () => {
    const text = lines.join('\n').trim();
    if (text) sections.push({ heading, text });
  };
  for (const line of match[2].split(/\r?\n/)) {
    const h = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      heading = h[1];
      lines = [];
    } else if (!/^#\s/.test(line)) {
      lines.push(line);
    }
  }
  flush();
  return { file, title: meta.title, url: meta.url, keywords: meta.keywords ?? '', sections };
}

/** An index over one tenant's articles. */
export class KnowledgeBase {
  /** @param {Article[]} articles */
  constructor(articles) {
    /** @type {Section[]} */
    this.sections = [];
    for (const article of articles) {
      for (const { heading, text } of article.sections) {
        const { file, title, url, keywords } = article;
        this.sections.push({ id: this.sections.length, file, title, url, keywords, heading, text, intro: heading === title });
      }
    }
    this.articleCount = articles.length;
    /** @private */
    this.index = new MiniSearch({
      fields: ['title', 'keywords', 'heading', 'text'],
      tokenize: (text) => text.split(/[\n\r\p{Z}\p{P}\p{S}]+/u),
      processTerm,
      searchOptions: {
        boost: { heading: 2, keywords: 1.5, title: 1.2 },
        prefix: (term) => term.length >= 4,
        fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
        boostDocument: (id) => (this.sections[id].intro ? INTRO_BOOST : 1),
      },
    });
    this.index.addAll(this.sections);
  }

  /**
   * The best passage for a question with its confidence, or null when no word matched at all.
   * @param {string} question
   * @returns {Match | null}
   */
  search(question) {
    const queryTerms = terms(question);
    if (queryTerms.length === 0) return null;
    const [best] = this.index.search(question);
    if (!best) return null;
    const strong = (/** @type {string} */ docTerm) => (best.match[docTerm] ?? []).some((field) => field !== 'text');
    let covered = 0;
    for (const q of queryTerms) {
      const exact = best.terms.filter((t) => t === q);
      const prefix = best.terms.filter((t) => t !== q && t.startsWith(q));
      const fuzzy = best.queryTerms.includes(q)
        ? best.terms.filter((t) => !t.startsWith(q) && editDistance(q, t) <= Math.ceil(q.length * 0.2))
        : [];
      const [quality, matched] = exact.length ? [1, exact] : prefix.length ? [0.8, prefix] : fuzzy.length ? [0.6, fuzzy] : [0, []];
      if (quality > 0) covered += quality * (matched.some(strong) ? 1 : TEXT_ONLY_WEIGHT);
    }
    const confidence = Math.round((covered / queryTerms.length) * 1000) / 1000;
    return { section: this.sections[best.id], confidence, score: best.score };
  }
}

/**
 * Levenshtein distance (small strings only: query and document terms).
 * @param {string} a
 * @param {string} b
 */
function editDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

/**
 * Loads every `*.md` in a folder (sorted by name, so the index is the same on every start).
 * Files that do not parse are skipped and reported in `warnings`; a missing folder is an empty
 * knowledge base (every question is `no_match`, so the assistant hands off).
 * @param {string} dir
 * @returns {Promise<{ knowledgeBase: KnowledgeBase, warnings: string[] }>}
 */
export async function loadKnowledgeBase(dir) {
  /** @type {string[]} */
  const warnings = [];
  /** @type {string[]} */
  let files = [];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  } catch (error) {
    warnings.push(`knowledge base: cannot read ${dir} (${/** @type {NodeJS.ErrnoException} */ (error).code ?? error}); no articles.`);
  }
  /** @type {Article[]} */
  const articles = [];
  for (const file of files) {
    try {
      articles.push(parseArticle(file, await readFile(join(dir, file), 'utf8')));
    } catch (error) {
      warnings.push(`knowledge base: skipped ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { knowledgeBase: new KnowledgeBase(articles), warnings };
}

/**
 * Splits a passage into deltas of a few words each (whitespace kept, so joining them gives the
 * passage back exactly).
 * @param {string} text
 * @param {number} words
 */
export function chunkText(text, words = 4) {
  const tokens = text.match(/\s*\S+\s*/g) ?? [];
  /** @type {string[]} */
  const chunks = [];
  for (let i = 0; i < tokens.length; i += words) chunks.push(tokens.slice(i, i + words).join(''));
  return chunks;
}

/**
 * The knowledge base as a provider. It answers the newest visitor turn; `system` is ignored.
 * @param {{ knowledgeBase: KnowledgeBase, minConfidence?: number, chunkWords?: number, delayMs?: number,
 *   sleep?: (ms: number) => Promise<void> }} options
 *   `delayMs` between deltas (0 in tests; a little in the demo so the answer visibly streams).
 * @returns {Provider}
 */
export function createKnowledgeBaseProvider({
  knowledgeBase,
  minConfidence = DEFAULT_MIN_CONFIDENCE,
  chunkWords = 4,
  delayMs = 0,
  sleep = defaultSleep,
}) {
  return {
    name: 'knowledge-base',
    async *stream({ messages, signal }) {
      const aborted = () => new ProviderError('aborted', 'knowledge-base: stopped by the caller.', { provider: 'knowledge-base' });
      if (signal?.aborted) throw aborted();
      const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
      const match = knowledgeBase.search(question);
      if (!match || match.confidence < minConfidence) {
        yield { type: 'done', finishReason: 'no_match', confidence: match?.confidence ?? 0 };
        return;
      }
      for (const text of chunkText(match.section.text, chunkWords)) {
        if (delayMs > 0) await sleep(delayMs);
        if (signal?.aborted) throw aborted();
        yield { type: 'delta', text };
      }
      yield { type: 'sources', sources: [{ title: match.section.title, url: match.section.url }] };
      yield { type: 'done', finishReason: 'stop', confidence: match.confidence };
    },
  };
}

/** @param {number} ms */
const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
