// Node 20 lacks Promise.withResolvers, which libp2p 3 uses; Node 22+ has it.
import '../src/node/polyfills.ts'
