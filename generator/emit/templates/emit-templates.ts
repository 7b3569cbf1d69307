import type { SchemaModel } from '../../model/model.js';
import type { GeneratedFile } from '../generated-file.js';
import type { EmitOptions } from '../targets.js';

export function emitBuiltinTemplates(_target: 'rust' | 'c' | 'md', _model: SchemaModel, _options: EmitOptions): GeneratedFile[] {
  throw new Error('not yet');
}

export function emitUserTemplates(_dir: string, _model: SchemaModel, _options: EmitOptions): GeneratedFile[] {
  throw new Error('not yet');
}
