"""Triton kernels of the fused MGLU core (imported lazily by :mod:`.mglu_triton`).

This private module imports triton at its top, so nothing imports it except
:func:`circuitlab.zoo.mglu_triton._kernels`, and the zoo's auto-import skips it
(leading underscore). Equations and kernel roles: see :mod:`.mglu_triton`.
"""

import triton
import triton.language as tl


@triton.jit
def _act(g, ACT: tl.constexpr):
    s = tl.sigmoid(g)
    if ACT == 0:
        a = s
    elif ACT == 1:
        a = g * s
    else:
        a = tl.where(g > 0, g, 0.0)
    return a


@triton.jit
def _act_grad(g, ACT: tl.constexpr):
    s = tl.sigmoid(g)
    if ACT == 0:
        d = s * (1.0 - s)
    elif ACT == 1:
        d = s + g * s * (1.0 - s)
    else:
        d = tl.where(g > 0, 1.0, 0.0)
    return d


@triton.jit
def _fwd(
    x_ptr,
    w_ptr,
    m_ptr,
    out_ptr,
    full_ptr,
    g_ptr,
    N,
    K,
    H,
    NM: tl.constexpr,
    ACT: tl.constexpr,
    BN: tl.constexpr,
    BH: tl.constexpr,
    BK: tl.constexpr,
):
    rn = tl.program_id(0) * BN + tl.arange(0, BN)
    rh = tl.program_id(1) * BH + tl.arange(0, BH)
    rk0 = tl.arange(0, BK)
    in_nh = (rn[:, None] < N) & (rh[None, :] < H)
    nh = rn[:, None] * H + rh[None, :]
    full = tl.zeros((BN, BH), dtype=tl.float32)
    for k0 in range(0, K, BK):
        rk = k0 + rk0
        xt = tl.load(x_ptr + rn[:, None] * K + rk[None, :], mask=(rn[:, None] < N) & (rk[None, :] < K), other=0.0).to(
            tl.float32
        )
        wt = tl.load(w_ptr + rk[:, None] * H + rh[None, :], mask=(rk[:, None] < K) & (rh[None, :] < H), other=0.0).to(
            tl.float32
        )
        full += tl.dot(xt, wt, input_precision="ieee")
    tl.store(full_ptr + nh, full, mask=in_nh)
    out = tl.zeros((BN, BH), dtype=tl.float32)
    for i in tl.static_range(NM):
        g = tl.zeros((BN, BH), dtype=tl.float32)
        for k0 in range(0, K, BK):
            rk = k0 + rk0
            kh = rk[:, None] * H + rh[None, :]
            in_kh = (rk[:, None] < K) & (rh[None, :] < H)
            xt = tl.load(
                x_ptr + rn[:, None] * K + rk[None, :], mask=(rn[:, None] < N) & (rk[None, :] < K), other=0.0
            ).to(tl.float32)
            wt = tl.load(w_ptr + kh, mask=in_kh, other=0.0).to(tl.float32)
            mt = tl.load(m_ptr + i * K * H + kh, mask=in_kh, other=0.0).to(tl.float32)
            g += tl.dot(xt, wt * mt, input_precision="ieee")
        tl.store(g_ptr + i * N * H + nh, g, mask=in_nh)
        out += _act(g, ACT) * (full - g)
    tl.store(out_ptr + nh, out, mask=in_nh)


@triton.jit
def _bwd_elem(
    dout_ptr, full_ptr, g_ptr, dfull_ptr, dg_ptr, NH, NM: tl.constexpr, ACT: tl.constexpr, BLOCK: tl.constexpr
):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    ok = offs < NH
    dy = tl.load(dout_ptr + offs, mask=ok, other=0.0).to(tl.float32)
    full = tl.load(full_ptr + offs, mask=ok, other=0.0)
    dfull = tl.zeros((BLOCK,), dtype=tl.float32)
    for i in tl.static_range(NM):
        g = tl.load(g_ptr + i * NH + offs, mask=ok, other=0.0)
        a = _act(g, ACT)
        dfull += dy * a
        tl.store(dg_ptr + i * NH + offs, dy * (_act_grad(g, ACT) * (full - g) - a), mask=ok)
    tl.store(dfull_ptr + offs, dfull, mask=ok)


@triton.jit
def _bwd_dx(
    dfull_ptr,
    dg_ptr,
    w_ptr,
    m_ptr,
    dx_ptr,
    N,
    K,
    H,
    NM: tl.constexpr,
    BN: tl.constexpr,
    BK: tl.constexpr,
    BH: tl.constexpr,
):
    rn = tl.program_id(0) * BN + tl.arange(0, BN)
    rk = tl.program_id(1) * BK + tl.arange(0, BK)
    rh0 = tl.arange(0, BH)
    acc = tl.zeros((BN, BK), dtype=tl.float32)
    for h0 in range(0, H, BH):
        rh = h0 + rh0
        nh = rn[:, None] * H + rh[None, :]
        in_nh = (rn[:, None] < N) & (rh[None, :] < H)
        kh = rk[:, None] * H + rh[None, :]
        in_kh = (rk[:, None] < K) & (rh[None, :] < H)
        wt = tl.load(w_ptr + kh, mask=in_kh, other=0.0).to(tl.float32)  # [BK, BH]
        dft = tl.load(dfull_ptr + nh, mask=in_nh, other=0.0)  # [BN, BH]
        acc += tl.dot(dft, tl.trans(wt), input_precision="ieee")
        for i in tl.static_range(NM):
            dgt = tl.load(dg_ptr + i * N * H + nh, mask=in_nh, other=0.0)
            mt = tl.load(m_ptr + i * K * H + kh, mask=in_kh, other=0.0).to(tl.float32)
            acc += tl.dot(dgt, tl.trans(wt * mt), input_precision="ieee")
    tl.store(dx_ptr + rn[:, None] * K + rk[None, :], acc, mask=(rn[:, None] < N) & (rk[None, :] < K))


@triton.jit
def _bwd_dw(
    x_ptr,
    dfull_ptr,
    dg_ptr,
    w_ptr,
    m_ptr,
    dw_ptr,
    dm_ptr,
    N,
    K,
    H,
    NM: tl.constexpr,
    BK: tl.constexpr,
    BH: tl.constexpr,
    BN: tl.constexpr,
):
    rk = tl.program_id(0) * BK + tl.arange(0, BK)
    rh = tl.program_id(1) * BH + tl.arange(0, BH)
    rn0 = tl.arange(0, BN)
    kh = rk[:, None] * H + rh[None, :]
    in_kh = (rk[:, None] < K) & (rh[None, :] < H)
    wt = tl.load(w_ptr + kh, mask=in_kh, other=0.0).to(tl.float32)
    dw = tl.zeros((BK, BH), dtype=tl.float32)
    for n0 in range(0, N, BN):
        rn = n0 + rn0
        xt = tl.load(x_ptr + rn[:, None] * K + rk[None, :], mask=(rn[:, None] < N) & (rk[None, :] < K), other=0.0).to(
            tl.float32
        )  # [BN, BK]
        dft = tl.load(
            dfull_ptr + rn[:, None] * H + rh[None, :], mask=(rn[:, None] < N) & (rh[None, :] < H), other=0.0
        )  # [BN, BH]
        dw += tl.dot(tl.trans(xt), dft, input_precision="ieee")
    for i in tl.static_range(NM):
        a = tl.zeros((BK, BH), dtype=tl.float32)
        for n0 in range(0, N, BN):
            rn = n0 + rn0
            xt = tl.load(
                x_ptr + rn[:, None] * K + rk[None, :], mask=(rn[:, None] < N) & (rk[None, :] < K), other=0.0
            ).to(tl.float32)
            dgt = tl.load(
                dg_ptr + i * N * H + rn[:, None] * H + rh[None, :],
                mask=(rn[:, None] < N) & (rh[None, :] < H),
                other=0.0,
            )
            a += tl.dot(tl.trans(xt), dgt, input_precision="ieee")
        mt = tl.load(m_ptr + i * K * H + kh, mask=in_kh, other=0.0).to(tl.float32)
        dw += a * mt
        tl.store(dm_ptr + i * K * H + kh, a * wt, mask=in_kh)
    tl.store(dw_ptr + kh, dw, mask=in_kh)
