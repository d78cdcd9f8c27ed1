// Every public export of the packages' entries (typedoc.json's entryPoints) has a doc comment: prints those without
// one, as "package: name (file)", and exits 1 if any. TypeDoc 0.28's validation.notDocumented reports nothing
// (TypeStrong/typedoc#3046), so the check is done here with the TypeScript compiler API; it takes a few seconds where
// TypeDoc takes half a minute or more, so scripts/test.mjs runs this and `pnpm run docs` runs both.
// node --import tsx scripts/check-docs.ts
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The entry files the API reference documents, from typedoc.json so that the check and the reference agree. */
export const ENTRIES: readonly string[] = (JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { entryPoints: string[] }).entryPoints;

/** A namespace export (`export * as init from './init.js'`) is documented by a doc comment before the module's first export. */
function describesModule(file: ts.SourceFile): boolean {
  const firstExport = file.text.search(/^export /m);
  return /\/\*\*[^]*?\*\//.test(firstExport < 0 ? file.text : file.text.slice(0, firstExport));
}

/** The exports of `entries` that have no doc comment, as "package: name (file)". */
export function undocumentedExports(entries: readonly string[] = ENTRIES): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.docs.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error('check-docs: cannot read tsconfig.docs.json');
  const program = ts.createProgram(entries.map((e) => join(root, e)), config.options);
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  for (const entry of entries) {
    const source = program.getSourceFile(join(root, entry));
    const module = source && checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`check-docs: cannot read ${entry}`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const documented = symbol.getDocumentationComment(checker).length > 0 ||
        (symbol.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length > 0 || (ts.isSourceFile(d) && describesModule(d)));
      if (documented) continue;
      const file = symbol.declarations?.[0]?.getSourceFile().fileName;
      missing.push(`${entry.split('/')[1]}: ${exported.name}${file ? ` (${relative(root, file)})` : ''}`);
    }
  }
  return missing;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = undocumentedExports();
  if (missing.length > 0) {
    console.error(`check-docs: ${missing.length} public export(s) without a doc comment:\n  ${missing.join('\n  ')}`);
    process.exit(1);
  }
  console.log('check-docs: every public export has a doc comment');
}
