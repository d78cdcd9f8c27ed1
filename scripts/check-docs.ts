// Every public export of the packages' entries (typedoc.json's entryPoints) has a doc comment: prints those without
// one, as "package: name (file)", and exits 1 if any. TypeDoc 0.28's validation.notDocumented reports nothing
// (TypeStrong/typedoc#3046), so the check is done here with the TypeScript compiler API; it takes a few seconds where
// TypeDoc takes half a minute or more, so scripts/test.mjs runs this and `pnpm run docs` runs both. It first checks
// itself on scripts/check-docs-canary.ts, so that a check that finds nothing fails instead of passing.
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

/** An export without a doc comment: the entry it is exported from, its name and the file that declares it. */
export interface Undocumented {
  entry: string;
  name: string;
  file?: string;
}

/** The exports of `entries` that have no doc comment. */
export function undocumentedExports(entries: readonly string[] = ENTRIES): Undocumented[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.docs.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error('check-docs: cannot read tsconfig.docs.json');
  const program = ts.createProgram(entries.map((e) => join(root, e)), config.options);
  const checker = program.getTypeChecker();
  const missing: Undocumented[] = [];
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
      missing.push({ entry, name: exported.name, file: file === undefined ? undefined : relative(root, file) });
    }
  }
  return missing;
}

/** The canary's undocumented exports, which the check must find (and nothing else there). */
const CANARY = 'scripts/check-docs-canary.ts';
const CANARY_UNDOCUMENTED = ['undocumentedFunction', 'UndocumentedOptions', 'UndocumentedType', 'undocumentedConst', 'UndocumentedClass'];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const found = undocumentedExports([CANARY]).map((u) => u.name);
  if (found.join() !== CANARY_UNDOCUMENTED.join()) {
    console.error(`check-docs: the check is broken: in ${CANARY} it found [${found.join(', ')}], not [${CANARY_UNDOCUMENTED.join(', ')}]`);
    process.exit(1);
  }
  const missing = undocumentedExports();
  if (missing.length > 0) {
    const lines = missing.map((u) => `${u.entry.split('/')[1]}: ${u.name}${u.file === undefined ? '' : ` (${u.file})`}`);
    console.error(`check-docs: ${missing.length} public export(s) without a doc comment:\n  ${lines.join('\n  ')}`);
    process.exit(1);
  }
  console.log('check-docs: every public export has a doc comment');
}
