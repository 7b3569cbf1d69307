import { readFileSync } from 'node:fs';
import type { RawRecord } from '@tracegen/runtime';

export const FIXTURES = new URL('../fixtures/', import.meta.url);

export interface FixtureEvent extends RawRecord {
  readonly ring: number;
}

/** Reads a harness jsonl file (`all.jsonl`, `truth.jsonl`). */
export function readEvents(path: URL | string): FixtureEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const o = JSON.parse(l) as { ring: number; timestamp: string; type: number; cpu: number; data0: string; data1: string };
      return { ring: o.ring, timestamp: BigInt(o.timestamp), id: o.type, cpu: o.cpu, data0: BigInt(o.data0), data1: BigInt(o.data1) };
    });
}

export const seedFixture = (name: string) => new URL(`veridian-seed/${name}`, FIXTURES);
