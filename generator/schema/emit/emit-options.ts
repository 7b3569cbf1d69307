/** How a target is emitted beside the model: where it goes, what it imports, and the kernel's names. */
export interface EmitOptions {
  /** Output folder, relative to where the command runs (for the TS target's runtime import). */
  readonly outDir: string;
  /** Import path of the runtime from the generated TypeScript module. */
  readonly runtimeSpecifier: string;
  /** Rust: visibility of generated items (`pub(crate)` like the seed). */
  readonly rustVisibility: string;
  /** Rust: path of the kernel's trace function the helpers call. */
  readonly rustTraceFn: string;
  /** The command that regenerates this target's files, as their headers print it. */
  readonly regenerate: string;
}
