import { KERNEL_TRACE_FN } from '../model/target-names.js';
const RUST_IDENT = '(?:r#)?[A-Za-z_][A-Za-z0-9_]*';
const RUST_PATH = new RegExp(`^(?:::)?${RUST_IDENT}(?:::${RUST_IDENT})*$`);
/** What Rust accepts as a visibility (the Reference, "Visibility and privacy"), or none. */
const RUST_VISIBILITY = new RegExp(`^(?:pub(?:\\((?:crate|super|self|in (?:::)?${RUST_IDENT}(?:::${RUST_IDENT})*)\\))?)?$`);

export const DEFAULT_RUST_VISIBILITY = 'pub(crate)';
export const DEFAULT_RUST_TRACE_FN = KERNEL_TRACE_FN;

/** Why a Rust visibility cannot be used, or undefined when Rust accepts it. */
export function rustVisibilityProblem(v: string): string | undefined {
  return RUST_VISIBILITY.test(v) ? undefined : `must be pub, pub(crate), pub(super), pub(self), pub(in path) or empty, not '${v}'`;
}

/** Why a Rust path of the trace function cannot be used, or undefined. */
export function rustTraceFnProblem(p: string): string | undefined {
  return RUST_PATH.test(p) ? undefined : `must be a Rust path like trace_event or crate::perf::trace_event, not '${p}'`;
}
