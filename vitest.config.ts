import { transform } from 'esbuild'
import { defineConfig, type Plugin } from 'vitest/config'

/**
 * Vite 8 compiles TypeScript with oxc, which doesn't lower standard (TC39) decorators yet;
 * esbuild does, as tsc does for the build. Only files that use a decorator go through it.
 */
function standardDecorators(): Plugin {
  return {
    name: 'shipshape:tc39-decorators',
    enforce: 'pre',
    async transform(code, id) {
      if (!/\.[cm]?tsx?$/.test(id.split('?')[0]!) || !/^\s*@[A-Za-z_$][\w$.]*\s*\(/m.test(code)) return
      const out = await transform(code, { loader: 'ts', target: 'es2022', format: 'esm', sourcemap: true, sourcefile: id })
      return { code: out.code, map: out.map }
    },
  }
}

/**
 * `*.legacy.ts` files are compiled as a LoopBack 4 project compiles: TypeScript's
 * experimentalDecorators with emitDecoratorMetadata (esbuild can't emit the metadata).
 */
function legacyDecorators(): Plugin {
  return {
    name: 'shipshape:legacy-decorators',
    enforce: 'pre',
    async transform(code, id) {
      if (!id.split('?')[0]!.endsWith('.legacy.ts')) return
      const ts = (await import('typescript')).default
      const out = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          sourceMap: true,
        },
      })
      return { code: out.outputText, map: out.sourceMapText }
    },
  }
}

export default defineConfig({
  plugins: [legacyDecorators(), standardDecorators()],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // One process per worker, shared across test files, so each holds one PGlite instance
    // (about 4 s and 750 MB to start) instead of one per file.
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
