/**
 * The durations of one span, for percentiles: kept exactly while there are at most
 * `EXACT_LIMIT` of them, then in a log-linear histogram (as HdrHistogram does) whose buckets are
 * 1/128 of a power of two wide, so a percentile read from it is within 0.4% of the true one.
 * Memory stays bounded whatever the capture's size.
 */
export const EXACT_LIMIT = 1 << 20;
const SUB_BUCKETS = 128;
/** The largest relative error of a percentile once the histogram is in use (half a bucket). */
export const HISTOGRAM_ERROR = 1 / (2 * SUB_BUCKETS);

export class Durations {
  #exact: Float64Array | undefined = new Float64Array(1024);
  #buckets: Map<number, number> | undefined;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  sum = 0;

  add(d: number): void {
    if (this.#exact) {
      if (this.count === this.#exact.length) {
        if (this.count >= EXACT_LIMIT) this.#toHistogram();
        else {
          const grown = new Float64Array(this.#exact.length * 2);
          grown.set(this.#exact);
          this.#exact = grown;
        }
      }
      if (this.#exact) this.#exact[this.count] = d;
    }
    if (this.#buckets) {
      const b = bucketOf(d);
      this.#buckets.set(b, (this.#buckets.get(b) ?? 0) + 1);
    }
    this.count++;
    this.sum += d;
    if (d < this.min) this.min = d;
    if (d > this.max) this.max = d;
  }

  /** True while every duration is kept (percentiles are exact). */
  get exact(): boolean {
    return this.#exact !== undefined;
  }

  #toHistogram(): void {
    this.#buckets = new Map();
    for (const d of this.#exact!) {
      const b = bucketOf(d);
      this.#buckets.set(b, (this.#buckets.get(b) ?? 0) + 1);
    }
    this.#exact = undefined;
  }

  /**
   * Nearest-rank percentiles: the p-th is the ceil(p/100 * n)-th smallest duration (the
   * smallest for p = 0). Undefined when there are none.
   */
  percentiles(ps: readonly number[]): number[] | undefined {
    if (this.count === 0) return undefined;
    const ranks = ps.map((p) => Math.max(1, Math.ceil((p / 100) * this.count)));
    if (this.#exact) {
      const sorted = this.#exact.slice(0, this.count).sort();
      return ranks.map((r) => sorted[r - 1]!);
    }
    const buckets = [...this.#buckets!].sort((a, b) => a[0] - b[0]);
    return ranks.map((rank) => {
      let seen = 0;
      for (const [b, n] of buckets) {
        seen += n;
        if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketMiddle(b)));
      }
      return this.max;
    });
  }

  /** Counts per power of two (bucket k holds [2^k, 2^(k+1)); durations below 1 go to k = -1), for a histogram. */
  log2Counts(): Map<number, number> {
    const out = new Map<number, number>();
    const put = (d: number, n: number) => {
      const k = d < 1 ? -1 : Math.floor(Math.log2(d));
      out.set(k, (out.get(k) ?? 0) + n);
    };
    if (this.#exact) for (let i = 0; i < this.count; i++) put(this.#exact[i]!, 1);
    else for (const [b, n] of this.#buckets!) put(bucketMiddle(b), n);
    return out;
  }
}

function bucketOf(d: number): number {
  if (d < 1) return -1;
  const e = Math.floor(Math.log2(d));
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor((d / 2 ** e - 1) * SUB_BUCKETS));
  return e * SUB_BUCKETS + sub;
}

function bucketMiddle(b: number): number {
  if (b < 0) return 0.5;
  const e = Math.floor(b / SUB_BUCKETS);
  const sub = b - e * SUB_BUCKETS;
  return 2 ** e * (1 + (sub + 0.5) / SUB_BUCKETS);
}
