/**
 * What an input can be, detected from its content (sources.ts) or given with `--input-format`:
 * a trace file or capture of the runtime, a raw image of the kernel's rings, or a serial log
 * holding `dump_trace` output. Its own small module: the CLI's help lists it without loading the
 * reader.
 */
export const INPUT_FORMATS = ['trace', 'rings', 'serial'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];
