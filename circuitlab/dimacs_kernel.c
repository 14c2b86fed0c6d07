/* DIMACS text of clause rows, for circuitlab.cnf's streaming writer.
 *
 * format_clauses writes `rows` clauses of `width` literals each (row-major int64; a 0
 * ends a row early) as "l1 l2 ... 0\n" lines into `out`, which must hold
 * rows * (width + 1) * 21 bytes, and returns the number of bytes written.  The Python
 * reference is circuitlab.cnf.dimacs_text; tests compare the two byte for byte.
 */
#include <stdint.h>

static char *put_int(char *p, int64_t v) {
  char tmp[24];
  int n = 0;
  uint64_t u;
  if (v < 0) {
    *p++ = '-';
    u = (uint64_t)(-(v + 1)) + 1u;
  } else {
    u = (uint64_t)v;
  }
  do {
    tmp[n++] = (char)('0' + (u % 10u));
    u /= 10u;
  } while (u);
  while (n) *p++ = tmp[--n];
  return p;
}

int64_t format_clauses(const int64_t *lits, int64_t rows, int64_t width, char *out) {
  char *p = out;
  for (int64_t r = 0; r < rows; r++) {
    const int64_t *row = lits + r * width;
    for (int64_t k = 0; k < width && row[k] != 0; k++) {
      p = put_int(p, row[k]);
      *p++ = ' ';
    }
    *p++ = '0';
    *p++ = '\n';
  }
  return (int64_t)(p - out);
}
