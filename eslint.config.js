// @ts-check
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { builtinModules } from 'node:module'
import tseslint from 'typescript-eslint'

const electronImport = { name: 'electron', message: 'Only src/main/app and src/preload may import electron.' }
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
const nodeImport = (where) => ({
  regex: `^(node:.*|${builtinModules
    .filter((m) => !m.startsWith('_'))
    .map(escape)
    .join('|')})(/.*)?$`,
  message: `${where} must not import Node modules.`
})

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off'
    }
  },
  // The core, the headless server and the contract never touch Electron.
  {
    files: ['src/main/core/**/*.ts', 'src/main/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            { regex: '^(\\.\\./)+(app|preload)(/|$)', message: 'The core must not depend on the Electron shell.' }
          ]
        }
      ]
    }
  },
  // The contract is platform-free: no Node, no Electron, no DOM, no native modules.
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport, { name: 'better-sqlite3', message: 'src/shared is platform-free.' }],
          patterns: [
            nodeImport('src/shared'),
            { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'src/shared is platform-free.' },
            { regex: '(^|/)(main|renderer|preload)(/|$)', message: 'src/shared imports only itself and zod.' }
          ]
        }
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', '__dirname']
    }
  },
  // The renderer is a web page: no Node, no Electron, no main-process code.
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [electronImport],
          patterns: [
            nodeImport('The renderer'),
            {
              regex: '^(\\.\\./)+(main|preload)(/|$)',
              message: 'The renderer talks to the core only through the bridge.'
            }
          ]
        }
      ],
      'no-restricted-globals': ['error', 'process', 'require', '__dirname', 'Buffer']
    }
  },
  // Playwright fixtures take their dependencies by destructuring, `{}` included.
  {
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' }
  }
)
