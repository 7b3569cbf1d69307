/** The schema as the JSON Schema allows it: what `toJS` gives once structure is valid. */
export interface RawSchema {
  tracegen: 1;
  name: string;
  doc?: string;
  clock: { unit: 'cycles' | 'ticks' | 'ns'; frequency?: number; doc?: string };
  layout: { ring_size: number; rings: number };
  enums?: Record<string, { doc?: string; values: Record<string, string> }>;
  flags?: Record<string, { doc?: string; bits: Record<string, string> }>;
  reserved?: number[];
  events: RawEvent[];
  spans?: RawSpan[];
}

export interface RawEvent {
  id: number;
  name: string;
  variant?: string;
  doc?: string;
  fields?: RawField[];
}

export interface RawField {
  name: string;
  word: 'data0' | 'data1';
  bits?: [number, number];
  type: string;
  format?: 'dec' | 'hex' | 'signed';
  unit?: string;
  counter?: boolean;
  flow?: boolean;
  doc?: string;
}

export interface RawSpan {
  name: string;
  begin: string;
  end: string;
  match?: string;
  scope?: 'thread' | 'process';
  doc?: string;
}
