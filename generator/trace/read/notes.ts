/**
 * What the reader has to say about an input beside its records, as data: each note has a code a
 * program can switch on, the figures behind it, and the one line (or block) a person reads. The
 * CLI prints `tracegen: <message>` at its edge; the API returns the notes as they are.
 */
export type ReadNote =
  | {
      /** A trace file written with another schema than the one given: its own schema decodes it (or the given one, forced). */
      readonly code: 'schema-mismatch';
      readonly message: string;
      readonly traceSchema: string;
      readonly traceHash: string;
      readonly givenHash: string;
      readonly forced: boolean;
    }
  | {
      /** What reading the trace with the given schema changes, from the diff's wire rules (none, or the findings). */
      readonly code: 'wire-changes';
      readonly message: string;
      readonly findings: readonly { readonly code: string; readonly message: string }[];
    }
  | { readonly code: 'unknown-ids'; readonly message: string; readonly count: number }
  | { readonly code: 'skipped-lines'; readonly message: string; readonly count: number }
  | { readonly code: 'losses'; readonly message: string; readonly overwritten: number; readonly dropped: number }
  | { readonly code: 'out-of-order'; readonly message: string; readonly backwards: number; readonly released: number };

export type NoteCode = ReadNote['code'];

/** `1 record`, `2 records`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function unknownIdsNote(count: number): ReadNote {
  return {
    code: 'unknown-ids',
    count,
    message: `${count} event${count > 1 ? 's' : ''} with ids the schema does not define (decoded as unknown)`,
  };
}

export function skippedLinesNote(count: number): ReadNote {
  return { code: 'skipped-lines', count, message: `skipped ${plural(count, 'line')} inside dumps that are not dump rows` };
}

export function lossesNote(overwritten: number, dropped: number): ReadNote {
  return {
    code: 'losses',
    overwritten,
    dropped,
    message: `the capture lost ${plural(overwritten, 'event')} to overwriting and dropped ${plural(dropped, 'torn record')}`,
  };
}

export function outOfOrderNote(backwards: number, released: number): ReadNote {
  const why = [
    backwards ? `${backwards} record${backwards > 1 ? 's' : ''} older than the one before it in its ring` : '',
    released
      ? `a ring's timestamps ran ahead of the others (${released} early release${released > 1 ? 's' : ''} of 64 MiB of waiting records)`
      : '',
  ]
    .filter((x) => x)
    .join('; ');
  return {
    code: 'out-of-order',
    backwards,
    released,
    message: `note: the output is not wholly in time order: ${why}; --order ring prints the file's order`,
  };
}
