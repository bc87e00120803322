import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import { PROTOCOL_ERROR_CODES } from '../../src/protocol/errors.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import type { AmoiqChatInput } from '../../src/components/chat-input/chat-input.js';
import type { AmoiqMessageList } from '../../src/components/message-list/message-list.js';
import {
  acceptFor,
  effectiveLimits,
  formatSize,
  parseSize,
  parseTypes,
  refusalFor,
  typeAllowed,
} from '../../src/components/chat-input/attachment-limits.js';
import type { Uploader } from '../../src/components/chat-input/attachment-staging.js';
import type { AmoiqInputSubmitEvent } from '../../src/events/input-submit-event.js';
import type { Attachment, AttachmentLimits } from '../../src/protocol/v1.js';
import type { UploadOptions } from '../../src/services/upload.js';
import { ChatStore } from '../../src/services/store.js';
import type { ChatService } from '../../src/services/chat-service.js';
import { SESSION } from '../helpers/fakes.js';
import { captureWarnings, expectAccessible, part, until } from '../helpers/dom.js';

const OFFLINE = 'http://127.0.0.1:9';

const SERVER: AttachmentLimits = { maxSize: 10 * 1024 * 1024, types: ['image/*', 'application/pdf', 'text/plain'] };

const pdf = (name = 'receipt.pdf', bytes = 2048) => new File([new Uint8Array(bytes)], name, { type: 'application/pdf' });
const png = (name = 'photo.png') => new File([new Uint8Array(64)], name, { type: 'image/png' });

/** An uploader the test drives: each call waits until the test resolves or rejects it. */
function fakeUploader() {
  const calls: Array<{ file: File; options: UploadOptions; resolve(a: Attachment): void; reject(e: unknown): void }> = [];
  const upload: Uploader = (file, options) =>
    new Promise<Attachment>((resolve, reject) => {
      calls.push({ file, options, resolve, reject });
      options.signal?.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError')));
    });
  const attachment = (file: File, id = `f_${nanoid(6)}`): Attachment => ({
    id,
    name: file.name,
    type: file.type,
    size: file.size,
    url: `${location.origin}/files/${id}/${encodeURIComponent(file.name)}`,
  });
  return { upload, calls, attachment };
}

async function input(limits: AttachmentLimits = SERVER, uploader?: Uploader): Promise<AmoiqChatInput> {
  const el = await fixture<AmoiqChatInput>(
    html`<amoiq-chat-input lang="en" .attachmentLimits=${limits} .uploader=${uploader}></amoiq-chat-input>`,
  );
  await el.updateComplete;
  return el;
}

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) => el.shadowRoot!.querySelector<T>(selector);
const $$ = (el: Element, selector: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];

/** Picks files through the hidden file input, as the browser's picker would. */
async function pick(el: AmoiqChatInput, files: File[]): Promise<void> {
  const picker = $<HTMLInputElement>(el, 'input[type=file]')!;
  const dt = new DataTransfer();
  files.forEach((f) => dt.items.add(f));
  picker.files = dt.files;
  picker.dispatchEvent(new Event('change'));
  await el.updateComplete;
}

describe('attachment limits', () => {
  it('parses attachment-types: empty = server list, none = off, invalid entries reported', () => {
    expect(parseTypes('')).to.deep.equal({ invalid: [] });
    expect(parseTypes(' none ')).to.deep.equal({ types: [], invalid: [] });
    expect(parseTypes('image/*, Application/PDF,exe,')).to.deep.equal({ types: ['image/*', 'application/pdf'], invalid: ['exe'] });
  });

  it('parses attachment-max-size in bytes or with a unit', () => {
    expect(parseSize('')).to.equal(undefined);
    expect(parseSize('2048')).to.equal(2048);
    expect(parseSize('5MB')).to.equal(5 * 1024 * 1024);
    expect(parseSize('500 kb')).to.equal(500 * 1024);
    expect(parseSize('1.5MiB')).to.equal(1.5 * 1024 * 1024);
    expect(parseSize('lots')).to.be.NaN;
    expect(parseSize('-3')).to.be.NaN;
  });

  it('narrows the server limits and never widens them', () => {
    expect(effectiveLimits(SERVER, {})).to.deep.equal(SERVER);
    expect(effectiveLimits(SERVER, { types: ['image/png', 'application/pdf', 'application/zip'] }).types).to.deep.equal([
      'image/png',
      'application/pdf',
    ]);
    expect(effectiveLimits({ maxSize: 10, types: ['image/png'] }, { types: ['image/*'] }).types).to.deep.equal(['image/png']);
    expect(effectiveLimits(SERVER, { types: [] }).types).to.deep.equal([]);
    expect(effectiveLimits(SERVER, { maxSize: 1024 }).maxSize).to.equal(1024);
    expect(effectiveLimits(SERVER, { maxSize: 1e12 }).maxSize).to.equal(SERVER.maxSize);
    expect(effectiveLimits(SERVER, { maxSize: Number.NaN }).maxSize).to.equal(SERVER.maxSize);
    expect(effectiveLimits(undefined, { types: ['image/*'] })).to.deep.equal({ maxSize: 0, types: [] });
    expect(acceptFor(SERVER)).to.equal('image/*,application/pdf,text/plain');
  });

  it('refuses by type, size, emptiness and count', () => {
    expect(typeAllowed('image/jpeg', ['image/*'])).to.equal(true);
    expect(typeAllowed('text/plain; charset=utf-8', ['text/plain'])).to.equal(true);
    expect(typeAllowed('', ['image/*'])).to.equal(false);
    expect(typeAllowed('imagex/png', ['image/*'])).to.equal(false);
    expect(refusalFor({ type: 'application/pdf', size: 10 }, SERVER, 0)).to.equal(undefined);
    expect(refusalFor({ type: 'application/x-msdownload', size: 10 }, SERVER, 0)).to.equal('type');
    expect(refusalFor({ type: 'application/pdf', size: SERVER.maxSize + 1 }, SERVER, 0)).to.equal('size');
    expect(refusalFor({ type: 'application/pdf', size: 0 }, SERVER, 0)).to.equal('empty');
    expect(refusalFor({ type: 'application/pdf', size: 10 }, SERVER, 5)).to.equal('count');
  });

  it('formats sizes for the locale', () => {
    expect(formatSize(512, 'en')).to.equal('512 bytes');
    expect(formatSize(48 * 1024, 'en')).to.equal('48 kB');
    expect(formatSize(3.25 * 1024 * 1024, 'en')).to.equal('3.3 MB');
    expect(formatSize(3.25 * 1024 * 1024, 'de')).to.equal('3,3 MB');
  });
});

describe('<amoiq-chat-input> attachments', () => {
  it('has no attach button while attachments are off', async () => {
    const el = await input({ maxSize: 0, types: [] });
    expect($(el, '[part=attach-button]')).to.equal(null);
    expect($(el, 'input[type=file]')).to.equal(null);
  });

  it('shows a labelled attach button of at least 24×24 px that opens a picker limited to the allowed types', async () => {
    const el = await input();
    const button = $<HTMLButtonElement>(el, '[part=attach-button]')!;
    expect(button.getAttribute('aria-label')).to.equal('Attach a file');
    const { width, height } = button.getBoundingClientRect();
    expect(width).to.be.at.least(24);
    expect(height).to.be.at.least(24);
    const picker = $<HTMLInputElement>(el, 'input[type=file]')!;
    expect(picker.accept).to.equal('image/*,application/pdf,text/plain');
    expect(picker.multiple).to.equal(true);
    let opened = false;
    picker.addEventListener('click', (e) => {
      opened = true;
      e.preventDefault(); // no real dialog in a headless test
    });
    button.click();
    expect(opened).to.equal(true);
    await expectAccessible(el);
  });

  it('uploads a picked file with progress, keeps Send disabled until it is stored, then sends it', async () => {
    const fake = fakeUploader();
    const el = await input(SERVER, fake.upload);
    const send = $<HTMLButtonElement>(el, '[part=send-button]')!;
    expect(send.disabled).to.equal(true);
    await pick(el, [pdf('receipt.pdf', 2048)]);
    expect(fake.calls).to.have.length(1);
    const chip = $(el, '[part=staged-attachment]')!;
    expect(chip.textContent).to.contain('receipt.pdf').and.contain('2 kB');
    const progress = $<HTMLProgressElement>(el, 'progress')!;
    expect(progress.getAttribute('aria-label')).to.equal('Uploading receipt.pdf');
    expect(send.disabled).to.equal(true);

    fake.calls[0].options.onProgress!(1024, 2048);
    await el.updateComplete;
    expect(progress.value).to.equal(1024);
    expect(progress.max).to.equal(2048);
    await expectAccessible(el);

    const stored = fake.attachment(fake.calls[0].file, 'f_pdf');
    fake.calls[0].resolve(stored);
    await until(() => !send.disabled, 'Send enabled');
    expect($(el, 'progress')).to.equal(null);

    const submitted = oneEvent(el, 'amoiq-input-submit') as Promise<AmoiqInputSubmitEvent>;
    send.click();
    const { detail } = await submitted;
    expect(detail).to.deep.equal({ text: '', attachments: [stored] });
    await el.updateComplete;
    expect($(el, '[part=staged-attachment]')).to.equal(null);
  });

  it('shows an uploaded image as a thumbnail from the server URL', async () => {
    const fake = fakeUploader();
    const el = await input(SERVER, fake.upload);
    await pick(el, [png('cat.png')]);
    expect($(el, '[part=staged-thumbnail]')).to.equal(null);
    fake.calls[0].resolve(fake.attachment(fake.calls[0].file, 'f_cat'));
    await until(() => !!$(el, '[part=staged-thumbnail]'), 'thumbnail');
    expect($<HTMLImageElement>(el, '[part=staged-thumbnail]')!.src).to.equal(`${location.origin}/files/f_cat/cat.png`);
  });

  it('cancels an upload in progress: the request is aborted and the chip goes away', async () => {
    const fake = fakeUploader();
    const el = await input(SERVER, fake.upload);
    await pick(el, [pdf()]);
    const cancel = $<HTMLButtonElement>(el, '[part=attachment-remove]')!;
    expect(cancel.getAttribute('aria-label')).to.equal('Cancel upload of receipt.pdf');
    cancel.click();
    await el.updateComplete;
    expect(fake.calls[0].options.signal!.aborted).to.equal(true);
    expect($(el, '[part=staged-attachment]')).to.equal(null);
    expect($<HTMLButtonElement>(el, '[part=send-button]')!.disabled).to.equal(true);
  });

  it('shows a failed upload with Retry, which uploads it again; the typed text is kept', async () => {
    const fake = fakeUploader();
    const el = await input(SERVER, fake.upload);
    const textarea = $<HTMLTextAreaElement>(el, 'textarea')!;
    textarea.value = 'here it is';
    textarea.dispatchEvent(new InputEvent('input'));
    await pick(el, [pdf()]);
    const warnings = await captureWarnings(async () => {
      fake.calls[0].reject(Object.assign(new Error('Server error'), { code: 'internal' }));
      await until(() => !!$(el, '.chip.failed'), 'failed chip');
    });
    expect(warnings.join()).to.contain('receipt.pdf');
    expect($(el, '.chip.failed')!.textContent).to.contain('Upload failed');
    // The text can still be sent; the failed file is not part of it.
    expect($<HTMLButtonElement>(el, '[part=send-button]')!.disabled).to.equal(false);
    await expectAccessible(el);
    const retry = $<HTMLButtonElement>(el, '[part=attachment-retry]')!;
    expect(retry.getAttribute('aria-label')).to.equal('Retry upload of receipt.pdf');
    retry.click();
    await el.updateComplete;
    expect(fake.calls).to.have.length(2);
    expect($(el, 'progress')).to.not.equal(null);
    expect(textarea.value).to.equal('here it is');
  });

  it('says why the server refused an upload, without a Retry that cannot help', async () => {
    const fake = fakeUploader();
    const el = await input({ maxSize: 4096, types: ['application/pdf'] }, fake.upload);
    await pick(el, [pdf('big.pdf', 100)]);
    await captureWarnings(async () => {
      fake.calls[0].reject(Object.assign(new Error('File is larger than 4096 bytes.'), { code: 'payload_too_large' }));
      await until(() => !!$(el, '.chip.failed'), 'failed chip');
    });
    expect($(el, '.chip.failed')!.textContent).to.contain('“big.pdf” is too large: files can be at most 4 kB.');
    expect($(el, '[part=attachment-retry]')).to.equal(null);
    expect($(el, '[part=attachment-remove]')!.getAttribute('aria-label')).to.equal('Remove big.pdf');
  });

  it("says when the visitor's upload storage is full (413 quota_exceeded), without a Retry", async () => {
    const fake = fakeUploader();
    const el = await input({ maxSize: 4096, types: ['application/pdf'] }, fake.upload);
    await pick(el, [pdf('scan.pdf', 100)]);
    await captureWarnings(async () => {
      fake.calls[0].reject(Object.assign(new Error('Upload storage quota exceeded.'), { code: 'quota_exceeded' }));
      await until(() => !!$(el, '.chip.failed'), 'failed chip');
    });
    expect($(el, '.chip.failed')!.textContent).to.contain('“scan.pdf” cannot be uploaded: your storage for files in this chat is full.');
    expect($(el, '[part=attachment-retry]')).to.equal(null);
    expect(PROTOCOL_ERROR_CODES).to.include('quota_exceeded');
  });

  it('refuses a file of a wrong type, too large, or beyond five, with a polite message and an event; nothing is uploaded', async () => {
    const fake = fakeUploader();
    const el = await input({ maxSize: 4096, types: ['application/pdf'] }, fake.upload);
    const status = $(el, '[part=attachment-error]')!;
    expect(status.getAttribute('role')).to.equal('status');

    const rejected = oneEvent(el, 'amoiq-attachment-rejected');
    await pick(el, [new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' })]);
    expect((await rejected).detail).to.deep.equal({ name: 'setup.exe', type: 'application/x-msdownload', size: 2, reason: 'type' });
    expect(status.textContent).to.equal('“setup.exe” cannot be attached: this type of file is not allowed.');

    await pick(el, [pdf('huge.pdf', 8192)]);
    expect(status.textContent).to.equal('“huge.pdf” is too large: files can be at most 4 kB.');
    expect(fake.calls).to.have.length(0);

    await pick(
      el,
      [1, 2, 3, 4, 5, 6].map((n) => pdf(`p${n}.pdf`, 10)),
    );
    expect(fake.calls).to.have.length(5);
    expect(status.textContent).to.equal('A message can carry at most 5 files.');
    expect($$(el, '[part=staged-attachment]')).to.have.length(5);
    await expectAccessible(el);
  });

  it('stages files pasted into the text box', async () => {
    const fake = fakeUploader();
    const el = await input(SERVER, fake.upload);
    const dt = new DataTransfer();
    dt.items.add(png('screenshot.png'));
    const paste = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true, composed: true });
    $(el, 'textarea')!.dispatchEvent(paste);
    await el.updateComplete;
    expect(paste.defaultPrevented).to.equal(true);
    expect(fake.calls.map((c) => c.file.name)).to.deep.equal(['screenshot.png']);
    expect($(el, '[part=staged-attachment]')!.textContent).to.contain('screenshot.png');
  });
});

/** The chat service of a widget (to stand in for the server's upload answer). */
const serviceOf = (el: AmoiqChat) => (el as unknown as { chat: { service: ChatService } }).chat.service;

/** A widget whose cached session says the server takes attachments (no network needed). */
async function chatWithAttachments(attrs: Record<string, string> = {}, lang = 'en'): Promise<AmoiqChat> {
  const dbName = `amoiq-test-${nanoid(8)}`;
  await new ChatStore('t', dbName).setSession({ ...SESSION, tenantId: 't', config: { attachments: SERVER } });
  const el = await fixture<AmoiqChat>(
    html`<amoiq-chat tenant-id="t" gateway-url=${OFFLINE} db-name=${dbName} lang=${lang} open></amoiq-chat>`,
  );
  await until(() => !!part(el, 'amoiq-chat-input').shadowRoot!.querySelector('[part=attach-button]'), 'attach button');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  await el.updateComplete;
  return el;
}

describe('<amoiq-chat> attachments', () => {
  it('localizes the attach button and the refusal message', async () => {
    const el = await chatWithAttachments({}, 'de');
    const inner = part<AmoiqChatInput>(el, 'amoiq-chat-input');
    await until(() => $(inner, '[part=attach-button]')?.getAttribute('aria-label') === 'Datei anhängen', 'German strings');
    await pick(inner, [new File(['x'], 'a.zip', { type: 'application/zip' })]);
    expect($(inner, '[part=attachment-error]')!.textContent).to.equal(
      '„a.zip“ kann nicht angehängt werden: Dieser Dateityp ist nicht erlaubt.',
    );
  });

  it('narrows the server types with attachment-types, and turns attachments off with none', async () => {
    const el = await chatWithAttachments({ 'attachment-types': 'application/pdf,application/zip' });
    const inner = part<AmoiqChatInput>(el, 'amoiq-chat-input');
    await inner.updateComplete;
    expect($<HTMLInputElement>(inner, 'input[type=file]')!.accept).to.equal('application/pdf');
    el.setAttribute('attachment-types', 'none');
    await el.updateComplete;
    await inner.updateComplete;
    expect($(inner, '[part=attach-button]')).to.equal(null);
  });

  it('warns once about an unreadable attachment-max-size and keeps the server limit', async () => {
    const warnings = await captureWarnings(async () => {
      const el = await chatWithAttachments({ 'attachment-max-size': 'huge' });
      expect(el.attachmentLimits.maxSize).to.equal(SERVER.maxSize);
      el.setAttribute('attachment-max-size', '1KB');
      await el.updateComplete;
      expect(el.attachmentLimits.maxSize).to.equal(1024);
    });
    expect(warnings.filter((w) => w.includes('attachment-max-size'))).to.have.length(1);
  });

  it('takes files dropped onto the panel, with a visible drop indication while dragging', async () => {
    const el = await chatWithAttachments();
    const fake = fakeUploader();
    serviceOf(el).upload = fake.upload;
    const dt = new DataTransfer();
    dt.items.add(pdf('dropped.pdf'));
    const drag = (type: string) => {
      const e = new DragEvent(type, { dataTransfer: dt, bubbles: true, composed: true, cancelable: true });
      part(el, 'amoiq-message-list').dispatchEvent(e);
      return e;
    };
    expect(drag('dragenter').defaultPrevented).to.equal(true);
    await el.updateComplete;
    const zone = part(el, '[part=drop-zone]');
    expect(zone.textContent).to.equal('Drop files to attach them');
    await expectAccessible(el);
    drag('dragover');
    drag('drop');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=drop-zone]')).to.equal(null);
    expect(fake.calls.map((c) => c.file.name)).to.deep.equal(['dropped.pdf']);
  });

  it('sends the text with the uploaded files through the outbox, and the list renders them safely', async () => {
    const el = await chatWithAttachments();
    const files: Attachment[] = [
      { id: 'f_img', name: 'cat.png', type: 'image/png', size: 2048, url: `${location.origin}/files/f_img/cat.png` },
      {
        id: 'f_doc',
        name: '<img src=x onerror=alert(1)>.pdf',
        type: 'application/pdf',
        size: 48213,
        url: `${location.origin}/files/f_doc/x.pdf`,
      },
    ];
    const queued = el.send('', files)!;
    expect(queued.attachments).to.deep.equal(files);
    const list = part<AmoiqMessageList>(el, 'amoiq-message-list');
    await until(() => !!list.shadowRoot!.querySelector('[part=attachments]'), 'attachments in the list');
    const image = list.shadowRoot!.querySelector<HTMLAnchorElement>('a.image')!;
    expect(image.href).to.equal(files[0].url);
    expect(image.target).to.equal('_blank');
    expect(image.rel).to.equal('noopener noreferrer');
    expect(image.querySelector('img')!.alt).to.equal('cat.png');
    const doc = list.shadowRoot!.querySelector<HTMLAnchorElement>('a.file')!;
    expect(doc.textContent).to.contain('<img src=x onerror=alert(1)>.pdf').and.contain('47 kB');
    // The label says what happens (issue 15, bug 3): servers send a PDF as a download (only
    // raster images inline), so its link says so and not "opens in a new tab"; the image's does.
    expect(doc.querySelector('.visually-hidden')!.textContent).to.equal('(downloads the file)');
    expect(doc.textContent).not.to.contain('new tab');
    expect(doc.hasAttribute('download')).to.equal(true);
    expect(image.querySelector('.visually-hidden')!.textContent).to.contain('(opens in a new tab)');
    expect(list.shadowRoot!.querySelectorAll('img')).to.have.length(1);
    // No empty text bubble for a message of files only.
    expect(list.shadowRoot!.querySelector('.own [part=bubble]')).to.equal(null);
    await expectAccessible(el);
  });
});
