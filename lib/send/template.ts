/**
 * Message templates are data, not code: `{{name}}` placeholders are filled from a fixed set of fields,
 * values are inserted literally (never re-expanded), and control characters are removed.
 */
export const TEMPLATE_FIELDS = ['brand', 'channel'] as const
export type TemplateField = (typeof TEMPLATE_FIELDS)[number]

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g
// C0 and C1 controls except tab, line feed and carriage return.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g

export function findUnknownPlaceholders(template: string): string[] {
  const unknown = new Set<string>()
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? ''
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(name)) unknown.add(name)
  }
  return [...unknown]
}

/** Fills the template in one pass, so a value that itself looks like `{{brand}}` stays literal text. */
export function renderTemplate(template: string, values: Partial<Record<TemplateField, string>>): string {
  const filled = template.replace(PLACEHOLDER, (whole, name: string) => ((TEMPLATE_FIELDS as readonly string[]).includes(name) ? (values[name as TemplateField] ?? '') : whole))
  return filled
    .replace(CONTROL, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim()
}
