/* Fused forward and backward of the logic-gate op, used by circuitlab.lgn.c_kernel.
 *
 * Layout is feature-major: x [in_dim, B], y and g [out_dim, B], all C-contiguous;
 * a, b [out_dim] int64; c [out_dim, 4] (c0, c1, c2, c3 of every gate).
 *
 *   forward:  y[j, n] = c0 + c1 xa + c2 xb + c3 xa xb,   xa = x[a_j, n], xb = x[b_j, n]
 *             (evaluated in exactly this order, like naive.py; the library is built with
 *             -ffp-contract=off, so the output equals the torch expression bit for bit)
 *   backward: gc[j] = sum_n g[j, n] * (1, xa, xb, xa xb)                 (if gc != NULL)
 *             gx[a_j, n] += g[j, n] (c1 + c3 xb)                          (if gx != NULL)
 *             gx[b_j, n] += g[j, n] (c2 + c3 xa)
 *
 * The backward makes one pass over a gate's three rows (g, xa, xb) and does all of the
 * gate's work in it.  The batch sums use SIMD lanes written out with GCC/clang vector
 * extensions: within a chunk of CHUNK columns, lane k sums columns k, k + VL, k + 2 VL, ...
 * in the input dtype; the lanes of every chunk are then added, in lane order, to
 * double totals.  The order of every addition is fixed by this source, not by the SIMD
 * width the compiler picks, and gates run one after another, so the results are
 * bitwise reproducible.  Single-threaded.
 *
 * Both entry points first check every index against in_dim and return j + 1 for the
 * first gate j with a bad index (nothing is written then), 0 on success.
 */
#include <stdint.h>
#include <string.h>

#define VBYTES 32  /* bytes per vector value: 8 floats or 4 doubles */
#define CHUNK 128  /* columns summed in the input dtype before the double totals */
#define AHEAD 4    /* gates ahead whose input rows are prefetched */

/* Prefetch a row of `bytes` bytes, one request per 64-byte line.  The rows a gate reads
 * sit at random places in a layer's activations (megabytes), so without this every
 * gate waits on memory; prefetching a few gates ahead overlaps those waits.  It has no
 * effect on the results. */
static inline void prefetch_row(const void *row, long bytes, int write) {
    const char *p = (const char *)row;
    for (long k = 0; k < bytes; k += 64) {
        if (write)
            __builtin_prefetch(p + k, 1, 3);
        else
            __builtin_prefetch(p + k, 0, 3);
    }
}

typedef float vec_f32 __attribute__((vector_size(VBYTES)));
typedef double vec_f64 __attribute__((vector_size(VBYTES)));

static long check_wiring(long in_dim, long out_dim, const int64_t *a, const int64_t *b) {
    for (long j = 0; j < out_dim; j++)
        if (a[j] < 0 || a[j] >= in_dim || b[j] < 0 || b[j] >= in_dim) return j + 1;
    return 0;
}

#define DEFINE_GATE_KERNELS(SUF, T)                                                              \
    typedef vec_##SUF V_##SUF;                                                                   \
    enum { VL_##SUF = VBYTES / sizeof(T) }; /* lanes per vector */                               \
                                                                                                 \
    long gates_fwd_##SUF(long in_dim, long out_dim, long B, const T *restrict x,                 \
                         const int64_t *a, const int64_t *b, const T *restrict c,                \
                         T *restrict y) {                                                        \
        long bad = check_wiring(in_dim, out_dim, a, b);                                          \
        if (bad) return bad;                                                                     \
        for (long j = 0; j < out_dim; j++) {                                                     \
            if (j + AHEAD < out_dim) {                                                           \
                prefetch_row(x + a[j + AHEAD] * B, B * (long)sizeof(T), 0);                      \
                prefetch_row(x + b[j + AHEAD] * B, B * (long)sizeof(T), 0);                      \
            }                                                                                    \
            const T *restrict xa = x + a[j] * B, *restrict xb = x + b[j] * B;                    \
            const T c0 = c[4 * j], c1 = c[4 * j + 1], c2 = c[4 * j + 2], c3 = c[4 * j + 3];      \
            T *restrict yj = y + j * B;                                                          \
            for (long n = 0; n < B; n++) yj[n] = c0 + c1 * xa[n] + c2 * xb[n] + c3 * xa[n] * xb[n]; \
        }                                                                                        \
        return 0;                                                                                \
    }                                                                                            \
                                                                                                 \
    /* One gate: sums[0..3] = sum_n g (1, xa, xb, xa xb); if ra: ra += g (c1 + c3 xb),        \
     * rb += g (c2 + c3 xa), in this order per column (ra and rb may be the same row). */       \
    static inline void gate_bwd_##SUF(long B, const T *restrict gj, const T *restrict xa,        \
                                      const T *restrict xb, T c1, T c2, T c3, T *ra, T *rb,      \
                                      double sums[4]) {                                          \
        const long VL = VL_##SUF;                                                                \
        for (long n0 = 0; n0 < B; n0 += CHUNK) {                                                 \
            const long n1 = n0 + CHUNK < B ? n0 + CHUNK : B;                                     \
            V_##SUF s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};                                      \
            long n = n0;                                                                         \
            for (; n + VL <= n1; n += VL) {                                                      \
                V_##SUF gv, u, v;                                                                \
                memcpy(&gv, gj + n, sizeof gv);                                                  \
                memcpy(&u, xa + n, sizeof u);                                                    \
                memcpy(&v, xb + n, sizeof v);                                                    \
                const V_##SUF gu = gv * u;                                                       \
                s0 += gv;                                                                        \
                s1 += gu;                                                                        \
                s2 += gv * v;                                                                    \
                s3 += gu * v;                                                                    \
                if (ra) {                                                                        \
                    V_##SUF r;                                                                   \
                    memcpy(&r, ra + n, sizeof r);                                                \
                    r += gv * (c1 + c3 * v);                                                     \
                    memcpy(ra + n, &r, sizeof r);                                                \
                    memcpy(&r, rb + n, sizeof r);                                                \
                    r += gv * (c2 + c3 * u);                                                     \
                    memcpy(rb + n, &r, sizeof r);                                                \
                }                                                                                \
            }                                                                                    \
            for (long k = 0; n < n1; n++, k++) { /* the last columns, fewer than VL */           \
                const T gu = gj[n] * xa[n];                                                      \
                s0[k] += gj[n];                                                                  \
                s1[k] += gu;                                                                     \
                s2[k] += gj[n] * xb[n];                                                          \
                s3[k] += gu * xb[n];                                                             \
                if (ra) {                                                                        \
                    ra[n] += gj[n] * (c1 + c3 * xb[n]);                                          \
                    rb[n] += gj[n] * (c2 + c3 * xa[n]);                                          \
                }                                                                                \
            }                                                                                    \
            for (long k = 0; k < VL; k++) {                                                      \
                sums[0] += s0[k];                                                                \
                sums[1] += s1[k];                                                                \
                sums[2] += s2[k];                                                                \
                sums[3] += s3[k];                                                                \
            }                                                                                    \
        }                                                                                        \
    }                                                                                            \
                                                                                                 \
    long gates_bwd_##SUF(long in_dim, long out_dim, long B, const T *restrict x,                 \
                         const int64_t *a, const int64_t *b, const T *restrict c,                \
                         const T *restrict g, T *gx, T *restrict gc) {                           \
        long bad = check_wiring(in_dim, out_dim, a, b);                                          \
        if (bad) return bad;                                                                     \
        for (long j = 0; j < out_dim; j++) {                                                     \
            if (j + AHEAD < out_dim) {                                                           \
                const long ja = a[j + AHEAD] * B, jb = b[j + AHEAD] * B, bytes = B * (long)sizeof(T); \
                prefetch_row(x + ja, bytes, 0);                                                  \
                prefetch_row(x + jb, bytes, 0);                                                  \
                if (gx) {                                                                        \
                    prefetch_row(gx + ja, bytes, 1);                                             \
                    prefetch_row(gx + jb, bytes, 1);                                             \
                }                                                                                \
            }                                                                                    \
            double sums[4] = {0, 0, 0, 0};                                                       \
            gate_bwd_##SUF(B, g + j * B, x + a[j] * B, x + b[j] * B, c[4 * j + 1], c[4 * j + 2], \
                           c[4 * j + 3], gx ? gx + a[j] * B : NULL, gx ? gx + b[j] * B : NULL,   \
                           sums);                                                                \
            if (gc)                                                                              \
                for (int i = 0; i < 4; i++) gc[4 * j + i] = (T)sums[i];                          \
        }                                                                                        \
        return 0;                                                                                \
    }

DEFINE_GATE_KERNELS(f32, float)
DEFINE_GATE_KERNELS(f64, double)
