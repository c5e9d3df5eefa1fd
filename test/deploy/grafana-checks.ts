// Checks of deploy/grafana/trunk-provisioner.json against what the processes serve: each PromQL expression of the
// dashboard is read into its metric selectors (name, label matchers) and grouping labels, and every one must name a
// series a real scrape holds. Each check returns its problems as sentences (empty = fine).
import type { Sample } from '../support/prometheus';

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  name: string;
  matchers: Matcher[];
}

export interface ParsedExpr {
  selectors: Selector[];
  /** Labels named in by (…), without (…), on (…), ignoring (…), group_left (…), group_right (…). */
  grouping: string[];
}

const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);
/** Aggregations may put their by (…) before their argument: `sum by (x) (…)`. */
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const IDENT_START = /[a-zA-Z_:]/;
const IDENT = /[a-zA-Z0-9_:]/;

/** Reads the selectors of a PromQL expression (Grafana's $variables left in place); throws on what it cannot read. */
export function parsePromQl(expr: string): ParsedExpr {
  const selectors: Selector[] = [];
  const grouping: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < expr.length && /\s/.test(expr[i] as string)) i++;
  };
  const readIdent = () => {
    const start = i;
    while (i < expr.length && IDENT.test(expr[i] as string)) i++;
    return expr.slice(start, i);
  };
  const readString = (): string => {
    const quote = expr[i];
    let out = '';
    i++;
    while (i < expr.length && expr[i] !== quote) {
      if (expr[i] === '\\') i++;
      out += expr[i];
      i++;
    }
    if (expr[i] !== quote) throw new Error(`unterminated string in ${expr}`);
    i++;
    return out;
  };
  const readLabelList = (): string[] => {
    const labels: string[] = [];
    i++; // (
    for (;;) {
      skipSpace();
      if (expr[i] === ')') return (i++, labels);
      const label = readIdent();
      if (!label) throw new Error(`unreadable label list at ${i} in ${expr}`);
      labels.push(label);
      skipSpace();
      if (expr[i] === ',') i++;
    }
  };
  const readMatchers = (): Matcher[] => {
    const matchers: Matcher[] = [];
    i++; // {
    for (;;) {
      skipSpace();
      if (expr[i] === '}') return (i++, matchers);
      const label = readIdent();
      skipSpace();
      const op = (['=~', '!~', '!=', '='] as const).find((o) => expr.startsWith(o, i));
      if (!label || !op) throw new Error(`unreadable matcher at ${i} in ${expr}`);
      i += op.length;
      skipSpace();
      if (expr[i] !== '"' && expr[i] !== "'") throw new Error(`matcher ${label} without a quoted value in ${expr}`);
      matchers.push({ label, op, value: readString() });
      skipSpace();
      if (expr[i] === ',') i++;
    }
  };
  while (i < expr.length) {
    const c = expr[i] as string;
    if (/\s/.test(c)) i++;
    else if (c === '"' || c === "'") readString();
    else if (c === '[') {
      // A range or subquery: durations and Grafana's $__rate_interval, no names.
      while (i < expr.length && expr[i] !== ']') i++;
      i++;
    } else if (/[0-9.]/.test(c)) {
      // A number, or a duration after offset (5m, 1h30m).
      while (i < expr.length && /[0-9.a-zA-Z]/.test(expr[i] as string)) i++;
    } else if (c === '$') {
      i++;
      readIdent();
    } else if (c === '{') throw new Error(`a selector without a metric name in ${expr}`);
    else if (IDENT_START.test(c)) {
      const ident = readIdent();
      skipSpace();
      if (GROUPING.has(ident)) {
        if (expr[i] === '(') grouping.push(...readLabelList());
      } else if (expr[i] === '(' || KEYWORDS.has(ident.toLowerCase()) || AGGREGATIONS.has(ident)) {
        // A function or an aggregation: its arguments are read as the loop goes on.
      } else {
        selectors.push({ name: ident, matchers: expr[i] === '{' ? readMatchers() : [] });
      }
    } else i++;
  }
  return { selectors, grouping };
}

interface Dashboard {
  panels?: Panel[];
  templating?: { list?: { name?: string; type?: string; query?: unknown; definition?: string }[] };
}

interface Panel {
  title?: string;
  type?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; datasource?: { type?: string; uid?: string } }[];
  panels?: Panel[];
}

/** Every PromQL expression of a dashboard, with where it is: the panels' targets and the query variables. */
export function dashboardExpressions(dashboard: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const walk = (panels: Panel[] = []) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr !== undefined) out.push({ where: `panel "${p.title}"`, expr: t.expr });
      walk(p.panels);
    }
  };
  walk(dashboard.panels);
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    // label_values(metric, label): the metric and the label are checked like a selector and a grouping.
    const m = /^label_values\(\s*([^,]+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(q ?? '');
    if (!m) throw new Error(`variable ${v.name}: not a label_values(metric, label) query: ${q}`);
    out.push({ where: `variable ${v.name}`, expr: `sum by (${m[2]}) (${m[1]})` });
  }
  return out;
}

/**
 * What an expression names that the scrape does not hold: a metric nobody exports, a label it does not have, a
 * value (of an = matcher, or each alternative of a plain =~ one) it never takes, a grouping label none of its
 * metrics have.
 */
export function servedProblems(expr: string, samples: Sample[]): string[] {
  const problems: string[] = [];
  const { selectors, grouping } = parsePromQl(expr);
  if (selectors.length === 0) problems.push('names no metric');
  const labelsOf = (name: string) => new Set(samples.filter((s) => s.name === name).flatMap((s) => Object.keys(s.labels)));
  const valuesOf = (name: string, label: string) => new Set(samples.filter((s) => s.name === name).map((s) => s.labels[label]));
  const ownLabels = new Set<string>();
  for (const { name, matchers } of selectors) {
    if (!samples.some((s) => s.name === name)) {
      problems.push(`${name} is not served`);
      continue;
    }
    const labels = labelsOf(name);
    for (const l of labels) ownLabels.add(l);
    for (const m of matchers) {
      if (!labels.has(m.label)) problems.push(`${name} has no label ${m.label}`);
      else if (!m.value.includes('$') && (m.op === '=' || (m.op === '=~' && /^[\w-]+(\|[\w-]+)*$/.test(m.value)))) {
        const served = valuesOf(name, m.label);
        for (const v of m.value.split('|')) if (!served.has(v)) problems.push(`${name}{${m.label}="${v}"} is not served`);
      }
    }
  }
  for (const g of grouping) if (ownLabels.size > 0 && !ownLabels.has(g)) problems.push(`by (${g}): none of ${selectors.map((s) => s.name).join(', ')} has it`);
  return problems;
}
