import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';

/**
 * ts-morph, loaded with `require`: it is CommonJS, and importing it as ESM makes Node scan its
 * 20,000 lines for export names first, a tenth of a second on every `generate`. Only emitters
 * import this module, and they are loaded lazily.
 */
const tsMorph = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;

export const { printStructure, StructureKind, VariableDeclarationKind } = tsMorph;
