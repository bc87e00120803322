import { unsafeCSS, type CSSResult } from 'lit';

/**
 * Every public CSS custom property of the widget and its default: the one place a default is
 * defined and a property documented. Styles never write a default themselves; they read a
 * property through its export below (`chatMutedColor` is `var(--amoiq-chat-muted-color, #555)`),
 * and a default that names another property reads that property's whole chain
 * (`--amoiq-chat-header-background` → `--amoiq-chat-accent-color` → `#0088ff`), so a value the
 * page sets anywhere above the element wins (material-web's component → system tokens).
 *
 * The comment above each entry is its documentation: the manifest analyzer's plugin
 * (custom-elements-manifest.config.mjs) lists every entry with its default and comment as a CSS
 * property of `<amoiq-chat>`, and `npm run manifest:check` fails when docs/theming.md's tables
 * disagree with this one (names, defaults, dark values).
 */
export const TOKENS = {
  // Chat-wide (`--amoiq-chat-*`)
  /** The exact brand colour, where no text sits on it (the launcher when its icon reads, the drop zone, tab marks); `theme-color` sets it. */
  '--amoiq-chat-brand-color': '#0088ff',
  /** The brand colour's tone for surfaces with text (header, the visitor's bubbles, buttons): white text reaches 4.5:1; derived from the brand colour (brand-tone.ts). */
  '--amoiq-chat-accent-color': '#0076df',
  /** Text and icons on the accent colours. */
  '--amoiq-chat-on-accent-color': '#fff',
  /** Launcher: the brand colour's tone on which its white icon reaches 3:1 (the brand colour itself when it does). */
  '--amoiq-chat-launcher-background': 'var(--amoiq-chat-brand-color)',
  /** Panel background. */
  '--amoiq-chat-surface-color': '#fff',
  /** Text. */
  '--amoiq-chat-text-color': '#1a1a1a',
  /** Secondary text: times, sender names, counter, typing line, notices. */
  '--amoiq-chat-muted-color': '#555',
  /** Edges of controls (text boxes, the picker), kept at 3:1 contrast with the surface. */
  '--amoiq-chat-border-color': '#8d949e',
  /** Decorative lines: the edges between header, list and message box, date separators, file outlines. */
  '--amoiq-chat-divider-color': '#dde1e6',
  /** Errors: failed messages, refused files, the length counter at the limit. */
  '--amoiq-chat-error-color': '#b3261e',
  /** Focus outline (2 px, offset 2 px) on the surfaces; on the accent and in bubbles the ring takes that surface's text colour. */
  '--amoiq-chat-focus-color': 'var(--amoiq-chat-text-color)',
  /** Unread badge on the launcher. */
  '--amoiq-chat-badge-background': '#d93025',
  /** Unread badge text. */
  '--amoiq-chat-badge-color': '#fff',
  /** Font of every part. */
  '--amoiq-chat-font-family': "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  /** Base font size; the text box never goes below 16 px (so iOS does not zoom on focus). */
  '--amoiq-chat-font-size': '1rem',
  /** Base padding of the bars inside the panel (they use fractions of it). */
  '--amoiq-chat-spacing': '1rem',
  /** Panel corner radius. */
  '--amoiq-chat-radius': '1rem',
  /** Message bubble corner radius. */
  '--amoiq-chat-bubble-radius': '1rem',
  /** Shadow of the panel and the emoji picker. */
  '--amoiq-chat-shadow': '0 12px 40px rgb(0 0 0 / 0.22)',
  /** Shadow of the launcher. */
  '--amoiq-chat-launcher-shadow': '0 6px 20px rgb(0 0 0 / 0.25)',
  /** Panel width (capped at the viewport width minus the offsets); `width` sets it. */
  '--amoiq-chat-width': '350px',
  /** Panel height (capped at the viewport height minus 6 rem); `height` sets it. */
  '--amoiq-chat-height': '550px',
  /** Launcher diameter. */
  '--amoiq-chat-launcher-size': '3.5rem',
  /** Distance from the viewport edges, added to `env(safe-area-inset-*)`. */
  '--amoiq-chat-offset': '1.25rem',
  /** Stacking order of launcher and panel. */
  '--amoiq-chat-z-index': '2147483000',

  // Per component
  /** Header bar. */
  '--amoiq-chat-header-background': 'var(--amoiq-chat-accent-color)',
  /** Header text. */
  '--amoiq-chat-header-color': 'var(--amoiq-chat-on-accent-color)',
  /** Message box bar. */
  '--amoiq-chat-input-background': 'var(--amoiq-chat-surface-color)',
  /** Text box corners. */
  '--amoiq-chat-input-radius': '1.25rem',
  /** Emoji picker box. */
  '--amoiq-emoji-picker-background': 'var(--amoiq-chat-surface-color)',
  /** One emoji button (and group tab) of the picker. */
  '--amoiq-emoji-picker-size': '2.25rem',
  /** Conversation background. */
  '--amoiq-message-list-background': 'var(--amoiq-chat-surface-color)',
  /** Bubbles of messages from the other side. */
  '--amoiq-message-list-incoming-background': '#eef1f4',
  /** Their text. */
  '--amoiq-message-list-incoming-color': '#1a1a1a',
  /** The visitor's bubbles. */
  '--amoiq-message-list-outgoing-background': 'var(--amoiq-chat-accent-color)',
  /** Their text. */
  '--amoiq-message-list-outgoing-color': 'var(--amoiq-chat-on-accent-color)',
  /** Diameter of the senders' avatars. */
  '--amoiq-message-list-avatar-size': '1.75rem',
  /** Background of the AI mark. */
  '--amoiq-message-list-ai-color': '#6b4eff',
  /** Away banner (shown while no agent is online): a quiet card. */
  '--amoiq-away-banner-background': '#f1f3f5',
  /** Away banner text. */
  '--amoiq-away-banner-color': 'var(--amoiq-chat-text-color)',
  /** Pre-chat form. */
  '--amoiq-pre-chat-form-background': 'var(--amoiq-chat-surface-color)',
} as const;

/** A public custom property. */
export type Token = keyof typeof TOKENS;

/**
 * The dark colour scheme (`theme="dark"`, or `auto` under `prefers-color-scheme: dark`): set on
 * `<amoiq-chat>`'s `:host`, so values the page sets on the element still win.
 */
export const DARK_TOKENS: Readonly<Partial<Record<Token, string>>> = {
  '--amoiq-chat-surface-color': '#1f2125',
  '--amoiq-chat-text-color': '#e8eaed',
  '--amoiq-chat-muted-color': '#b4b9c0',
  '--amoiq-chat-border-color': '#80868e',
  '--amoiq-chat-divider-color': '#80868e',
  '--amoiq-chat-error-color': '#f2b8b5',
  '--amoiq-chat-input-background': '#1f2125',
  '--amoiq-message-list-background': '#1f2125',
  '--amoiq-message-list-incoming-background': '#33363b',
  '--amoiq-message-list-incoming-color': '#e8eaed',
  '--amoiq-away-banner-background': '#2b2e33',
};

/** `var(name, <default>)`, with every `var(--amoiq-…)` in the default expanded the same way. */
export function tokenChain(name: Token): string {
  const value = TOKENS[name].replace(/var\((--amoiq-[a-z-]+)\)/g, (_, inner: string) => tokenChain(inner as Token));
  return `var(${name}, ${value})`;
}

const read = (name: Token): CSSResult => unsafeCSS(tokenChain(name));

export const chatBrandColor = read('--amoiq-chat-brand-color');
export const chatAccentColor = read('--amoiq-chat-accent-color');
export const chatLauncherBackground = read('--amoiq-chat-launcher-background');
export const chatOnAccentColor = read('--amoiq-chat-on-accent-color');
export const chatSurfaceColor = read('--amoiq-chat-surface-color');
export const chatTextColor = read('--amoiq-chat-text-color');
export const chatMutedColor = read('--amoiq-chat-muted-color');
export const chatBorderColor = read('--amoiq-chat-border-color');
export const chatDividerColor = read('--amoiq-chat-divider-color');
export const chatErrorColor = read('--amoiq-chat-error-color');
export const chatFocusColor = read('--amoiq-chat-focus-color');
export const chatBadgeBackground = read('--amoiq-chat-badge-background');
export const chatBadgeColor = read('--amoiq-chat-badge-color');
export const chatFontFamily = read('--amoiq-chat-font-family');
export const chatFontSize = read('--amoiq-chat-font-size');
export const chatSpacing = read('--amoiq-chat-spacing');
export const chatRadius = read('--amoiq-chat-radius');
export const chatBubbleRadius = read('--amoiq-chat-bubble-radius');
export const chatShadow = read('--amoiq-chat-shadow');
export const chatLauncherShadow = read('--amoiq-chat-launcher-shadow');
export const chatWidth = read('--amoiq-chat-width');
export const chatHeight = read('--amoiq-chat-height');
export const chatLauncherSize = read('--amoiq-chat-launcher-size');
export const chatOffset = read('--amoiq-chat-offset');
export const chatZIndex = read('--amoiq-chat-z-index');
export const chatHeaderBackground = read('--amoiq-chat-header-background');
export const chatHeaderColor = read('--amoiq-chat-header-color');
export const chatInputBackground = read('--amoiq-chat-input-background');
export const chatInputRadius = read('--amoiq-chat-input-radius');
export const emojiPickerBackground = read('--amoiq-emoji-picker-background');
export const emojiPickerSize = read('--amoiq-emoji-picker-size');
export const messageListBackground = read('--amoiq-message-list-background');
export const messageListIncomingBackground = read('--amoiq-message-list-incoming-background');
export const messageListIncomingColor = read('--amoiq-message-list-incoming-color');
export const messageListOutgoingBackground = read('--amoiq-message-list-outgoing-background');
export const messageListOutgoingColor = read('--amoiq-message-list-outgoing-color');
export const messageListAvatarSize = read('--amoiq-message-list-avatar-size');
export const messageListAiColor = read('--amoiq-message-list-ai-color');
export const awayBannerBackground = read('--amoiq-away-banner-background');
export const awayBannerColor = read('--amoiq-away-banner-color');
export const preChatFormBackground = read('--amoiq-pre-chat-form-background');

/**
 * The dark scheme on `<amoiq-chat>`: `theme="dark"`, or `theme="auto"` under
 * `prefers-color-scheme: dark`. It sits on `:host`, so values the page sets on the element still win.
 */
const darkDeclarations = Object.entries(DARK_TOKENS)
  .map(([name, value]) => `${name}:${value};`)
  .join('');
export const darkStyles = unsafeCSS(
  `:host([theme='dark']){color-scheme:dark;${darkDeclarations}}@media (prefers-color-scheme: dark){:host([theme='auto']){color-scheme:dark;${darkDeclarations}}}`,
);
