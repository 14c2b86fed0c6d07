/* Bit-parallel AIG interpreter used by circuitlab.compiled.
 *
 * A circuit is a list of instructions dst = (t[a] ^ ma) & (t[b] ^ mb) over slots of
 * BLOCK uint64 words (64 * BLOCK patterns).  The inner loop over the words of a block
 * is plain C that the compiler vectorizes; decoding one instruction is amortized over
 * BLOCK words.
 */
#include <stdint.h>
#include <string.h>

#define BLOCK 64

long block_words(void) { return BLOCK; }

void run(long n_in, const int64_t *in_slot, long n_gate, const int32_t *dst, const int32_t *a,
         const int32_t *b, const uint64_t *ma, const uint64_t *mb, long n_out, const int64_t *out_slot,
         const uint64_t *out_mask, const uint64_t *in, uint64_t *out, long W, uint64_t *t) {
    for (long w = 0; w < W; w += BLOCK) {
        for (long i = 0; i < n_in; i++)
            memcpy(t + in_slot[i] * BLOCK, in + i * W + w, BLOCK * sizeof(uint64_t));
        for (long g = 0; g < n_gate; g++) {
            uint64_t *restrict d = t + (long)dst[g] * BLOCK;
            const uint64_t *x = t + (long)a[g] * BLOCK, *y = t + (long)b[g] * BLOCK;
            const uint64_t mx = ma[g], my = mb[g];
            uint64_t tmp[BLOCK];
            for (int k = 0; k < BLOCK; k++) tmp[k] = (x[k] ^ mx) & (y[k] ^ my);
            memcpy(d, tmp, sizeof tmp);
        }
        for (long o = 0; o < n_out; o++) {
            const uint64_t *x = t + out_slot[o] * BLOCK;
            for (int k = 0; k < BLOCK; k++) out[o * W + w + k] = x[k] ^ out_mask[o];
        }
    }
}
