/** The custom properties a brand colour sets (brand-tone.ts `brandProperties`; docs/theming.md, "Brand colour"). */
export const BRAND_PROPERTIES = [
  '--amoiq-chat-brand-color',
  '--amoiq-chat-accent-color',
  '--amoiq-chat-launcher-background',
  '--amoiq-chat-on-accent-color',
] as const;
