/**
 * The embed code of a widget configuration in every flavour a site can use (README "Embedding"
 * and docs/frameworks.md): the script tag with the widget id alone, the drop-in script with the
 * options written out, the npm package with the element, React (`amoiq-chat/react`) and Vue.
 * Only the first reads the configuration from the server at each page load; the others carry a
 * copy of its look (its sessions still use the widget's key, so the server checks the widget's
 * domains and active flag on every request).
 */
import { toDropInConfig, type WidgetConfiguration } from '../../../src/compat/remote-config.js';
import { parsePreChatFields } from '../../../src/components/pre-chat-form/fields.js';
import type { WidgetForm } from './settings-rules.js';

export interface EmbedSnippet {
  id: 'script-id' | 'script-config' | 'npm' | 'react' | 'vue';
  label: string;
  code: string;
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The drop-in options of `w` (its default-language texts), with the backend's origin. */
function options(w: WidgetForm & { id: string }, origin: string): Record<string, string | boolean> {
  const config = toDropInConfig({ ...w, tenantId: '' } as unknown as WidgetConfiguration, 'en') as Record<string, string | boolean>;
  return { gatewayUrl: origin, ...config };
}

/** `name="value"` / `name` pairs of an element, one per line, indented by `indent`. */
function attributes(opts: Record<string, string | boolean>, indent: string): string {
  return Object.entries(opts)
    .map(([k, v]) => (v === true ? `${indent}${kebab(k)}` : `${indent}${kebab(k)}="${attr(String(v))}"`))
    .join('\n');
}

/** Every flavour of the embed code of saved widget `w`, served from backend `origin`. */
export function embedSnippets(w: WidgetForm & { id: string }, origin: string): EmbedSnippet[] {
  const opts = options(w, origin);
  const { preChatFields, ...rest } = opts;
  const react = Object.entries(rest)
    .map(([k, v]) => (v === true ? `      ${k}` : `      ${k}=${JSON.stringify(String(v))}`))
    .join('\n');
  const fields = typeof preChatFields === 'string' ? parsePreChatFields(preChatFields) : [];
  return [
    {
      id: 'script-id',
      label: 'Script tag with the widget id (reads this configuration at every page load)',
      code: `<script src="${origin}/embed/widget.js?id=${encodeURIComponent(w.id)}" async></script>`,
    },
    {
      id: 'script-config',
      label: 'Script with the configuration inline',
      code: `<script>\n  window.ChatWidgetConfig = ${JSON.stringify(opts, null, 2).replace(/\n/g, '\n  ')};\n</script>\n<script src="${origin}/amoiq-chat.js" async></script>`,
    },
    {
      id: 'npm',
      label: 'npm package and the element',
      code: `npm install amoiq-chat\n\n// main.js\nimport 'amoiq-chat/define';\n\n<!-- page -->\n<amoiq-chat\n${attributes(opts, '  ')}\n></amoiq-chat>`,
    },
    {
      id: 'react',
      label: 'React (amoiq-chat/react)',
      code:
        `npm install amoiq-chat @lit/react\n\nimport { AmoiqChat } from 'amoiq-chat/react';\n\nexport function Chat() {\n  return (\n    <AmoiqChat\n${react}` +
        (fields.length ? `\n      preChatFields={${JSON.stringify(fields)}}` : '') +
        `\n    />\n  );\n}`,
    },
    {
      id: 'vue',
      label: 'Vue 3',
      code: `npm install amoiq-chat\n\n<script setup>\nimport 'amoiq-chat/define';\n</script>\n\n<template>\n  <amoiq-chat\n${attributes(opts, '    ')}\n  />\n</template>`,
    },
  ];
}
