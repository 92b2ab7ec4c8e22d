import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          // The Electron app.
          index: resolve('src/main/index.ts'),
          // The headless server (`npm run serve`): the same core with plain Node.
          server: resolve('src/main/server/main.ts'),
          // The built-in engine's worker (node-llama-cpp), run as a child or utility process.
          'engine-worker': resolve('src/main/core/engine/worker.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads can require only electron: each entry must be one self-contained file.
      isolatedEntries: true,
      rollupOptions: {
        input: {
          index: resolve('src/preload/index.ts'),
          // The native password sheet's own preload (window.duckSheet only).
          'password-sheet': resolve('src/preload/password-sheet.ts')
        },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve('out/renderer'),
      // The window loads from disk or loopback, but a smaller bundle still parses faster.
      minify: true,
      rollupOptions: {
        input: {
          index: resolve('src/renderer/index.html'),
          'quick-ask': resolve('src/renderer/quick-ask.html'),
          'password-sheet': resolve('src/renderer/password-sheet.html')
        }
      }
    }
  }
})
