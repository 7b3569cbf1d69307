import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';
import type { SchemaModel } from '../../model/model.js';
import { preamble, type GeneratedFile } from '../generated-file.js';
import { emitTypeScript } from './emit-ts.js';

const tsMorph = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;

/**
 * The `js` target: the TypeScript module of emit-ts.ts as ESM JavaScript (`index.js`) and its
 * types (`index.d.ts`), so that a JavaScript project runs the same API with nothing but the
 * runtime installed. Compiled in memory by the TypeScript inside ts-morph, without resolving
 * imports (the runtime's types stay `import type`s in the declarations); comments are kept, so
 * the JavaScript carries the JSDoc and the generated marker.
 *
 * @example
 * const [js, dts] = emitJavaScript(model, '@tracegen/runtime');
 */
export function emitJavaScript(
  model: SchemaModel,
  runtimeSpecifier: string,
  regenerate = `npx tracegen generate ${model.sourcePath}`,
): GeneratedFile[] {
  const [ts] = emitTypeScript(model, runtimeSpecifier, regenerate);
  const { ts: compiler } = tsMorph;
  const project = new tsMorph.Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      declaration: true,
      target: compiler.ScriptTarget.ES2022,
      module: compiler.ModuleKind.ES2022,
      strict: true,
      noResolve: true,
      noLib: true,
      removeComments: false,
    },
  });
  project.createSourceFile('/index.ts', ts!.content);
  const files = project.emitToMemory().getFiles();
  const text = (suffix: string) => files.find((f) => f.filePath.endsWith(suffix))!.text;
  // declarations drop the file's leading comments: the marker goes back on top
  const head = preamble(model.sourcePath, regenerate, '//');
  return [
    { path: 'index.js', content: text('/index.js') },
    { path: 'index.d.ts', content: `${head}${text('/index.d.ts')}` },
  ];
}
