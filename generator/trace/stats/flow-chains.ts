import { TWO_32 } from '@tracegen/runtime';
import type { Flows } from '../read/flows.js';
import type { DecodedRecord } from '../read/record.js';
import { Durations } from './durations.js';

/** How many chains are followed at once, all flows together; past it the oldest is taken as ended. */
export const MAX_CHAINS = 1_000_000;

/** A chain being followed: its first and latest record's time, and how many records. */
interface Chain {
  first: number;
  last: number;
  records: number;
}

/** What `stats` says about one flow; durations in the clock's counts (scaled by the caller). */
export interface FlowCounts {
  readonly name: string;
  /** Distinct ids seen (chains), and of those the ones of two records or more (linked). */
  readonly chains: number;
  readonly linked: number;
  readonly records: number;
  /** Chains taken as ended early because more than MAX_CHAINS were followed at once. */
  readonly evicted: number;
  /** End-to-end times (first record to last) of the linked chains. */
  readonly durations: Durations;
}

/**
 * Follows each flow's chains as records pass (`flows.ts` says what a chain is): a map per flow
 * from id to its first and latest time. A chain has no end record, so its end-to-end time is
 * taken when the input ends; memory is bounded by MAX_CHAINS, past which the oldest chain is
 * taken as ended there (counted in `evicted`: a later record of it begins a new chain).
 */
export class FlowChains {
  readonly #flows: Flows;
  readonly #open: Map<number | string, Chain>[];
  readonly #records: number[];
  readonly #chains: number[];
  readonly #linked: number[];
  readonly #evicted: number[];
  readonly #durations: Durations[];
  /** Chains open in all flows, oldest first: [flow, key] pairs. */
  readonly #order: [number, number | string][] = [];
  #orderHead = 0;
  #size = 0;

  constructor(flows: Flows) {
    this.#flows = flows;
    const n = flows.names.length;
    this.#open = Array.from({ length: n }, () => new Map());
    this.#records = new Array<number>(n).fill(0);
    this.#chains = new Array<number>(n).fill(0);
    this.#linked = new Array<number>(n).fill(0);
    this.#evicted = new Array<number>(n).fill(0);
    this.#durations = Array.from({ length: n }, () => new Durations());
  }

  record(r: DecodedRecord, ts: number): void {
    if (!this.#flows.has(r.id)) return;
    this.#flows.each(r, (flow, hi, lo) => {
      const key = hi < 0x200000 ? hi * TWO_32 + lo : `${hi}:${lo}`;
      this.#records[flow]!++;
      const open = this.#open[flow]!;
      const chain = open.get(key);
      if (chain) {
        chain.records++;
        // records come in time order, or ring by ring: the chain spans the earliest to the latest
        if (ts < chain.first) chain.first = ts;
        if (ts > chain.last) chain.last = ts;
        return;
      }
      if (this.#size === MAX_CHAINS) this.#evictOldest();
      open.set(key, { first: ts, last: ts, records: 1 });
      this.#order.push([flow, key]);
      this.#size++;
      this.#chains[flow]!++;
    });
  }

  #evictOldest(): void {
    for (;;) {
      const [flow, key] = this.#order[this.#orderHead++]!;
      const chain = this.#open[flow]!.get(key);
      if (!chain) continue;
      this.#end(flow, key, chain);
      this.#evicted[flow]!++;
      break;
    }
    // the queue's front is dropped in steps, so that it never holds more than twice what is open
    if (this.#orderHead > MAX_CHAINS) {
      this.#order.splice(0, this.#orderHead);
      this.#orderHead = 0;
    }
  }

  #end(flow: number, key: number | string, chain: Chain): void {
    this.#open[flow]!.delete(key);
    this.#size--;
    if (chain.records > 1) {
      this.#linked[flow]!++;
      this.#durations[flow]!.add(chain.last - chain.first);
    }
  }

  /** Every flow's figures, the chains still followed ended at the input's end. */
  result(): FlowCounts[] {
    return this.#flows.names.map((name, flow) => {
      for (const [key, chain] of this.#open[flow]!) this.#end(flow, key, chain);
      return {
        name,
        chains: this.#chains[flow]!,
        linked: this.#linked[flow]!,
        records: this.#records[flow]!,
        evicted: this.#evicted[flow]!,
        durations: this.#durations[flow]!,
      };
    });
  }
}
