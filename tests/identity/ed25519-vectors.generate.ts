// Regenerates tests/fixtures/ed25519.vectors.json: `npx tsx tests/identity/ed25519-vectors.generate.ts`.
// The crafted vectors are deterministic (fixed scalars, counters), so a rerun gives the same file.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js'

ed.hashes.sha512 = sha512
const { Point } = ed
type Point = InstanceType<typeof Point>

const L = 2n ** 252n + 27742317777372353535851937790883648493n
const P = 2n ** 255n - 19n

const le = (b: Uint8Array): bigint => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n)
const toLe = (n: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn))
const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array): bigint => le(sha512(concatBytes(r, a, m))) % L
const scalar = (label: string): bigint => le(sha512(utf8ToBytes(label))) % L
const msg = (s: string): Uint8Array => utf8ToBytes(s)

interface Vector { name: string, publicKey: string, message: string, signature: string, valid: boolean, zip215: boolean, why: string }
const vectors: Vector[] = []
const add = (name: string, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, valid: boolean, why: string): void => {
  // What a lenient verifier (noble's default ZIP-215 rules) says: shows which vectors are real edge cases.
  let zip215: boolean
  try { zip215 = ed.verify(signature, message, publicKey) } catch { zip215 = false }
  vectors.push({ name, publicKey: bytesToHex(publicKey), message: bytesToHex(message), signature: bytesToHex(signature), valid, zip215, why })
}

// RFC 8032 section 7.1.
const rfc = [
  ['TEST 1', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', '', 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'],
  ['TEST 2', '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', '72', '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'],
  ['TEST 3', 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025', 'af82', '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a'],
  ['TEST SHA(abc)', 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f', 'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704']
] as const
for (const [name, pub, m, sig] of rfc) add(`RFC 8032 ${name}`, hexToBytes(pub), hexToBytes(m), hexToBytes(sig), true, 'RFC 8032 section 7.1 test vector')

const [, pub2, m2, sig2] = rfc[1]
const flip = (hex: string, byte: number, bit = 0): Uint8Array => { const b = hexToBytes(hex); b[byte]! ^= 1 << bit; return b }
add('flipped bit in message', hexToBytes(pub2), flip(m2, 0), hexToBytes(sig2), false, 'TEST 2 with message bit 0 flipped')
add('flipped bit in R', hexToBytes(pub2), hexToBytes(m2), flip(sig2, 0), false, 'TEST 2 with R bit 0 flipped')
add('flipped bit in S', hexToBytes(pub2), hexToBytes(m2), flip(sig2, 32), false, 'TEST 2 with S bit 0 flipped')
add('flipped bit in key', flip(pub2, 0), hexToBytes(m2), hexToBytes(sig2), false, 'TEST 2 with key bit 0 flipped')
{
  const sig = hexToBytes(sig2)
  const s = le(sig.subarray(32))
  add('S + L (unreduced scalar)', hexToBytes(pub2), hexToBytes(m2), concatBytes(sig.subarray(0, 32), toLe(s + L)), false, 'TEST 2 with S replaced by S + L: equal mod L, so verifiers that reduce S accept it (malleability)')
}
add('signature of 63 bytes', hexToBytes(pub2), hexToBytes(m2), hexToBytes(sig2).subarray(0, 63), false, 'wrong length')
add('key of 31 bytes', hexToBytes(pub2).subarray(0, 31), hexToBytes(m2), hexToBytes(sig2), false, 'wrong length')
{
  // A y with no x on the curve: 2 is not a valid y coordinate.
  let y = 2n
  for (; ; y++) { try { Point.fromBytes(toLe(y), false) } catch { break } }
  add('key not on the curve', toLe(y), hexToBytes(m2), hexToBytes(sig2), false, `y = ${y} has no x on the curve`)
}

// The eight points of the torsion subgroup, from an order-8 point.
const T8 = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')
const torsion: Point[] = Array.from({ length: 8 }, (_, i) => (i === 0 ? Point.ZERO : T8.multiply(BigInt(i), false)))
const identity = Point.ZERO.toBytes()
const identitySig = concatBytes(identity, new Uint8Array(32))
for (const m of ['any message', 'another message']) {
  add(`identity key, signature (identity || 0), "${m}"`, identity, msg(m), identitySig, false, 'small-order key: WebCrypto (BoringSSL, OpenSSL) and noble zip215 accept this for ANY message')
}
// For each other small-order key A, a forged signature (R small-order, S = 0) that holds cofactorless: R = -[k]A.
for (let i = 1; i < 8; i++) {
  const A = torsion[i]!
  const a = A.toBytes()
  let found = false
  for (let n = 0; n < 1000 && !found; n++) {
    const m = msg(`forged under small-order key ${i}, attempt ${n}`)
    for (const R of torsion) {
      const r = R.toBytes()
      if (A.multiply(challenge(r, a, m), false).negate().equals(R)) {
        add(`small-order key ${a[0]!.toString(16).padStart(2, '0')}..${a[31]!.toString(16).padStart(2, '0')} (torsion point ${i}), forged signature`, a, m, concatBytes(r, new Uint8Array(32)), false, 'small-order key: the forgery holds under every verifier that does not check the key, without any secret')
        found = true
        break
      }
    }
  }
  if (!found) throw new Error(`no forgery for torsion point ${i}`)
}

// Non-canonical encodings of small-order keys: y >= p, and x = 0 with the sign bit set.
add('non-canonical key: identity as y = p + 1', toLe(P + 1n), msg('any message'), identitySig, false, 'A encoded with y >= p; ZIP-215 decodes it as the identity and accepts')
add('non-canonical key: identity with sign bit set (x = 0)', (() => { const b = identity.slice(); b[31]! |= 0x80; return b })(), msg('any message'), identitySig, false, 'A encoded with x = 0 and the sign bit set; ZIP-215 accepts')
add('non-canonical key: y = p (order-4 point)', toLe(P), msg('any message'), identitySig, false, 'A encoded with y >= p')

// Crafted signatures under a real (prime-order) key with secret scalar a.
const a = scalar('vector key a')
const A = Point.BASE.multiply(a)
const aBytes = A.toBytes()
const signWithR = (R: Uint8Array, r: bigint, m: Uint8Array): Uint8Array => concatBytes(R, toLe((r + challenge(R, aBytes, m) * a) % L))
{
  // Non-canonical R: the identity as y = p + 1, and with the sign bit. S = k*a, so [S]B - [k]A = identity.
  const m = msg('non-canonical R')
  add('non-canonical R: identity as y = p + 1', aBytes, m, signWithR(toLe(P + 1n), 0n, m), false, 'R encoded with y >= p; ZIP-215 hashes the raw bytes and accepts')
  const negZero = identity.slice(); negZero[31]! |= 0x80
  add('non-canonical R: identity with sign bit set', aBytes, m, signWithR(negZero, 0n, m), false, 'R encoded with x = 0 and the sign bit set')
  // Canonical small-order R: RFC 8032 allows it (and it reveals the signer's scalar, a = S / k).
  add('small-order R (identity) under a strong key', aBytes, m, signWithR(identity, 0n, m), true, 'canonical R that is the identity: valid under RFC 8032 and every backend')
}
{
  // Mixed-order R = rB + T8 with an honest S: the cofactored equation holds, the cofactorless one does not.
  const r = scalar('vector nonce r')
  const R = Point.BASE.multiply(r).add(T8).toBytes()
  const m = msg('mixed-order R')
  add('mixed-order R under a strong key', aBytes, m, signWithR(R, r, m), false, 'R = rB + T (T of order 8): cofactored verifiers (noble, either mode) accept, cofactorless ones (WebCrypto) reject')
}
{
  // Mixed-order key A' = aB + T8; a message whose challenge k is 0 mod 8 makes the honest signature verify cofactorless.
  const mixed = A.add(T8).toBytes()
  const r = scalar('vector nonce mixed key')
  const R = Point.BASE.multiply(r).toBytes()
  for (let n = 0; ; n++) {
    const m = msg(`mixed-order key, attempt ${n}`)
    const k = challenge(R, mixed, m)
    if (k % 8n !== 0n) continue
    add('mixed-order key (aB + T), honest signature', mixed, m, concatBytes(R, toLe((r + k * a) % L)), false, 'key with a torsion component: its challenge is 0 mod 8, so every backend\'s equation holds; only the key check refuses it')
    break
  }
}
{
  // A plain signature from the same key, to show the crafted cases are the only difference.
  const m = msg('a plain message')
  add('honest signature under the vector key', aBytes, m, signWithR(Point.BASE.multiply(7n).toBytes(), 7n, m), true, 'R = 7B, S = 7 + k*a: an ordinary signature')
}

const out = {
  description: 'Ed25519 verification vectors. valid: the verdict every peer must reach (verifySignature and verifySignatureNoble, in Node and in Chromium). zip215: what noble with its default ZIP-215 rules says, to show which vectors are edge cases. Regenerate with tests/identity/ed25519-vectors.generate.ts.',
  vectors
}
writeFileSync(join(import.meta.dirname, '..', 'fixtures', 'ed25519.vectors.json'), JSON.stringify(out, null, 2) + '\n')
console.log(`${vectors.length} vectors`)
