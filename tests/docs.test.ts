// Every public export carries TSDoc with an @example, so the API docs teach by showing.
import ts from 'typescript';
import path from 'node:path';
import fs from 'node:fs';

const entries = ['src/index.ts', 'src/expr/index.ts'].filter((f) => fs.existsSync(f));

describe.each(entries)('%s', (entry) => {
  test('every export has a TSDoc comment with an @example', () => {
    const file = path.resolve(entry);
    const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler, module: ts.ModuleKind.ESNext, noEmit: true });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file)!;
    const moduleSymbol = checker.getSymbolAtLocation(source)!;
    const missing: string[] = [];
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const hasExample = (symbol.declarations ?? []).some((d) => ts.getJSDocTags(d).some((t) => t.tagName.text === 'example'));
      if (!hasExample) missing.push(exported.name);
    }
    expect(missing).toEqual([]);
  });
});
