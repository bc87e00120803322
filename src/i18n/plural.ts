/** Texts of a counted phrase by plural category (`one`, `few`, …); `other` is required. */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
