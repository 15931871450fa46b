// Test-only page: exposes core modules to Playwright specs and benchmarks as window.core.
import * as ed25519 from '../../src/core/identity/ed25519.ts'
import * as canonical from '../../src/core/codec/canonical.ts'
import * as hash from '../../src/core/codec/hash.ts'

const core = { ed25519, canonical, hash }
declare global { interface Window { core: typeof core, coreReady: boolean } }
window.core = core
window.coreReady = true
