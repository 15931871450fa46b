#!/usr/bin/env node
// Runs every benchmark in headless Chromium and merges their figures into bench-results.json.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const out = join(root, 'bench', 'out')
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' })
run('npx', ['vite', 'build'])
let failed = false
try {
  run('npx', ['playwright', 'test', '-c', 'playwright.bench.config.ts', ...process.argv.slice(2)])
} catch {
  failed = true
}

const results = {}
for (const file of readdirSync(out).filter((f) => f.endsWith('.json')).sort()) {
  Object.assign(results, JSON.parse(readFileSync(join(out, file), 'utf8')))
}
writeFileSync(join(root, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n')
console.log(JSON.stringify(results, null, 2))
if (failed) process.exitCode = 1
