import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * The layers of lib/, lowest first, and what each may import besides itself. Imports go one way:
 * a folder never reaches one that is not listed for it (type-only imports included), so the tree
 * shows the architecture (docs/architecture.md). lib/index.ts, the public entry, may import any.
 */
const LAYERS = {
  common: ['errors'],
  platform: ['errors', 'common'],
  aws: ['errors', 'common'],
  sigv4: ['errors', 'common', 'platform'],
  credentials: ['errors', 'common', 'platform', 'aws', 'sigv4'],
  exchange: ['errors', 'common', 'platform', 'aws', 'sigv4', 'credentials'],
  connection: ['errors', 'common', 'platform', 'aws', 'sigv4', 'credentials', 'exchange'],
  // The emulator verifies independently of the signing code: AWS facts and SigV4's names only.
  testing: ['errors', 'common', 'aws', 'sigv4'],
  cli: [
    'errors',
    'common',
    'platform',
    'aws',
    'sigv4',
    'credentials',
    'exchange',
    'connection',
    'testing',
  ],
}
const FOLDERS = Object.keys(LAYERS)

/** One block per folder: `../<folder>` (at any depth) is refused unless the layer allows it. */
const layerRules = FOLDERS.map((folder) => {
  const refused = [...FOLDERS.filter((f) => f !== folder && !LAYERS[folder].includes(f)), 'index']
  return {
    files: [`lib/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${refused.join('|')})(/|\\.js$|$)`,
              message:
                `lib/${folder}/ may import only ${['itself', ...LAYERS[folder]].join(', ')}: ` +
                'imports go one way between the layers (docs/architecture.md).',
            },
          ],
        },
      ],
    },
  }
})

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', Buffer: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['lib/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error', 'no-console': 'error' },
  },
  ...layerRules,
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
)
