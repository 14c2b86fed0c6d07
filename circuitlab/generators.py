"""Arithmetic and random circuit generators (tests, benchmarks and the GNN corpus), built with :class:`AIGBuilder`.

Adders (``n``-bit, inputs ``a[0..n), b[0..n)``, outputs ``s[0..n]``):

* ripple-carry: ``c_{i+1} = maj(a_i, b_i, c_i)``;
* carry-lookahead: 4-bit blocks with ``g_i = a_i b_i``, ``p_i = a_i ⊕ b_i`` and every
  carry of a block expanded from the block's carry-in, ``c_{i+1} = g_i ∨ p_i c_i``
  written out as a sum of products;
* Kogge–Stone: parallel prefix over ``(g, p)`` pairs with
  ``(g, p) ∘ (g', p') = (g ∨ p g', p p')`` at distances 1, 2, 4, ...

Multipliers (``n × n``, outputs ``2n`` bits):

* array: partial products ``a_i b_j`` summed row by row with ripple adders;
* Wallace: full/half adders reduce the columns greedily, then one ripple adder;
* Dadda: reduce column heights to the Dadda sequence 2, 3, 4, 6, 9, ... as late as possible;
* Booth (radix 4, signed two's-complement): partial products from the recoded digits
  ``{-2, -1, 0, 1, 2}`` of ``b``, sign-extended and summed with a Wallace tree.

Random AIGs: ``num_ands`` gates whose fanins are drawn from recent nodes (a locality
window), with random polarities; the last nodes become outputs.
"""

from __future__ import annotations

import numpy as np

from circuitlab.aig import AIG, AIGBuilder

from .errors import CircuitError


def _full_adder(b: AIGBuilder, x: int, y: int, z: int) -> tuple[int, int]:
    s = b.xor_(b.xor_(x, y), z)
    c = b.or_(b.and_(x, y), b.and_(z, b.xor_(x, y)))
    return s, c


def _half_adder(b: AIGBuilder, x: int, y: int) -> tuple[int, int]:
    return b.xor_(x, y), b.and_(x, y)


def _ripple(b: AIGBuilder, xs: list[int], ys: list[int], cin: int = 0) -> list[int]:
    """Sum bits of ``xs + ys + cin`` (``len + 1`` bits)."""
    out, c = [], cin
    for x, y in zip(xs, ys, strict=True):
        s, c = _full_adder(b, x, y, c)
        out.append(s)
    return out + [c]


def _check_width(n: int, lo: int = 1) -> None:
    if int(n) != n or n < lo:
        raise CircuitError(f"width must be an integer >= {lo}, got {n}")


def _operands(b: AIGBuilder, n: int) -> tuple[list[int], list[int]]:
    xs = [b.input(f"a{i}") for i in range(n)]
    ys = [b.input(f"b{i}") for i in range(n)]
    return xs, ys


def _outputs(b: AIGBuilder, bits: list[int], name: str = "s") -> AIG:
    for i, bit in enumerate(bits):
        b.output(bit, f"{name}{i}")
    return b.build()


def ripple_adder(n: int) -> AIG:
    _check_width(n)
    b = AIGBuilder()
    xs, ys = _operands(b, n)
    return _outputs(b, _ripple(b, xs, ys))


def cla_adder(n: int, block: int = 4) -> AIG:
    _check_width(n)
    b = AIGBuilder()
    xs, ys = _operands(b, n)
    g = [b.and_(x, y) for x, y in zip(xs, ys, strict=True)]
    p = [b.xor_(x, y) for x, y in zip(xs, ys, strict=True)]
    carries, cin = [0], 0
    for start in range(0, n, block):
        for i in range(start, min(n, start + block)):
            # c_{i+1} = g_i | p_i g_{i-1} | ... | p_i..p_start cin
            terms, prod = [], 1
            for j in range(i, start - 1, -1):
                terms.append(b.and_(prod, g[j]))
                prod = b.and_(prod, p[j])
            terms.append(b.and_(prod, cin))
            carries.append(b.or_many(terms))
        cin = carries[-1]
    sums = [b.xor_(p[i], carries[i]) for i in range(n)]
    return _outputs(b, sums + [carries[n]])


def kogge_stone_adder(n: int) -> AIG:
    _check_width(n)
    b = AIGBuilder()
    xs, ys = _operands(b, n)
    g = [b.and_(x, y) for x, y in zip(xs, ys, strict=True)]
    p = [b.xor_(x, y) for x, y in zip(xs, ys, strict=True)]
    G, P = list(g), list(p)
    d = 1
    while d < n:
        G2, P2 = list(G), list(P)
        for i in range(d, n):
            G2[i] = b.or_(G[i], b.and_(P[i], G[i - d]))
            P2[i] = b.and_(P[i], P[i - d])
        G, P, d = G2, P2, 2 * d
    carries = [0] + G  # carry into bit i is the group generate of bits 0..i-1
    sums = [b.xor_(p[i], carries[i]) for i in range(n)]
    return _outputs(b, sums + [carries[n]])


def _partial_products(b: AIGBuilder, xs: list[int], ys: list[int]) -> list[list[int]]:
    """Columns of the unsigned partial products ``a_i b_j`` (weight ``i + j``)."""
    n = len(xs)
    cols: list[list[int]] = [[] for _ in range(2 * n)]
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            cols[i + j].append(b.and_(x, y))
    return cols


def _final_add(b: AIGBuilder, cols: list[list[int]], width: int) -> list[int]:
    """Columns of height <= 2 → ``width`` sum bits with a ripple adder."""
    xs = [c[0] if len(c) > 0 else 0 for c in cols[:width]]
    ys = [c[1] if len(c) > 1 else 0 for c in cols[:width]]
    return _ripple(b, xs, ys)[:width]


def _wallace_reduce(b: AIGBuilder, cols: list[list[int]]) -> list[list[int]]:
    width = len(cols)
    while max(len(c) for c in cols) > 2:
        new: list[list[int]] = [[] for _ in range(width + 1)]
        for w, col in enumerate(cols):
            k = 0
            while len(col) - k >= 3:
                s, c = _full_adder(b, col[k], col[k + 1], col[k + 2])
                new[w].append(s)
                new[w + 1].append(c)
                k += 3
            if len(col) - k == 2 and len(col) > 2:
                s, c = _half_adder(b, col[k], col[k + 1])
                new[w].append(s)
                new[w + 1].append(c)
                k += 2
            new[w].extend(col[k:])
        cols = new[:width]
    return cols


def _dadda_reduce(b: AIGBuilder, cols: list[list[int]]) -> list[list[int]]:
    width = len(cols)
    heights = [2]
    while heights[-1] < max(len(c) for c in cols):
        heights.append(heights[-1] * 3 // 2)
    for target in reversed(heights[:-1]):
        new: list[list[int]] = [[] for _ in range(width + 1)]
        for w in range(width):
            col, k = cols[w], 0
            # new[w] already holds the carries of column w - 1 from this stage
            while len(col) - k + len(new[w]) > target and len(col) - k >= 2:
                if len(col) - k + len(new[w]) - target >= 2 and len(col) - k >= 3:
                    s, c = _full_adder(b, col[k], col[k + 1], col[k + 2])
                    k += 3
                else:
                    s, c = _half_adder(b, col[k], col[k + 1])
                    k += 2
                new[w].append(s)
                new[w + 1].append(c)
            new[w].extend(col[k:])
        cols = new[:width]
    return _wallace_reduce(b, cols)  # a no-op once Dadda has reached height 2


def array_multiplier(n: int) -> AIG:
    _check_width(n)
    b = AIGBuilder()
    xs, ys = _operands(b, n)
    acc = [b.and_(x, ys[0]) for x in xs] + [0] * n  # [2n]
    for j in range(1, n):
        row = [b.and_(x, ys[j]) for x in xs]
        s = _ripple(b, acc[j : j + n], row)  # n + 1 bits
        acc[j : j + n + 1] = s
    return _outputs(b, acc[: 2 * n], "p")


def signed_array_multiplier(n: int) -> AIG:
    """Signed ``n × n`` array multiplier (two's complement), ``2n`` product bits.

    Both operands are sign-extended to ``2n`` bits and the rows of the unsigned array are
    cut to ``2n`` bits: the architecture-independent reference for :func:`booth_multiplier`.
    """
    _check_width(n, 2)
    b = AIGBuilder()
    xs, ys = _operands(b, n)
    width = 2 * n
    xe, ye = xs + [xs[-1]] * n, ys + [ys[-1]] * n
    acc = [b.and_(x, ye[0]) for x in xe]  # [2n]
    for j in range(1, width):
        row = [b.and_(xe[i], ye[j]) for i in range(width - j)]
        acc[j:] = _ripple(b, acc[j:], row)[: width - j]
    return _outputs(b, acc, "p")


def wallace_multiplier(n: int) -> AIG:
    _check_width(n)
    b = AIGBuilder()
    xs, ys = _operands(b, n)
    cols = _wallace_reduce(b, _partial_products(b, xs, ys))
    return _outputs(b, _final_add(b, cols, 2 * n), "p")


def dadda_multiplier(n: int) -> AIG:
    _check_width(n)
    b = AIGBuilder()
    xs, ys = _operands(b, n)
    cols = _dadda_reduce(b, _partial_products(b, xs, ys))
    return _outputs(b, _final_add(b, cols, 2 * n), "p")


def booth_multiplier(n: int) -> AIG:
    """Signed ``n × n`` radix-4 Booth multiplier (two's complement), ``2n`` product bits."""
    _check_width(n, 2)
    b = AIGBuilder()
    xs, ys = _operands(b, n)
    width = 2 * n
    ax = xs + [xs[-1]] * (width + 2 - n)  # sign-extended multiplicand
    cols: list[list[int]] = [[] for _ in range(width)]
    ybits = [0] + ys + [ys[-1]] * (1 + n % 2)  # y_{-1} = 0, sign-extend to an even count
    for k in range(0, n, 2):
        y0, y1, y2 = ybits[k], ybits[k + 1], ybits[k + 2]  # digit = -2 y2 + y1 + y0
        one = b.xor_(y1, y0)  # |digit| == 1
        two = b.or_(b.and_(y2, b.and_(y1 ^ 1, y0 ^ 1)), b.and_(y2 ^ 1, b.and_(y1, y0)))  # |digit| == 2
        neg = y2
        for i in range(width - k):
            mag = b.or_(b.and_(one, ax[i]), b.and_(two, ax[i - 1] if i > 0 else 0))
            cols[k + i].append(b.xor_(mag, neg))
        cols[k].append(neg)  # +1 completes the two's complement negation
    cols = _wallace_reduce(b, cols)
    return _outputs(b, _final_add(b, cols, width), "p")


def random_aig(num_inputs: int, num_ands: int, num_outputs: int, seed: int = 0, window: int = 32) -> AIG:
    """A random AIG; fanins drawn from the last ``window`` nodes (plus inputs) for depth."""
    for name, val, lo in (
        ("num_inputs", num_inputs, 2),
        ("num_ands", num_ands, 1),
        ("num_outputs", num_outputs, 1),
        ("window", window, 2),
    ):
        if int(val) != val or val < lo:
            raise CircuitError(f"{name} must be an integer >= {lo}, got {val}")
    rng = np.random.default_rng(seed)
    b = AIGBuilder()
    ins = [b.input(f"x{i}") for i in range(num_inputs)]
    nodes = list(ins)
    seen = set(nodes)
    tries = 0
    while b.num_ands < num_ands and tries < 20 * num_ands:
        tries += 1
        pool = nodes[-window:] if rng.random() < 0.8 else nodes
        i, j = rng.choice(len(pool), 2, replace=False)
        lit = b.and_(pool[i] ^ int(rng.integers(2)), pool[j] ^ int(rng.integers(2)))
        if lit > 1 and lit not in seen and lit ^ 1 not in seen:
            nodes.append(lit)
            seen.add(lit)
    for k, lit in enumerate(nodes[-num_outputs:]):
        b.output(lit ^ int(rng.integers(2)), f"y{k}")
    return b.build().cleanup(keep_inputs=True)


ADDERS = {"adder_ripple": ripple_adder, "adder_cla": cla_adder, "adder_ks": kogge_stone_adder}
MULTIPLIERS = {
    "mult_array": array_multiplier,
    "mult_wallace": wallace_multiplier,
    "mult_dadda": dadda_multiplier,
    "mult_booth": booth_multiplier,
}
GENERATORS = {
    **ADDERS,
    **MULTIPLIERS,
    "mult_array_signed": signed_array_multiplier,
}  # the GNN corpus uses the first two
