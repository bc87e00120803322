/**
 * `<amoiq-agent-settings>`: the designers' settings page of the agent console (issue 13, item 4;
 * README "Designers' settings page"). It lists the tenant's widget configurations
 * (`GET /api/agent/widgets`), creates (`POST`), edits (`PUT`), deactivates (`active: false`) and
 * deletes them (`DELETE`, after a confirmation), with a form for every field checked by the server's rules (settings-rules.ts) as the
 * designer types and the server's own refusals shown beside the field they name; beside the form
 * the real widget shows the unsaved values (settings-preview.ts), with a contrast check of the
 * theme colour and the embed code in every flavour (settings-embed.ts). A saved change is a new
 * version of the configuration, so every page using the widget id shows it on its next load.
 */
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { embedSnippets } from './settings-embed.js';
import {
  FEATURE_FLAGS,
  LOCALES,
  POSITIONS,
  TEXT_KEYS,
  TEXT_MAX,
  NAME_MAX,
  contrastChecks,
  emptyWidget,
  fieldOfServerError,
  toRequestBody,
  validateWidget,
  type FieldErrors,
  type TextKey,
  type WidgetForm,
} from './settings-rules.js';
import type { PreviewState } from './settings-preview.js';

const TEXT_LABELS: Record<TextKey, string> = { headerText: 'Header text', welcomeMessage: 'Welcome message', awayMessage: 'Away message' };
const FEATURE_LABELS: Record<(typeof FEATURE_FLAGS)[number], string> = {
  attachments: 'Attachments',
  emoji: 'Emoji picker',
  voice: 'Voice',
  assistant: 'AI assistant',
  sound: 'Sound on new messages',
};
const LOCALE_NAMES: Record<(typeof LOCALES)[number], string> = {
  en: 'English',
  es: 'Spanish',
  fr: 'French',
  de: 'German',
  ar: 'Arabic',
  ja: 'Japanese',
};

/** A widget as `GET /api/agent/widgets` lists it. */
type SavedWidget = WidgetForm & { id: string; version: number };

/** The API's error: status, code and message (the message names the field). */
class SettingsApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The form's copy of a saved widget (every field present). */
function toForm(w: Partial<SavedWidget>): WidgetForm {
  return { ...emptyWidget(), ...w, texts: { ...w.texts }, features: { ...w.features }, allowedDomains: [...(w.allowedDomains ?? [])] };
}

export class AmoiqAgentSettings extends LitElement {
  static override styles = css`
    :host { display: block; padding: 1rem; overflow: auto; height: 100%; box-sizing: border-box; color: #1b1f24; }
    h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
    h3 { font-size: 1rem; margin: 1rem 0 0.5rem; }
    .layout { display: grid; grid-template-columns: 220px minmax(320px, 420px) minmax(0, 1fr); gap: 1rem; align-items: start; }
    ul { list-style: none; margin: 0 0 0.5rem; padding: 0; }
    li button { width: 100%; text-align: start; background: none; border: 1px solid transparent; border-radius: 6px; padding: 0.4rem 0.5rem; cursor: pointer; font: inherit; color: inherit; }
    li button[aria-current='true'] { background: #ddf4ff; border-color: #54aeff; }
    .inactive { color: #57606a; font-size: 0.8rem; }
    form { display: grid; gap: 0.6rem; }
    .field { display: grid; gap: 0.2rem; }
    .field > label, legend { font-weight: 600; font-size: 0.9rem; }
    input[type='text'], input:not([type]), select, textarea { font: inherit; padding: 0.35rem 0.45rem; border: 1px solid #8c959f; border-radius: 6px; }
    input[aria-invalid='true'], textarea[aria-invalid='true'] { border-color: #cf222e; }
    .hint { color: #57606a; font-size: 0.8rem; }
    .error { color: #cf222e; font-size: 0.85rem; margin: 0; }
    .row { display: flex; gap: 0.5rem; align-items: center; }
    .row input[type='color'] { inline-size: 2.5rem; block-size: 2rem; padding: 0; border: 1px solid #8c959f; border-radius: 6px; }
    fieldset { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem; margin: 0; display: grid; gap: 0.4rem; }
    .checks label { font-weight: normal; display: flex; gap: 0.4rem; align-items: center; }
    button.primary, button.secondary { font: inherit; border-radius: 6px; padding: 0.4rem 0.8rem; cursor: pointer; }
    button.primary { background: #0969da; color: #fff; border: 1px solid #0969da; }
    button.secondary { background: #f6f8fa; color: #1b1f24; border: 1px solid #8c959f; }
    .contrast { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem 0.75rem; }
    .contrast.fails { border-color: #cf222e; background: #ffebe9; }
    .contrast ul { margin: 0.25rem 0 0; }
    .contrast li { font-size: 0.85rem; }
    .swatch { display: inline-block; padding: 0.1rem 0.4rem; border-radius: 4px; border: 1px solid #8c959f; font-weight: 600; }
    pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem; overflow: auto; font-size: 0.8rem; margin: 0.25rem 0; }
    .snippet { margin-block-end: 0.75rem; }
    .snippet-head { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; font-size: 0.9rem; }
    .status { min-height: 1.2em; font-size: 0.9rem; }
    button.secondary.danger { color: #a40e26; border-color: #cf222e; }
    button.primary.danger { background: #a40e26; border-color: #a40e26; }
    .confirm { border: 1px solid #cf222e; border-radius: 6px; padding: 0.5rem 0.75rem; background: #ffebe9; }
    .confirm p { margin: 0 0 0.5rem; }
    @media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } }
  `;

  /** Backend origin ('' for the console's own). */
  @property({ attribute: false }) baseUrl = '';
  /** The agent's token. */
  @property({ attribute: false }) token = '';

  @state() private widgets: SavedWidget[] = [];
  @state() private draft: WidgetForm | null = null;
  /** Fields the designer changed (their client-side errors show from then on). */
  @state() private touched = new Set<string>();
  @state() private submitted = false;
  @state() private serverErrors: FieldErrors = {};
  @state() private saving = false;
  @state() private status = '';
  @state() private loadError = '';
  /** The Delete button was pressed: the confirmation is shown. */
  @state() private confirmingDelete = false;
  @state() private preview: { previewState: PreviewState; theme: 'light' | 'dark'; direction: 'ltr' | 'rtl'; size: 'phone' | 'desktop' } = {
    previewState: 'open',
    theme: 'light',
    direction: 'ltr',
    size: 'desktop',
  };

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) throw new SettingsApiError(res.status, json?.error?.code ?? 'internal', json?.error?.message ?? res.statusText);
    return json as T;
  }

  /** Reads the tenant's widgets; keeps the one being edited selected. */
  async load() {
    try {
      const { widgets } = await this.call<{ widgets: SavedWidget[] }>('GET', '/api/agent/widgets');
      this.widgets = widgets;
      this.loadError = '';
      if (!this.draft && widgets[0]) this.edit(widgets[0]);
    } catch (err) {
      this.loadError = `Could not load the widgets: ${(err as Error).message}`;
    }
  }

  private edit(w: SavedWidget | null) {
    this.draft = w ? toForm(w) : { ...emptyWidget(), name: '' };
    this.touched = new Set();
    this.submitted = false;
    this.serverErrors = {};
    this.status = '';
    this.confirmingDelete = false;
  }

  /** Deletes the widget being edited (after the confirmation): every page using its id shows no widget from its next load. */
  private async deleteWidget() {
    const id = this.draft?.id;
    if (!id || this.saving) return;
    const name = this.draft!.name;
    this.saving = true;
    try {
      await this.call<null>('DELETE', `/api/agent/widgets/${encodeURIComponent(id)}`);
      this.widgets = this.widgets.filter((w) => w.id !== id);
      this.edit(this.widgets[0] ?? null);
      this.status = `Deleted “${name}”. Pages with its id show no widget from their next load.`;
    } catch (err) {
      this.confirmingDelete = false;
      this.serverErrors = { form: (err as Error).message };
      this.status = `Not deleted: ${(err as Error).message}`;
    } finally {
      this.saving = false;
    }
  }

  /** Shows the confirmation and moves focus to its safe choice. */
  private async askDelete() {
    this.confirmingDelete = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('[data-action="cancel-delete"]')?.focus();
  }

  /** Applies a change of one field and re-checks it. */
  private change(field: string, patch: (d: WidgetForm) => WidgetForm) {
    if (!this.draft) return;
    this.draft = patch(this.draft);
    this.touched = new Set(this.touched).add(field);
    if (this.serverErrors[field] || this.serverErrors.form) {
      const { [field]: _gone, form: _form, ...rest } = this.serverErrors;
      this.serverErrors = rest;
    }
    this.status = '';
  }

  private get errors(): FieldErrors {
    return this.draft ? validateWidget(this.draft) : {};
  }

  /** The message shown under `field`: the server's, else the client check's once the field was changed or a save tried. */
  private errorOf(field: string): string {
    const client = this.errors[field];
    return this.serverErrors[field] ?? (client && (this.submitted || this.touched.has(field)) ? client : '');
  }

  private async save(e?: Event, override?: Partial<WidgetForm>) {
    e?.preventDefault();
    if (!this.draft || this.saving) return;
    const draft = { ...this.draft, ...override };
    this.submitted = true;
    const errors = validateWidget(draft);
    if (Object.keys(errors).length) {
      this.status = 'Not saved: correct the fields marked below.';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.saving = true;
    this.status = 'Saving…';
    try {
      const saved = draft.id
        ? await this.call<SavedWidget>('PUT', `/api/agent/widgets/${encodeURIComponent(draft.id)}`, toRequestBody(draft))
        : await this.call<SavedWidget>('POST', '/api/agent/widgets', toRequestBody(draft));
      this.widgets = draft.id ? this.widgets.map((w) => (w.id === saved.id ? saved : w)) : [...this.widgets, saved];
      this.edit(saved);
      this.status = draft.id
        ? `Saved (version ${saved.version}). Sites using this widget show it on their next page load.`
        : 'Created. Copy the embed code below.';
    } catch (err) {
      const error = err as SettingsApiError;
      const field = error.status === 400 ? fieldOfServerError(error.message) : 'form';
      this.serverErrors = { [field]: error.message };
      this.status = `Not saved: ${error.message}`;
    } finally {
      this.saving = false;
    }
  }

  override render() {
    return html`
      <h2 id="settings-title" tabindex="-1">Widgets</h2>
      ${this.loadError ? html`<p class="error" role="alert">${this.loadError}</p>` : nothing}
      <div class="layout">
        <nav aria-label="Widget configurations">
          <ul>
            ${this.widgets.map(
              (w) =>
                html`<li>
                  <button type="button" aria-current=${this.draft?.id === w.id ? 'true' : 'false'} @click=${() => this.edit(w)}>
                    ${w.name}${w.active ? nothing : html` <span class="inactive">(inactive)</span>`}
                  </button>
                </li>`,
            )}
          </ul>
          <button type="button" class="secondary" @click=${() => this.edit(null)}>New widget</button>
        </nav>
        ${this.draft ? this.renderForm(this.draft) : html`<p>No widget yet: choose "New widget".</p>`}
        ${
          this.draft
            ? html`<section aria-labelledby="preview-title">
              <h3 id="preview-title">Preview (not saved yet)</h3>
              <amoiq-agent-widget-preview
                .config=${this.draft}
                .previewState=${this.preview.previewState}
                .theme=${this.preview.theme}
                .direction=${this.preview.direction}
                .size=${this.preview.size}
                @amoiq-preview-change=${(e: CustomEvent) => (this.preview = { ...this.preview, ...e.detail })}
              ></amoiq-agent-widget-preview>
            </section>`
            : nothing
        }
      </div>
    `;
  }

  /** A labelled input with its hint and error, wired with aria-describedby / aria-invalid. */
  private field(name: string, label: string, control: (describedBy: string, invalid: boolean) => TemplateResult, hint = '') {
    const error = this.errorOf(name);
    const id = name.replace(/\./g, '-');
    const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="field" data-field=${name}>
      <label for=${id}>${label}</label>
      ${control(describedBy, !!error)} ${hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : nothing}
      ${error ? html`<p class="error" id="${id}-error">${error}</p>` : nothing}
    </div>`;
  }

  private text(
    name: string,
    label: string,
    value: string,
    max: number,
    set: (d: WidgetForm, v: string) => WidgetForm,
    hint = '',
    area = false,
  ) {
    const id = name.replace(/\./g, '-');
    const onInput = (e: Event) => this.change(name, (d) => set(d, (e.target as HTMLInputElement).value));
    return this.field(
      name,
      label,
      (describedBy, invalid) =>
        area
          ? html`<textarea id=${id} rows="2" maxlength=${max + 1} .value=${value} aria-invalid=${invalid ? 'true' : 'false'} aria-describedby=${describedBy || nothing} @input=${onInput}></textarea>`
          : html`<input id=${id} type="text" maxlength=${max + 1} .value=${value} aria-invalid=${invalid ? 'true' : 'false'} aria-describedby=${describedBy || nothing} @input=${onInput} />`,
      hint,
    );
  }

  private renderForm(d: WidgetForm) {
    const hex = /^#[0-9a-f]{6}$/i.test(d.themeColor) ? d.themeColor : '#000000';
    return html`<form @submit=${this.save} novalidate aria-labelledby="form-title">
      <h3 id="form-title">${d.id ? `Edit “${d.name || 'unnamed'}”` : 'New widget'}</h3>
      ${d.id ? html`<p class="hint">Widget id <code>${d.id}</code></p>` : nothing}
      ${this.text('name', 'Name', d.name, NAME_MAX, (w, v) => ({ ...w, name: v }), 'Only agents see it.')}
      ${this.field(
        'themeColor',
        'Theme colour',
        (describedBy, invalid) => html`<div class="row">
          <input
            type="color"
            aria-label="Pick the theme colour"
            .value=${hex}
            @input=${(e: Event) => this.change('themeColor', (w) => ({ ...w, themeColor: (e.target as HTMLInputElement).value }))}
          />
          <input
            id="themeColor"
            type="text"
            .value=${d.themeColor}
            aria-invalid=${invalid ? 'true' : 'false'}
            aria-describedby=${describedBy || nothing}
            @input=${(e: Event) => this.change('themeColor', (w) => ({ ...w, themeColor: (e.target as HTMLInputElement).value }))}
          />
        </div>`,
        '#rrggbb, rgb(r, g, b) or a colour name.',
      )}
      ${this.renderContrast(d.themeColor)}
      ${this.field(
        'position',
        'Position',
        (describedBy, invalid) =>
          html`<select
            id="position"
            aria-invalid=${invalid ? 'true' : 'false'}
            aria-describedby=${describedBy || nothing}
            @change=${(e: Event) => this.change('position', (w) => ({ ...w, position: (e.target as HTMLSelectElement).value }))}
          >
            ${POSITIONS.map((p) => html`<option value=${p} ?selected=${d.position === p}>${p.replace('-', ' ')}</option>`)}
          </select>`,
      )}
      ${this.text('width', 'Width', d.width, 20, (w, v) => ({ ...w, width: v }), 'A CSS length (350px, 90vw); empty: the default.')}
      ${this.text('height', 'Height', d.height, 20, (w, v) => ({ ...w, height: v }), 'A CSS length (560px, 80vh); empty: the default.')}
      ${TEXT_KEYS.map((key) =>
        this.text(
          key,
          TEXT_LABELS[key],
          d[key],
          TEXT_MAX[key],
          (w, v) => ({ ...w, [key]: v }),
          'Every language without its own text.',
          key !== 'headerText',
        ),
      )}
      <details>
        <summary>Texts per language</summary>
        ${this.serverErrors.texts ? html`<p class="error">${this.serverErrors.texts}</p>` : nothing}
        ${LOCALES.map(
          (lang) => html`<fieldset>
            <legend>${LOCALE_NAMES[lang]} (${lang})</legend>
            ${TEXT_KEYS.map((key) =>
              this.text(
                `texts.${lang}.${key}`,
                TEXT_LABELS[key],
                d.texts[lang]?.[key] ?? '',
                TEXT_MAX[key],
                (w, v) => ({ ...w, texts: { ...w.texts, [lang]: { ...w.texts[lang], [key]: v } } }),
                '',
                key !== 'headerText',
              ),
            )}
          </fieldset>`,
        )}
      </details>
      <fieldset class="checks" data-field="features">
        <legend>Features</legend>
        ${FEATURE_FLAGS.map(
          (flag) =>
            html`<label
              ><input
                type="checkbox"
                name=${flag}
                .checked=${d.features[flag] ?? flag !== 'sound'}
                @change=${(e: Event) =>
                  this.change(`features.${flag}`, (w) => ({
                    ...w,
                    features: { ...w.features, [flag]: (e.target as HTMLInputElement).checked },
                  }))}
              />${FEATURE_LABELS[flag]}</label
            >`,
        )}
        ${this.serverErrors.features ? html`<p class="error">${this.serverErrors.features}</p>` : nothing}
      </fieldset>
      ${this.text(
        'features.preChatFields',
        'Pre-chat form fields',
        d.features.preChatFields ?? '',
        200,
        (w, v) => ({ ...w, features: { ...w.features, preChatFields: v } }),
        'Comma list, * for required (name,email*); empty: no form.',
      )}
      ${this.field(
        'allowedDomains',
        'Allowed domains',
        (describedBy, invalid) =>
          html`<textarea
            id="allowedDomains"
            rows="3"
            .value=${d.allowedDomains.join('\n')}
            aria-invalid=${invalid ? 'true' : 'false'}
            aria-describedby=${describedBy || nothing}
            @input=${(e: Event) =>
              this.change('allowedDomains', (w) => ({
                ...w,
                allowedDomains: (e.target as HTMLTextAreaElement).value
                  .split(/[\n,]/)
                  .map((s) => s.trim())
                  .filter(Boolean),
              }))}
          ></textarea>`,
        'One per line: https://shop.example.com, *.example.com, or * for any. Empty: the tenant’s allowed origins.',
      )}
      <label class="row"
        ><input type="checkbox" name="active" .checked=${d.active} @change=${(e: Event) => this.change('active', (w) => ({ ...w, active: (e.target as HTMLInputElement).checked }))} />
        Active (an inactive widget is shown nowhere)</label
      >
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.saving}>${d.id ? 'Save' : 'Create'}</button>
        ${
          d.id && d.active
            ? html`<button type="button" class="secondary" data-action="deactivate" ?disabled=${this.saving} @click=${() => this.save(undefined, { active: false })}>Deactivate</button>`
            : nothing
        }
        ${d.id ? html`<button type="button" class="secondary danger" data-action="delete" ?disabled=${this.saving || this.confirmingDelete} @click=${this.askDelete}>Delete</button>` : nothing}
      </div>
      ${
        d.id && this.confirmingDelete
          ? html`<div class="confirm" role="group" aria-labelledby="confirm-delete-text">
              <p id="confirm-delete-text">Delete “${d.name}” for good? Every page using its id shows no widget from its next load. This cannot be undone.</p>
              <div class="row">
                <button type="button" class="primary danger" data-action="confirm-delete" ?disabled=${this.saving} @click=${this.deleteWidget}>Delete for good</button>
                <button type="button" class="secondary" data-action="cancel-delete" @click=${() => (this.confirmingDelete = false)}>Cancel</button>
              </div>
            </div>`
          : nothing
      }
      <p class="status" role="status">${this.status}</p>
      ${this.serverErrors.form ? html`<p class="error" role="alert">${this.serverErrors.form}</p>` : nothing}
      ${this.renderEmbed(this.widgets.find((w) => w.id === d.id))}
    </form>`;
  }

  private renderContrast(color: string) {
    const checks = contrastChecks(color);
    if (!checks.length) return nothing;
    const failing = checks.filter((c) => !c.passes);
    return html`<div class="contrast ${failing.length ? 'fails' : ''}" data-testid="contrast" role="status">
      <strong>${failing.length ? 'Contrast warning: this colour fails WCAG AA' : 'Contrast: passes WCAG AA'}</strong>
      <ul>
        ${checks.map(
          (c) => html`<li data-check=${c.id}>${c.passes ? '✓' : '✗'} ${c.label}: ${c.ratio.toFixed(2)}:1 (needs ${c.minimum}:1)</li>`,
        )}
      </ul>
    </div>`;
  }

  /** The embed code of the saved configuration (the form's unsaved changes are not in it). */
  private renderEmbed(w: SavedWidget | undefined) {
    if (!w) return html`<p class="hint">The embed code appears once the widget is created.</p>`;
    const origin = this.baseUrl || location.origin;
    return html`<section aria-labelledby="embed-title">
      <h3 id="embed-title">Embed code</h3>
      ${embedSnippets(w, origin).map(
        (s) => html`<div class="snippet" data-snippet=${s.id}>
          <div class="snippet-head">
            <span id="snippet-${s.id}">${s.label}</span>
            <button type="button" class="secondary" aria-describedby="snippet-${s.id}" @click=${() => void navigator.clipboard?.writeText(s.code)}>Copy</button>
          </div>
          <pre aria-labelledby="snippet-${s.id}" tabindex="0"><code>${s.code}</code></pre>
        </div>`,
      )}
    </section>`;
  }
}
