// A minimal Prometheus registry: counters, gauges and histograms with fixed label names, rendered in the text
// exposition format (version 0.0.4). Enough for a handful of project metrics without a dependency.

export type Labels = Record<string, string>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface Metric {
  render(): string;
}

abstract class LabelledMetric<T> implements Metric {
  protected readonly series = new Map<string, { labels: Labels; value: T }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`metric name ${JSON.stringify(name)} is not a Prometheus name`);
    for (const l of labelNames) if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new Error(`${name}: label ${JSON.stringify(l)} is not a Prometheus label name`);
  }

  protected entry(labels: Labels, initial: () => T): { labels: Labels; value: T } {
    const given = Object.keys(labels);
    if (given.length !== this.labelNames.length || !this.labelNames.every((l) => typeof labels[l] === 'string')) {
      throw new Error(`${this.name} takes labels ${this.labelNames.join(', ') || '(none)'}, got ${given.join(', ') || '(none)'}`);
    }
    const ordered = Object.fromEntries(this.labelNames.map((l) => [l, labels[l] as string]));
    const key = JSON.stringify(this.labelNames.map((l) => ordered[l]));
    let e = this.series.get(key);
    if (!e) {
      e = { labels: ordered, value: initial() };
      this.series.set(key, e);
    }
    return e;
  }

  protected header(type: string): string {
    return `# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${this.name} ${type}\n`;
  }

  abstract render(): string;
}

export class Counter extends LabelledMetric<number> {
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name}: a counter only goes up (got ${by})`);
    this.entry(labels, () => 0).value += by;
  }

  get(labels: Labels = {}): number {
    return this.entry(labels, () => 0).value;
  }

  render(): string {
    return this.header('counter') + [...this.series.values()].map((s) => sample(this.name, s.labels, s.value)).join('');
  }
}

export class Gauge extends LabelledMetric<number> {
  set(labels: Labels, value: number): void {
    this.entry(labels, () => 0).value = value;
  }

  get(labels: Labels = {}): number {
    return this.entry(labels, () => 0).value;
  }

  render(): string {
    return this.header('gauge') + [...this.series.values()].map((s) => sample(this.name, s.labels, s.value)).join('');
  }
}

interface HistogramValue {
  buckets: number[];
  sum: number;
  count: number;
}

export class Histogram extends LabelledMetric<HistogramValue> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly bounds: readonly number[],
  ) {
    super(name, help, labelNames);
    if (labelNames.includes('le')) throw new Error(`${name}: "le" is reserved for histogram buckets`);
    if (bounds.length === 0 || bounds.some((b, i) => i > 0 && b <= (bounds[i - 1] as number))) throw new Error(`${name}: bucket bounds must be increasing`);
  }

  observe(labels: Labels, value: number): void {
    const e = this.entry(labels, () => ({ buckets: this.bounds.map(() => 0), sum: 0, count: 0 }));
    this.bounds.forEach((bound, i) => {
      if (value <= bound) e.value.buckets[i] = (e.value.buckets[i] ?? 0) + 1;
    });
    e.value.sum += value;
    e.value.count += 1;
  }

  render(): string {
    let out = this.header('histogram');
    for (const { labels, value } of this.series.values()) {
      this.bounds.forEach((bound, i) => {
        out += sample(`${this.name}_bucket`, { ...labels, le: formatNumber(bound) }, value.buckets[i] ?? 0);
      });
      out += sample(`${this.name}_bucket`, { ...labels, le: '+Inf' }, value.count);
      out += sample(`${this.name}_sum`, labels, value.sum);
      out += sample(`${this.name}_count`, labels, value.count);
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(name, new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(name, new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]): Histogram {
    return this.add(name, new Histogram(name, help, labelNames, bounds));
  }

  /** The exposition text for GET /metrics. */
  render(): string {
    return [...this.metrics.values()].map((m) => m.render()).join('');
  }

  private add<M extends Metric>(name: string, metric: M): M {
    if (this.metrics.has(name)) throw new Error(`metric ${name} is already registered`);
    this.metrics.set(name, metric);
    return metric;
  }
}

function sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${formatNumber(value)}\n`;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}
