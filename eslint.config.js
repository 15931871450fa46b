// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

/** Imports the client core must never reach: it stays framework-, transport- and storage-free. */
const coreForbidden = [
  { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'src/core is UI-free.' },
  { group: ['libp2p', '@libp2p/*', '@chainsafe/*', '@multiformats/multiaddr'], message: 'src/core is transport-free: put libp2p in src/network.' },
  { group: ['idb', 'fake-indexeddb', 'fake-indexeddb/*'], message: 'src/core is storage-free: put IndexedDB in src/storage.' },
  { group: ['node:*', 'fs', 'path', 'os', 'http', 'net', 'crypto', 'child_process', 'ws'], message: 'src/core runs in the browser: no Node-only modules.' },
  { group: ['**/ui/**', '**/network/**', '**/storage/**', '**/node/**'], message: 'src/core depends only on its own interfaces.' }
]

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e-artifacts/**', 'patches/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a const object and a union instead of an enum.' }]
    }
  },
  { files: ['src/core/**'], rules: { 'no-restricted-imports': ['error', { patterns: coreForbidden }] } },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['scripts/**', 'src/node/**', 'e2e/**', 'bench/**', 'tests/**', '*.config.ts'], languageOptions: { globals: { ...globals.node } } }
)
