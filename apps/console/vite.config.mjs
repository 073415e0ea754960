// The console's build: `npm run build` runs it after tsc (scripts/build.js). Output goes beside the API's own build
// (dist/apps/console), which serves it at /console; scripts and styles are also written brotli- and gzip-compressed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Writes `<file>.br` and `<file>.gz` beside each script and style, for the API to send as they are. */
const precompress = () => ({
  name: 'herald-precompress',
  apply: 'build',
  writeBundle(options, bundle) {
    for (const name of Object.keys(bundle).filter((file) => /\.(js|css)$/.test(file))) {
      const file = join(options.dir, name);
      const bytes = readFileSync(file);
      writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
    }
  },
});

export default defineConfig({
  root,
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: join(root, '../../dist/apps/console'),
    emptyOutDir: true,
    target: 'es2022',
    // Fonts and icons are files of their own: the Content-Security-Policy allows no data: URL.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  plugins: [precompress()],
});
