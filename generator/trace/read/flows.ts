import { type FieldSpec, readField } from '@tracegen/runtime';
import type { SchemaModel } from '../../schema/model/model.js';
import type { DecodedRecord } from './record.js';
import { fieldSpec } from './schema-decoder.js';

/** One flow field of an event: which flow (by name) and how to read its id. */
interface FlowField {
  /** Index into `Flows.names`. */
  readonly flow: number;
  readonly spec: FieldSpec;
}

/**
 * The schema's flows, the one reading of them every consumer (stats, Chrome JSON, Perfetto)
 * shares: fields marked `flow: true` whose names are equal make one flow, and records that carry
 * the same id in it make one chain, in time order. An id is the field's value; a value that does
 * not fit its field links nothing.
 */
export class Flows {
  /** The flows' names (their fields' name), in schema order. */
  readonly names: readonly string[];
  readonly #byEvent: (readonly FlowField[] | undefined)[] = new Array(256);

  constructor(model: SchemaModel) {
    const names: string[] = [];
    for (const e of model.events) {
      const fields = e.fields.filter((f) => f.flow);
      if (!fields.length) continue;
      this.#byEvent[e.id] = fields.map((f) => {
        let flow = names.indexOf(f.names.snake);
        if (flow < 0) flow = names.push(f.names.snake) - 1;
        return { flow, spec: fieldSpec(f) };
      });
    }
    this.names = names;
  }

  /** True when records of event `id` take part in a flow. */
  has(id: number): boolean {
    return id >= 0 && this.#byEvent[id] !== undefined;
  }

  /**
   * Calls `visit` with each flow a record takes part in and its id there, as u32 halves (a
   * signed id as its two's complement).
   */
  each(r: DecodedRecord, visit: (flow: number, hi: number, lo: number) => void): void {
    const fields = r.id >= 0 ? this.#byEvent[r.id] : undefined;
    if (!fields) return;
    for (const { flow, spec } of fields) {
      const { value, issue } = spec.word === 0 ? readField(spec, r.d0lo, r.d0hi) : readField(spec, r.d1lo, r.d1hi);
      if (issue !== undefined) continue;
      if (typeof value === 'number' && value >= 0) visit(flow, Math.floor(value / 2 ** 32), value >>> 0);
      else if (typeof value === 'number' || typeof value === 'bigint') {
        const u = BigInt.asUintN(64, BigInt(value));
        visit(flow, Number(u >> 32n), Number(u & 0xffffffffn));
      }
    }
  }
}
