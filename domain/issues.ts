// The error every input check throws: it names the field, the value (secrets masked) and the rule, and carries all
// the problems of one input together. A leaf: everything that checks input imports it, it imports nothing.

export interface ValidationIssue {
  field: string;
  value: string;
  rule: string;
}

export class InputValidationError extends Error {
  override readonly name = 'InputValidationError';
  constructor(readonly issues: ValidationIssue[]) {
    super(formatIssues(issues));
  }
}

export function formatIssues(issues: ValidationIssue[]): string {
  const lines = issues.map((i) => `  - ${i.field} = ${JSON.stringify(i.value)}: ${i.rule}`);
  return `invalid input (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** A rule returns null when the value passes, else the rule's wording. */
export type Rule = (value: string) => string | null;

const SECRET_FIELD = /password|token|secret|api_?key/i;

function displayValue(field: string, value: unknown): string {
  if (SECRET_FIELD.test(field)) return '***';
  if (value === undefined) return '(missing)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? typeof value;
}

/** Collects issues; `check` skips the rule when the value is not a string and reports that instead. */
export class IssueCollector {
  readonly issues: ValidationIssue[] = [];

  check(field: string, value: unknown, rule: Rule): void {
    if (typeof value !== 'string') {
      this.add(field, value, 'must be a string');
      return;
    }
    const failure = rule(value);
    if (failure) this.add(field, value, failure);
  }

  add(field: string, value: unknown, rule: string): void {
    this.issues.push({ field, value: displayValue(field, value), rule });
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new InputValidationError(this.issues);
  }
}
