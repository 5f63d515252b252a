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

export default defineConfig({
  plugins: [standardDecorators()],
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
