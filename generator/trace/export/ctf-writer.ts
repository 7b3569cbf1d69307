import { closeSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  OFFSET_ARG_MISFITS,
  OFFSET_CPU,
  OFFSET_DATA0,
  OFFSET_DATA1,
  OFFSET_ID,
  OFFSET_TIMESTAMP,
  RECORD_BYTES,
  writeU64,
} from '@tracegen/runtime';
import type { ClockOrigin, View, ViewStart } from '../read/view.js';
import { OutputLimitError } from '../read/errors.js';
import type { DecodedRecord } from '../read/record.js';
import type { SchemaDecoder } from '../read/schema-decoder.js';
import { ctfClock, type CtfClock } from './ctf-clock.js';
import { CTF_EXPORT_FILE, CTF_EXPORT_MARK, CTF_MAGIC, CTF_PACKET_HEADER_BYTES, ctfMetadata, PACKET_AT } from './ctf-metadata.js';
import { isExportFolder, WriteAside } from '../write-aside.js';

/** Records per packet: 128 KiB a ring, so even 256 rings buffer 32 MiB at most. */
const PACKET_RECORDS = 4096;

/** One ring's stream file and the packet being filled. */
class Stream {
  readonly fd: number;
  readonly buffer = new Uint8Array(CTF_PACKET_HEADER_BYTES + PACKET_RECORDS * RECORD_BYTES);
  readonly view = new DataView(this.buffer.buffer);
  count = 0;
  /** What the ring has lost so far: CTF's running `events_discarded` of the packet being filled. */
  discarded = 0;
  firstHi = 0;
  firstLo = 0;
  lastHi = 0;
  lastLo = 0;
  /** Whether a packet was written. */
  written = false;

  readonly ring: number;
  /** One of the ring's extra streams, for records older than its first stream had reached. */
  readonly extra: boolean;

  constructor(path: string, ring: number, extra: boolean) {
    this.fd = openSync(path, 'w');
    this.ring = ring;
    this.extra = extra;
  }
}

/**
 * Writes the records of a decode as a CTF 1.8 trace folder (ctf-metadata.ts says how): one
 * stream file per ring (`stream_<ring>`), its records as the ring held them, in packets whose
 * context carries the ring's losses as CTF's `events_discarded`, so babeltrace2 reports them.
 * Written aside and renamed into place by `close()`.
 *
 * @example
 * const ctf = new CtfWriter('out.ctf');
 * readTraceFile('rings.bin', request, options, ctf);
 * ctf.close();
 */
export class CtfWriter implements View {
  readonly #out: WriteAside;
  readonly #streams = new Map<number, Stream[]>();
  readonly #losses = new Map<number, number>();
  readonly #unknownIds = new Set<number>();
  #decoder: SchemaDecoder | undefined;
  #frequency = 0;
  #clock: ClockOrigin = { unit: '', wallClockZeroMs: 0 };
  #plan: CtfClock = ctfClock(0, 0);
  /** The last timestamp readers can place (ctf-clock.ts), as u32 halves for the per-record test. */
  #maxHi = 0;
  #maxLo = 0;
  /** Each export is a trace of its own: readers tell traces apart by their UUID. */
  readonly #uuidText = randomUUID();
  readonly #uuid = Uint8Array.from(this.#uuidText.replaceAll('-', '').match(/../g)!, (h) => Number.parseInt(h, 16));
  /** Serial rows whose printed name the schema lacks: no id to give them in CTF. */
  nameless = 0;
  count = 0;
  readonly #threads = new Map<number, string>();

  /** A ring's name: in the metadata's environment as `thread_name_<ring>`. */
  ringName(ring: number, name: string): void {
    if (name) this.#threads.set(ring, name);
    else this.#threads.delete(ring);
  }

  constructor(path: string) {
    // an existing folder is replaced only when it is a previous export (or empty)
    this.#out = new WriteAside(
      path,
      'folder',
      (dir) => isExportFolder(dir, CTF_EXPORT_MARK, CTF_EXPORT_FILE) || readdirSync(dir).length === 0,
    );
  }

  start({ decoder, frequency, clock }: ViewStart): void {
    this.#decoder = decoder;
    this.#frequency = frequency;
    this.#clock = clock;
    // what CTF cannot say exactly stops the export here (DecodeError), not in a reader later
    this.#plan = ctfClock(frequency, clock.wallClockZeroMs);
    this.#maxHi = Number(this.#plan.maxTs >> 32n);
    this.#maxLo = Number(this.#plan.maxTs & 0xffff_ffffn);
  }

  /** The files are written by `close()`, once the export is complete. */
  end(): void {}

  /** A ring's losses so far (overwritten plus dropped); the next packet of that ring carries them. */
  lost(ring: number, total: number): void {
    this.#losses.set(ring, total);
  }

  record(r: DecodedRecord): void {
    if (r.id < 0) {
      this.nameless++;
      return;
    }
    if (!this.#decoder!.event(r.id)) this.#unknownIds.add(r.id);
    if (r.tsHi > this.#maxHi || (r.tsHi === this.#maxHi && r.tsLo > this.#maxLo)) {
      const ts = (BigInt(r.tsHi) << 32n) | BigInt(r.tsLo);
      throw new OutputLimitError(
        `a record of ring ${r.ring} at timestamp ${ts} is 2^63 - 1 ns or more from the clock's origin, past what CTF readers can hold; export --from/--to a range before it`,
      );
    }
    const s = this.#streamFor(r);
    // losses are counted in the ring's first stream
    const lost = s.extra ? 0 : (this.#losses.get(r.ring) ?? 0);
    if (lost !== s.discarded && s.count === 0 && !s.written) {
      // readers count a loss as the difference from the packet before: a ring that lost
      // records before its first one starts with an empty packet that lost none
      s.firstHi = s.lastHi = r.tsHi;
      s.firstLo = s.lastLo = r.tsLo;
      this.#flush(s);
    }
    // a loss closes the packet, so the discarded count lands between the records around it
    if (s.count === PACKET_RECORDS || (lost !== s.discarded && s.count > 0)) this.#flush(s);
    s.discarded = lost;
    if (s.count === 0) {
      s.firstHi = r.tsHi;
      s.firstLo = r.tsLo;
    }
    s.lastHi = r.tsHi;
    s.lastLo = r.tsLo;
    const v = s.view;
    const o = CTF_PACKET_HEADER_BYTES + s.count * RECORD_BYTES;
    this.#timestamp(v, o + OFFSET_TIMESTAMP, r.tsHi, r.tsLo);
    v.setUint8(o + OFFSET_ID, r.id);
    v.setUint8(o + OFFSET_CPU, r.cpu);
    v.setUint16(o + OFFSET_CPU + 1, 0, true);
    v.setUint32(o + OFFSET_ARG_MISFITS, r.args, true);
    v.setUint32(o + OFFSET_DATA0, r.d0lo, true);
    v.setUint32(o + OFFSET_DATA0 + 4, r.d0hi, true);
    v.setUint32(o + OFFSET_DATA1, r.d1lo, true);
    v.setUint32(o + OFFSET_DATA1 + 4, r.d1hi, true);
    s.count++;
    this.count++;
  }

  /**
   * The stream a record goes to: its ring's, unless that one is past the record's timestamp (a
   * ring whose clock went backwards), where CTF readers would stop; such a record goes to the
   * first of the ring's extra streams (`stream_<ring>.<k>`) it keeps in order, or a new one.
   * Readers merge the streams by time, as decode does.
   */
  #streamFor(r: DecodedRecord): Stream {
    let list = this.#streams.get(r.ring);
    if (!list) this.#streams.set(r.ring, (list = []));
    for (const s of list) if (s.lastHi < r.tsHi || (s.lastHi === r.tsHi && s.lastLo <= r.tsLo)) return s;
    const k = list.length;
    const s = new Stream(join(this.#out.path, k === 0 ? `stream_${r.ring}` : `stream_${r.ring}.${k}`), r.ring, k > 0);
    list.push(s);
    return s;
  }

  /** Writes the last packets and the metadata, then puts the folder in place. */
  close(): void {
    try {
      for (const s of [...this.#streams.values()].flat()) {
        // losses after a ring's last record still count: an empty packet carries them
        const lost = s.extra ? 0 : (this.#losses.get(s.ring) ?? 0);
        if (s.count) this.#flush(s);
        if (lost !== s.discarded) {
          s.discarded = lost;
          s.firstHi = s.lastHi;
          s.firstLo = s.lastLo;
          this.#flush(s);
        }
        closeSync(s.fd);
      }
      const model = this.#decoder?.model;
      if (model) {
        const unknownIds = [...this.#unknownIds].sort((a, b) => a - b);
        writeFileSync(
          join(this.#out.path, 'metadata'),
          ctfMetadata({
            model,
            uuid: this.#uuidText,
            frequency: this.#frequency,
            clock: this.#clock,
            ctfClock: this.#plan,
            unknownIds,
            threads: this.#threads,
            strings: this.#decoder!.strings,
          }),
        );
      }
      this.#out.commit();
    } catch (e) {
      this.#out.abandon();
      throw e;
    }
  }

  /** Drops everything written (a failed export). */
  abandon(): void {
    for (const s of [...this.#streams.values()].flat()) closeSync(s.fd);
    this.#out.abandon();
  }

  /** A timestamp as the clock counts it: as the ring held it, or times the scale of a fractional frequency. */
  #timestamp(v: DataView, at: number, hi: number, lo: number): void {
    if (this.#plan.scale === 1) {
      v.setUint32(at, lo, true);
      v.setUint32(at + 4, hi, true);
    } else v.setBigUint64(at, ((BigInt(hi) << 32n) | BigInt(lo)) * BigInt(this.#plan.scale), true);
  }

  #flush(s: Stream): void {
    const bytes = CTF_PACKET_HEADER_BYTES + s.count * RECORD_BYTES;
    const v = s.view;
    v.setUint32(PACKET_AT.magic, CTF_MAGIC, true);
    s.buffer.set(this.#uuid, PACKET_AT.uuid);
    this.#timestamp(v, PACKET_AT.timestampBegin, s.firstHi, s.firstLo);
    this.#timestamp(v, PACKET_AT.timestampEnd, s.lastHi, s.lastLo);
    writeU64(v, PACKET_AT.contentSize, bytes * 8);
    writeU64(v, PACKET_AT.packetSize, bytes * 8);
    writeU64(v, PACKET_AT.eventsDiscarded, s.discarded);
    v.setUint32(PACKET_AT.cpuId, s.ring, true);
    writeSync(s.fd, s.buffer, 0, bytes);
    s.count = 0;
    s.written = true;
  }
}
