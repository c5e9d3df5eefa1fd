// Reading profile data: field values with defaults, conditions, variants and templates.
import type { Condition, ProviderProfile, Variant } from './profile';

export type FieldValues = Readonly<Record<string, string>>;

/** The string fields given, plus the defaults of those left out; anything else is validation's to report. */
export function fieldValues(profile: ProviderProfile, fields: Record<string, unknown> | undefined): FieldValues {
  const values: Record<string, string> = {};
  for (const spec of profile.fields) {
    const given = fields?.[spec.key];
    if (typeof given === 'string') values[spec.key] = given;
    else if (given === undefined && spec.default !== undefined) values[spec.key] = spec.default;
  }
  return values;
}

export function holds(condition: Condition | undefined, values: FieldValues): boolean {
  if (!condition) return true;
  const value = values[condition.field];
  return 'equals' in condition ? value === condition.equals : (value !== undefined) === condition.given;
}

export function pick<T>(variants: readonly Variant<T>[], values: FieldValues): T | undefined {
  return variants.find((v) => holds(v.when, values));
}

export function applicable<T>(variants: readonly Variant<T>[], values: FieldValues): T[] {
  return variants.filter((v) => holds(v.when, values));
}

const PLACEHOLDER = /\{\{([A-Za-z0-9]+)\}\}/g;

/** A host template for people: `{{subdomain}}.sip.livekit.cloud` reads `<subdomain>.sip.livekit.cloud`. */
export const describeHost = (template: string): string => template.replace(PLACEHOLDER, '<$1>');

/** Fills `{{name}}` placeholders; naming one that `values` lacks is a catalog bug, so it throws. */
export function fill(template: string, values: Readonly<Record<string, string | undefined>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template ${JSON.stringify(template)} names {{${name}}}, which has no value`);
    return value;
  });
}
