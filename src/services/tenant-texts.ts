import type { RemoteWidgetConfig, TenantTexts } from '../protocol/wire.js';

/**
 * A tenant text (header title, welcome message, away message) in the widget's language: the
 * session's `config.texts` for the exact locale (`fr-CA`), else its language (`fr`), else the
 * tenant's default text (`config.headerText` …); empty when none is set (then the widget's own
 * localized default applies). docs/protocol.md, "Tenant texts per language".
 *
 * @example
 * tenantText({ headerText: 'Support', texts: { ar: { headerText: 'الدعم' } } }, 'ar-EG', 'headerText') // 'الدعم'
 */
export function tenantText(config: RemoteWidgetConfig | undefined, locale: string | undefined, key: keyof TenantTexts): string {
  if (!config) return '';
  const texts = config.texts;
  if (texts && locale) {
    const lower = locale.toLowerCase();
    const exact = Object.keys(texts).find((k) => k.toLowerCase() === lower);
    const found = (exact && texts[exact][key]) || texts[lower.split('-')[0]]?.[key];
    if (found) return found;
  }
  return config[key] ?? '';
}
