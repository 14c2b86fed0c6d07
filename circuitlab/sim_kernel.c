/* Bit-parallel AIG interpreter used by circuitlab.compiled.
 *
 * A circuit is a list of instructions over slots of BLOCK uint64 words (64 * BLOCK
 * patterns):
 *   ops 0-3 (AND):  dst = a & b, ~a & b, a & ~b, ~a & ~b  (fanin complements)
 *   ops 4-5 (XOR):  dst = a ^ b, ~(a ^ b)        (three ANDs recovered as one XOR)
 * where an operand is a scratch slot or, read in place, a row of the input patterns.
 * The inner loop over the words of a block is plain C that the compiler vectorizes;
 * decoding one instruction is amortized over BLOCK words.
 *
 * pack_bool transposes [N, F] bytes (0/1, one sample a row) into [F, W] words, bit j of
 * word w of row f being feature f of sample 64 w + j.
 */
#include <stdint.h>
#include <string.h>

#define BLOCK 64

/* Built with portable flags; on x86-64 the interpreter loop is also compiled for AVX2 and
 * the loader picks the version the CPU supports (GCC function multi-versioning). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define MULTIVERSION
#endif

long block_words(void) { return BLOCK; }

MULTIVERSION void run(long n_in, long n_slots, const uint64_t **base, long n_gate, const uint8_t *op, const int32_t *dst,
         const int32_t *a, const int32_t *b, long n_out,
         const int64_t *out_ref, const uint64_t *out_mask, const uint64_t *in, uint64_t *out, long W,
         uint64_t *t) {
    /* operand r: scratch slot r < n_slots, or input row r - n_slots read in place */
    for (long s = 0; s < n_slots; s++) base[s] = t + s * BLOCK;
    for (long w = 0; w < W; w += BLOCK) {
        for (long i = 0; i < n_in; i++) base[n_slots + i] = in + i * W + w;
        for (long g = 0; g < n_gate; g++) {
            /* dst may be a or b (a slot freed by this very gate), never a partial overlap,
             * so the element-wise update is safe in place */
            uint64_t *d = t + (long)dst[g] * BLOCK;
            const uint64_t *x = base[a[g]], *y = base[b[g]];
            switch (op[g]) {
#define LOOP(expr) _Pragma("GCC ivdep") for (int k = 0; k < BLOCK; k++) d[k] = (expr); break
            case 0: LOOP(x[k] & y[k]);
            case 1: LOOP(~x[k] & y[k]);
            case 2: LOOP(x[k] & ~y[k]);
            case 3: LOOP(~(x[k] | y[k]));
            case 4: LOOP(x[k] ^ y[k]);
            default: LOOP(~(x[k] ^ y[k]));
#undef LOOP
            }
        }
        for (long o = 0; o < n_out; o++) {
            const uint64_t *x = base[out_ref[o]];
            for (int k = 0; k < BLOCK; k++) out[o * W + w + k] = x[k] ^ out_mask[o];
        }
    }
}

/* Transpose an 8x8 byte matrix held in 8 words (byte k of a[g] is entry (g, k)). */
static inline void transpose8(uint64_t a[8]) {
    for (int g = 0; g < 4; g++) {
        uint64_t t = ((a[g] >> 32) ^ a[g + 4]) & 0x00000000FFFFFFFFULL;
        a[g] ^= t << 32; a[g + 4] ^= t;
    }
    for (int g = 0; g < 8; g += (g & 1) ? 3 : 1) { /* g = 0, 1, 4, 5 */
        uint64_t t = ((a[g] >> 16) ^ a[g + 2]) & 0x0000FFFF0000FFFFULL;
        a[g] ^= t << 16; a[g + 2] ^= t;
    }
    for (int g = 0; g < 8; g += 2) {
        uint64_t t = ((a[g] >> 8) ^ a[g + 1]) & 0x00FF00FF00FF00FFULL;
        a[g] ^= t << 8; a[g + 1] ^= t;
    }
}

/* 64 samples x 8 features at a time.  The 0/1 bytes of one sample's 8 features, shifted
 * by the sample's index within a group of 8 and OR-ed, give per byte the 8 samples'
 * bits of one feature; a byte transpose of the 8 groups then gives one output word per
 * feature.  Samples are walked in tiles of 512 so that reads stay in cache and every
 * output row is written one cache line at a time. */
void pack_bool(const uint8_t *x, long N, long F, uint64_t *out, long W) {
    const long TILE = 512;
    for (long s0 = 0; s0 < N; s0 += TILE) {
        const long s1 = N - s0 < TILE ? N : s0 + TILE;
        long f = 0;
        for (; f + 8 <= F; f += 8)
            for (long s = s0; s < s1; s += 64) {
                uint64_t acc[8] = {0};
                if (s + 64 <= s1) { /* full group: constant trip counts, unrolled */
                    const uint8_t *p = x + s * F + f;
                    for (int g = 0; g < 8; g++)
                        for (int j = 0; j < 8; j++) {
                            uint64_t v;
                            memcpy(&v, p + (8 * g + j) * F, 8);
                            acc[g] |= (v & 0x0101010101010101ULL) << j;
                        }
                } else {
                    for (long j = 0; s + j < s1; j++) {
                        uint64_t v;
                        memcpy(&v, x + (s + j) * F + f, 8);
                        acc[j >> 3] |= (v & 0x0101010101010101ULL) << (j & 7);
                    }
                }
                transpose8(acc);
                for (int k = 0; k < 8; k++) out[(f + k) * W + s / 64] = acc[k];
            }
        for (; f < F; f++)
            for (long s = s0; s < s1; s += 64) {
                uint64_t acc = 0;
                for (long j = 0; j < 64 && s + j < s1; j++) acc |= (uint64_t)(x[(s + j) * F + f] & 1) << j;
                out[f * W + s / 64] = acc;
            }
    }
}
