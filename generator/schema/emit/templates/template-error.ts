/** A user template that cannot be read or rendered. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}
