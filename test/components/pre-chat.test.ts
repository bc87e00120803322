import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { nanoid } from 'nanoid';
import '../../src/define.js';
import type { AmoiqChat } from '../../src/components/chat/chat.js';
import { parsePreChatFields, toContact } from '../../src/components/pre-chat-form/fields.js';
import type { ChatService, ChatState, ContactDetails } from '../../src/services/chat-service.js';
import { captureWarnings, deepActiveElement, expectAccessible, part, until } from '../helpers/dom.js';

// The optional pre-chat form: off by default, shown before the first message when fields are
// configured, validated with accessible messages, and gone (with focus in the message box) once
// the details are stored. The service runs offline; its contact call is stood in for.

const OFFLINE = 'http://127.0.0.1:9';

async function chat(fields: string | null, extra: { userName?: string; userEmail?: string; lang?: string } = {}): Promise<AmoiqChat> {
  const el = await fixture<AmoiqChat>(html`<amoiq-chat
    tenant-id="t"
    gateway-url=${OFFLINE}
    db-name=${`amoiq-prechat-${nanoid(8)}`}
    lang=${extra.lang ?? 'en'}
    user-name=${extra.userName ?? ''}
    user-email=${extra.userEmail ?? ''}
  ></amoiq-chat>`);
  if (fields !== null) el.setAttribute('pre-chat-fields', fields);
  el.show();
  await el.updateComplete;
  return el;
}

const serviceOf = (el: AmoiqChat) => (el as unknown as { chat: { service: ChatService } }).chat.service;

/** Stands in for the server's `POST /api/chat/contact`: records and keeps the details. */
function acceptContact(el: AmoiqChat): ContactDetails[] {
  const service = serviceOf(el);
  const sent: ContactDetails[] = [];
  service.submitContact = async (details, source = 'pre-chat') => {
    sent.push(details);
    service.state = { ...service.state, contact: details } as ChatState;
    (service as unknown as { publish(): void }).publish();
    service.state = { ...service.state, contact: details } as ChatState;
    (service as unknown as { emit(e: unknown): void }).emit({ type: 'contact', contact: details, source });
  };
  return sent;
}

const form = (el: AmoiqChat) => part(el, 'amoiq-pre-chat-form');
const inputs = (el: AmoiqChat) => [...form(el).shadowRoot!.querySelectorAll('input')];
const labelOf = (input: HTMLInputElement) =>
  (input.getRootNode() as ShadowRoot).querySelector(`label[for="${input.id}"]`)!.textContent!.replace(/\s+/g, ' ').trim();

describe('pre-chat-fields parsing', () => {
  it('reads names, required marks and leaves out bad names with one warning', () => {
    const warnings: string[] = [];
    expect(parsePreChatFields(' name , email* ,company,bad name,email', (w) => warnings.push(w))).to.deep.equal([
      { name: 'name' },
      { name: 'email', required: true },
      { name: 'company' },
    ]);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('"bad name"').and.contain('"email"');
    expect(parsePreChatFields('')).to.deep.equal([]);
  });

  it('puts name and email at the top of the details, the rest in fields, without empty values', () => {
    expect(
      toContact(
        new Map([
          ['name', ' Ada '],
          ['email', 'a@b.co'],
          ['phone', ''],
          ['company', 'Acme'],
        ]),
      ),
    ).to.deep.equal({ name: 'Ada', email: 'a@b.co', fields: { company: 'Acme' } });
  });
});

describe('<amoiq-chat> pre-chat form', () => {
  it('is off unless pre-chat-fields is set', async () => {
    const el = await chat(null);
    expect(el.shadowRoot!.querySelector('amoiq-pre-chat-form')).to.equal(null);
    expect(el.shadowRoot!.querySelector('amoiq-chat-input')).to.not.equal(null);
  });

  it('shows labelled fields with localized labels, required ones marked, instead of the message box', async () => {
    const el = await chat('name,email*,phone,company');
    expect(el.shadowRoot!.querySelector('amoiq-chat-input')).to.equal(null);
    const [name, email, phone, company] = inputs(el);
    expect([name, email, phone, company].map(labelOf)).to.deep.equal(['Name', 'E-mail*', 'Phone', 'company']);
    expect([name.type, email.type, phone.type, company.type]).to.deep.equal(['text', 'email', 'tel', 'text']);
    expect(email.required).to.equal(true);
    expect(name.required).to.equal(false);
    expect(name.autocomplete).to.equal('name');
    await expectAccessible(el);
  });

  it('explains what is wrong next to the field and moves focus there; nothing is sent', async () => {
    const el = await chat('name,email*');
    const sent = acceptContact(el);
    const [name, email] = inputs(el);
    name.focus();
    await sendKeys({ type: 'Ada' });
    await sendKeys({ press: 'Enter' });
    await until(() => email.getAttribute('aria-invalid') === 'true', 'email invalid');
    const error = () => form(el).shadowRoot!.getElementById(email.getAttribute('aria-describedby') ?? '')?.textContent;
    expect(error()).to.equal('Fill in this field.');
    expect(deepActiveElement()).to.equal(email);
    await sendKeys({ type: 'ada@example' });
    expect(email.getAttribute('aria-invalid'), 'typing clears the error').to.equal('false');
    await sendKeys({ press: 'Enter' });
    await until(() => error() === 'Enter an e-mail address like name@example.com.', 'address error');
    expect(sent).to.deep.equal([]);
    await expectAccessible(el);
  });

  it('submits with the keyboard, then shows the message box and focuses it', async () => {
    const el = await chat('name,email*,company');
    const sent = acceptContact(el);
    const [name] = inputs(el);
    name.focus();
    await sendKeys({ type: 'Ada' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'ada@example.com' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'Acme' });
    const stored = oneEvent(el, 'amoiq-contact');
    await sendKeys({ press: 'Enter' });
    expect((await stored).detail.source).to.equal('pre-chat');
    expect(sent).to.deep.equal([{ name: 'Ada', email: 'ada@example.com', fields: { company: 'Acme' } }]);
    await until(() => el.shadowRoot!.querySelector('amoiq-chat-input') !== null, 'message box');
    expect(el.shadowRoot!.querySelector('amoiq-pre-chat-form')).to.equal(null);
    await until(() => deepActiveElement()?.tagName === 'TEXTAREA', 'focus in the message box');
  });

  it('prefills the identified user’s name and e-mail', async () => {
    const el = await chat('name,email', { userName: 'Grace Hopper', userEmail: 'grace@example.com' });
    const [name, email] = inputs(el);
    expect(name.value).to.equal('Grace Hopper');
    expect(email.value).to.equal('grace@example.com');
  });

  it('is not shown once the visitor wrote in the conversation, nor when details were given', async () => {
    const el = await chat('name');
    el.send('hello');
    await until(() => el.shadowRoot!.querySelector('amoiq-chat-input') !== null, 'message box after a message');
    const other = await chat('name');
    const service = serviceOf(other);
    service.state = { ...service.state, contact: { name: 'Ada' } };
    (service as unknown as { publish(): void }).publish();
    await other.updateComplete;
    expect(other.shadowRoot!.querySelector('amoiq-pre-chat-form')).to.equal(null);
  });

  it('takes fields as a property, with its own labels', async () => {
    const el = await chat(null);
    el.preChatFields = [{ name: 'order', label: 'Order number', required: true }];
    await el.updateComplete;
    const [order] = inputs(el);
    expect(labelOf(order)).to.equal('Order number*');
    expect(order.required).to.equal(true);
  });

  it('warns once about a bad field list and keeps working', async () => {
    const warnings = await captureWarnings(async () => {
      const el = await chat('name,not valid!,email');
      expect(inputs(el).map((i) => i.name)).to.deep.equal(['name', 'email']);
    });
    expect(warnings.filter((w) => w.includes('pre-chat-fields'))).to.have.length(1);
  });

  it('uses the visitor’s language', async () => {
    const el = await chat('name,email*', { lang: 'es' });
    await until(() => inputs(el).length === 2 && labelOf(inputs(el)[0]) === 'Nombre', 'Spanish labels');
    expect(labelOf(inputs(el)[1])).to.equal('Correo electrónico*');
    expect(form(el).shadowRoot!.querySelector('button')!.textContent!.trim()).to.equal('Empezar a chatear');
  });
});
