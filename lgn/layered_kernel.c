/* Layer-by-layer bit-parallel inference of a discretized logic gate network, used by
 * circuitlab.lgn.layered.
 *
 * Samples are bit-packed: one value is V uint64 words, 64 V samples (one AVX2 register
 * for V = 4).  The network arrives compiled into flat arrays (see layered.py):
 *
 *   - a value table: rows [0, in_dim) are the inputs, row in_dim + j is gate j's output;
 *     pass-through gates and inverters were folded away at compile time, so only gates
 *     that compute something have rows, and a gate may read any earlier row;
 *   - the gates in runs of one gate id: run r is (op, start, end), and gate j computes
 *     op(row a[j], row b[j]);
 *   - the last layer likewise (la, lb, its runs), grouped by class: class c owns
 *     positions [class_start[c], class_start[c + 1]); its outputs are counted.
 *
 * A block of V words is evaluated at a time, so the working set is one row per gate of
 * one block (tens to hundreds of kilobytes), not the whole batch.  A run is one tight
 * loop over its gates with the gate's expression fixed (no per-gate dispatch).
 *
 * GroupSum and the argmax are bit-sliced, like the compiled circuit of compile.py:
 *   - the last layer's outputs of one class go to a scratch row block and are counted
 *     with carry-save adders (a full adder turns three values of weight 2^i into one of
 *     weight 2^i and one of weight 2^(i+1), 5 word ops; eight values at a time go
 *     through a fixed tree, see `count_values`), and what is left pending is summed with a
 *     ripple adder at the end, giving the count as P bit planes;
 *   - the argmax walks the classes in order and keeps a challenger only when its count is
 *     strictly greater (the first index wins ties, as numpy's argmax), comparing bit
 *     planes from the most significant one down.
 * The output is the predicted class as bit planes, LSB first: out[bit, W].
 *
 * lgn_run returns 0, or -1 when scratch memory cannot be allocated (nothing is written).
 * Single-threaded; the arrays are trusted (layered.py builds and checks them).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define V 4       /* words per value */
#define MAXW 64   /* counter weights: counts below 2^63 */
#define MAXBITS 64

typedef uint64_t vec __attribute__((vector_size(V * 8)));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define MULTIVERSION
#endif

/* Everything the block loop calls is inlined into lgn_run, so each of its target clones
 * (AVX2, baseline) compiles the whole loop for its own instruction set. */
#define INLINE static inline __attribute__((always_inline))

INLINE vec load(const uint64_t *p) {
    vec v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void store(uint64_t *p, vec v) { memcpy(p, &v, sizeof v); }

static void *alloc64(size_t bytes) { return aligned_alloc(64, (bytes + 63) / 64 * 64); }

/* Carry-save store of one class's count: at most two pending values per weight. */
typedef struct {
    vec p[MAXW][2];
    int n[MAXW];
} counter;

/* Add value v of weight 2^w to the store. */
INLINE void counter_add_at(counter *c, vec v, int w) {
    for (; w < MAXW - 1; w++) {
        if (c->n[w] < 2) {
            c->p[w][c->n[w]++] = v;
            return;
        }
        const vec x = c->p[w][0], y = c->p[w][1], t = x ^ y;
        c->p[w][0] = t ^ v; /* sum: stays at weight w */
        c->n[w] = 1;
        v = (x & y) | (t & v); /* carry: goes to weight w + 1 */
    }
}

/* Full adder: (hi, lo) = a + b + c, bit-sliced. */
#define CSA(hi, lo, a, b, c)                    \
    do {                                        \
        const vec a_ = (a), b_ = (b), c_ = (c); \
        const vec u_ = a_ ^ b_;                 \
        hi = (a_ & b_) | (u_ & c_);             \
        lo = u_ ^ c_;                           \
    } while (0)

/* Count the m values d[0..m) into c (which starts empty): eight at a time through a
 * fixed carry-save tree (Harley-Seal: running sums of weight 1, 2 and 4 in registers)
 * that leaves one value of weight 8 for the store, then the rest one by one. */
INLINE void count_values(counter *c, const uint64_t *d, long m) {
    memset(c->n, 0, sizeof c->n);
    vec ones = {0}, twos = {0}, fours = {0};
    long i = 0;
    for (; i + 8 <= m; i += 8) {
        const uint64_t *e = d + i * V;
        vec twos_a, twos_b, fours_a, fours_b, eights;
        CSA(twos_a, ones, ones, load(e), load(e + V));
        CSA(twos_b, ones, ones, load(e + 2 * V), load(e + 3 * V));
        CSA(fours_a, twos, twos, twos_a, twos_b);
        CSA(twos_a, ones, ones, load(e + 4 * V), load(e + 5 * V));
        CSA(twos_b, ones, ones, load(e + 6 * V), load(e + 7 * V));
        CSA(fours_b, twos, twos, twos_a, twos_b);
        CSA(eights, fours, fours, fours_a, fours_b);
        counter_add_at(c, eights, 3);
    }
    counter_add_at(c, ones, 0);
    counter_add_at(c, twos, 1);
    counter_add_at(c, fours, 2);
    for (; i < m; i++) counter_add_at(c, load(d + i * V), 0);
}

/* The count as bit planes planes[0..P): ripple-add what is pending at each weight. */
INLINE void counter_planes(const counter *c, int P, vec *planes) {
    vec carry = {0};
    for (int w = 0; w < P; w++) {
        vec x = c->n[w] > 0 ? c->p[w][0] : (vec){0};
        vec y = c->n[w] > 1 ? c->p[w][1] : (vec){0};
        const vec t = x ^ y;
        planes[w] = t ^ carry;
        carry = (x & y) | (t & carry);
    }
}

/* One run of gates with a fixed expression EXPR(x, y): BODY consumes r. */
#define RUN_GATES(OP, BODY)                                                               \
    switch (OP) {                                                                         \
    case 0: LOOP((vec){0}, BODY); break;                                                  \
    case 1: LOOP(x & y, BODY); break;                                                     \
    case 2: LOOP(x & ~y, BODY); break;                                                    \
    case 3: LOOP(x, BODY); break;                                                         \
    case 4: LOOP(~x & y, BODY); break;                                                    \
    case 5: LOOP(y, BODY); break;                                                         \
    case 6: LOOP(x ^ y, BODY); break;                                                     \
    case 7: LOOP(x | y, BODY); break;                                                     \
    case 8: LOOP(~(x | y), BODY); break;                                                  \
    case 9: LOOP(~(x ^ y), BODY); break;                                                  \
    case 10: LOOP(~y, BODY); break;                                                       \
    case 11: LOOP(x | ~y, BODY); break;                                                   \
    case 12: LOOP(~x, BODY); break;                                                       \
    case 13: LOOP(~x | y, BODY); break;                                                   \
    case 14: LOOP(~(x & y), BODY); break;                                                 \
    default: LOOP(~(vec){0}, BODY); break;                                                \
    }

#define LOOP(EXPR, BODY)                                                                  \
    for (long j = start; j < end; j++) {                                                  \
        const vec x = load(vals + (long)a[j] * V), y = load(vals + (long)b[j] * V);       \
        (void)x;                                                                          \
        (void)y;                                                                          \
        const vec r = (EXPR);                                                             \
        BODY;                                                                             \
    }

/* Evaluate one block: vals[0, in_dim) holds its inputs; the gates fill the rest; the
 * class planes of its `valid` words go to out + w0 (rows W apart). */
INLINE void run_block(long in_dim, const int32_t *ga, const int32_t *gb, const int64_t *gruns, long n_gruns,
                      const int32_t *la, const int32_t *lb, const int64_t *lruns, long n_lruns, long n_classes,
                      const int64_t *class_start, int P, int n_bits, uint64_t *vals, uint64_t *tmp, counter *cnt, vec *planes,
                      uint64_t *out, long W, long w0, long valid) {
    const int64_t *run = gruns;
    {
        const int32_t *a = ga, *b = gb;
        uint64_t *dst = vals + in_dim * V;
        for (long k = 0; k < n_gruns; k++, run += 3) {
            const long op = run[0], start = run[1], end = run[2];
            RUN_GATES(op, store(dst + j * V, r))
        }
    }
    /* last layer, class by class: the class's values go to `tmp` (runs never cross a
     * class boundary), then they are counted */
    const int32_t *a = la, *b = lb;
    run = lruns;
    long k = 0, c;
    for (c = 0; c < n_classes; c++) {
        const long c0 = class_start[c], c1 = class_start[c + 1];
        uint64_t *dst = tmp - c0 * V;
        for (; k < n_lruns && run[1] < c1; k++, run += 3) {
            const long op = run[0], start = run[1], end = run[2];
            RUN_GATES(op, store(dst + j * V, r))
        }
        count_values(cnt, tmp, c1 - c0);
        counter_planes(cnt, P, planes + c * P);
    }
    /* argmax over classes, first index on ties */
    vec best[MAXBITS], idx[MAXBITS];
    for (int i = 0; i < P; i++) best[i] = planes[i];
    for (int i = 0; i < n_bits; i++) idx[i] = (vec){0};
    for (c = 1; c < n_classes; c++) {
        const vec *x = planes + c * P;
        vec gt = {0}, eq = ~(vec){0};
        for (int i = P - 1; i >= 0; i--) {
            gt |= eq & x[i] & ~best[i];
            eq &= ~(x[i] ^ best[i]);
        }
        for (int i = 0; i < P; i++) best[i] = (gt & x[i]) | (~gt & best[i]);
        for (int i = 0; i < n_bits; i++)
            if ((c >> i) & 1) idx[i] |= gt;
            else idx[i] &= ~gt;
    }
    for (int i = 0; i < n_bits; i++) {
        uint64_t tmp[V];
        store(tmp, idx[i]);
        memcpy(out + i * W + w0, tmp, valid * sizeof(uint64_t));
    }
}

long lgn_block_words(void) { return V; }

MULTIVERSION long lgn_run(long in_dim, long n_gates, const int32_t *ga, const int32_t *gb, const int64_t *gruns,
                          long n_gruns, const int32_t *la, const int32_t *lb, const int64_t *lruns, long n_lruns,
                          long n_classes, const int64_t *class_start, long P, long n_bits, const uint64_t *in,
                          long W, uint64_t *out) {
    long group = 1; /* the largest class */
    for (long c = 0; c < n_classes; c++)
        if (class_start[c + 1] - class_start[c] > group) group = class_start[c + 1] - class_start[c];
    uint64_t *vals = alloc64((size_t)(in_dim + n_gates + 1) * V * 8);
    uint64_t *tmp = alloc64((size_t)group * V * 8);
    counter *cnt = alloc64(sizeof(counter));
    vec *planes = alloc64((size_t)n_classes * P * sizeof(vec));
    long rc = 0;
    if (!vals || !tmp || !cnt || !planes) {
        rc = -1;
        goto done;
    }
    /* each block's input words are first copied into rows of V words: read in place,
     * the rows would sit W words apart, one page each */
    for (long w0 = 0; w0 < W; w0 += V) {
        const long valid = W - w0 < V ? W - w0 : V;
        if (valid < V) memset(vals, 0, (size_t)in_dim * V * 8);
        for (long i = 0; i < in_dim; i++) memcpy(vals + i * V, in + i * W + w0, valid * 8);
        run_block(in_dim, ga, gb, gruns, n_gruns, la, lb, lruns, n_lruns, n_classes, class_start, (int)P,
                  (int)n_bits, vals, tmp, cnt, planes, out, W, w0, valid);
    }
done:
    free(vals);
    free(tmp);
    free(cnt);
    free(planes);
    return rc;
}
