// Hopper (sm_90a) building blocks of the attention mainloop, as thin inline-PTX wrappers:
// mbarriers (the producer/consumer pipeline), the async-proxy fence, warpgroup MMAs (wgmma) with
// their shared-memory matrix descriptors, and register reallocation between warpgroups.
// Compiled only into the sm_90a object library (native/src/hopper/).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace mi::hopper {

__device__ __forceinline__ uint32_t smem_u32(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// ---- mbarriers --------------------------------------------------------------------------------

__device__ __forceinline__ void barrier_init(uint64_t* bar, uint32_t count) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(smem_u32(bar)), "r"(count));
}

__device__ __forceinline__ void barrier_arrive(uint64_t* bar) {
  asm volatile("{\n.reg .b64 state;\nmbarrier.arrive.shared::cta.b64 state, [%0];\n}\n" ::"r"(smem_u32(bar))
               : "memory");
}

// Orders the mbarrier.init of this thread before later arrivals and transaction counts from any
// proxy (TMA signals through the async proxy).
__device__ __forceinline__ void fence_barrier_init() {
  asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
}

// One arrival that also announces `bytes` of bulk copies (TMA) the phase must wait for.
__device__ __forceinline__ void barrier_arrive_expect(uint64_t* bar, uint32_t bytes) {
  asm volatile("{\n.reg .b64 state;\nmbarrier.arrive.expect_tx.shared::cta.b64 state, [%0], %1;\n}\n" ::"r"(smem_u32(bar)),
               "r"(bytes)
               : "memory");
}

// A TMA tile copy of a 4-D tensor map's box at (c0, c1, c2, c3) into shared memory, counted
// against `bar`'s expected bytes. The map lives in kernel parameter space (__grid_constant__).
__device__ __forceinline__ void tma_load_4d(uint32_t dst, const void* map, int c0, int c1, int c2, int c3, uint64_t* bar) {
  asm volatile(
      "cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes [%0], [%1, {%2, %3, %4, %5}], [%6];\n" ::"r"(dst),
      "l"(reinterpret_cast<uint64_t>(map)), "r"(c0), "r"(c1), "r"(c2), "r"(c3), "r"(smem_u32(bar))
      : "memory");
}

// Waits until the barrier's phase with this parity has completed (a fresh barrier counts its
// "previous" phase, parity 1, as complete, so a producer's first wait on an empty slot passes).
__device__ __forceinline__ void barrier_wait(uint64_t* bar, uint32_t parity) {
  asm volatile(
      "{\n.reg .pred done;\n"
      "WAIT:\n"
      "mbarrier.try_wait.parity.shared::cta.b64 done, [%0], %1;\n"
      "@!done bra WAIT;\n}\n" ::"r"(smem_u32(bar)),
      "r"(parity)
      : "memory");
}

// Generic-proxy writes (cp.async, st.shared) made visible to the async proxy (wgmma reads).
__device__ __forceinline__ void fence_async_shared() {
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
}

// ---- named barriers (ids 1..15; 0 is __syncthreads) ----------------------------------------------

template <int kId, int kThreads>
__device__ __forceinline__ void named_barrier_sync() {
  asm volatile("bar.sync %0, %1;\n" ::"n"(kId), "n"(kThreads) : "memory");
}

template <int kId, int kThreads>
__device__ __forceinline__ void named_barrier_arrive() {
  asm volatile("bar.arrive %0, %1;\n" ::"n"(kId), "n"(kThreads) : "memory");
}

// ---- register reallocation ----------------------------------------------------------------------

template <uint32_t kRegisters>
__device__ __forceinline__ void release_registers() {
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(kRegisters));
}

template <uint32_t kRegisters>
__device__ __forceinline__ void claim_registers() {
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(kRegisters));
}

// ---- exp2 on the FMA pipe ------------------------------------------------------------------------

// 2^x for x ≤ 0 (a softmax exponent) without the MUFU unit, whose 16 results per clock and SM are
// what bounds attention's softmax at small head_dim: n = round(x) by the 1.5·2^23 shift (n lands in
// the low mantissa bits), 2^(x − n) on [−0.5, 0.5] by a degree-3 minimax polynomial (relative error
// 7.5e-5, under the 16-bit P it feeds), and n added to the exponent field. Below −126 it returns 0,
// as ex2.approx.ftz does (−inf included), so masked entries stay exactly 0.
__device__ __forceinline__ float exp2_on_fma(float x) {
  constexpr float kShift = 12582912.f;  // 1.5 · 2^23
  const float clamped = fmaxf(x, -127.f);
  const float shifted = clamped + kShift;
  const float f = clamped - (shifted - kShift);
  const float p = fmaf(fmaf(fmaf(0.0551716691f, f, 0.242611122f), f, 0.693260985f), f, 0.999928074f);
  const float scaled = __int_as_float(__float_as_int(p) + (__float_as_int(shifted) << 23));
  return x < -126.f ? 0.f : scaled;
}

// ---- warpgroup MMAs -----------------------------------------------------------------------------

__device__ __forceinline__ void wgmma_fence() { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
__device__ __forceinline__ void wgmma_commit() { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
template <int kPending>
__device__ __forceinline__ void wgmma_wait() {
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(kPending) : "memory");
}

// Keeps the compiler from moving accumulator reads or writes across an asynchronous MMA.
template <int kCount>
__device__ __forceinline__ void pin(float (&d)[kCount]) {
#pragma unroll
  for (int i = 0; i < kCount; ++i) asm volatile("" : "+f"(d[i])::"memory");
}

// Keeps register A operands alive until the MMA that reads them has completed: without it the
// compiler sees them dead once the wgmma is issued and may reuse their registers meanwhile.
template <int kSteps>
__device__ __forceinline__ void pin(uint32_t (&a)[kSteps][4]) {
#pragma unroll
  for (int i = 0; i < kSteps; ++i)
#pragma unroll
    for (int j = 0; j < 4; ++j) asm volatile("" : "+r"(a[i][j])::"memory");
}

// A shared-memory matrix descriptor for the 128-byte swizzle: bits 0-13 the start address / 16,
// 16-29 the leading byte offset / 16, 32-45 the stride byte offset / 16, 62-63 the mode (1).
// Tiles here are stored as 128-byte rows (64 elements of 16 bits) in 1024-byte groups of 8 rows,
// the 16-byte chunk c of row r at chunk c ^ (r mod 8); a head dimension over 64 is split into
// 64-element column blocks stored one after another.
//   K-major operands (Q, K: the reduction dimension contiguous): stride 1024 (one 8-row group to
//   the next); the leading offset is unused (a k16 slice never crosses its 128-byte row), and the
//   k-th slice starts 32 bytes further within the row.
//   N-major operands (V: rows are the reduction dimension, columns the output's): stride 1024
//   (8 reduction rows to the next 8), leading offset = one 64-column block to the next.
__device__ __forceinline__ uint64_t descriptor(uint32_t address, uint32_t leading_bytes, uint32_t stride_bytes) {
  return static_cast<uint64_t>((address & 0x3FFFF) >> 4) | (static_cast<uint64_t>(leading_bytes >> 4) << 16) |
         (static_cast<uint64_t>(stride_bytes >> 4) << 32) | (uint64_t{1} << 62);
}

// Byte offset of (row, 16-byte chunk) in a tile of `rows` rows stored as above.
__device__ __forceinline__ uint32_t swizzled_offset(int rows, int row, int chunk) {
  return static_cast<uint32_t>((chunk / 8) * rows * 128 + row * 128 + (((chunk % 8) ^ (row % 8)) * 16));
}

template <int kN, typename Element>
struct Wgmma;

// The accumulator operand lists of m64n32 (16 registers a thread), m64n64 (32), m64n96 (48), m64n128 (64),
// m64n176 (88) and m64n192 (96).
#define MI_WGMMA_OUTS_16 "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15"
#define MI_WGMMA_CONS_16 "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15])
#define MI_WGMMA_OUTS_32 "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31"
#define MI_WGMMA_CONS_32 "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
#define MI_WGMMA_OUTS_48 "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47"
#define MI_WGMMA_CONS_48 "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47])
#define MI_WGMMA_OUTS_64 "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63"
#define MI_WGMMA_CONS_64 "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
#define MI_WGMMA_OUTS_88 "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, %80, %81, %82, %83, %84, %85, %86, %87"
#define MI_WGMMA_CONS_88 "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87])
#define MI_WGMMA_OUTS_96 "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, %64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, %80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95"
#define MI_WGMMA_CONS_96 "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]), "+f"(d[64]), "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]), "+f"(d[72]), "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]), "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]), "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95])

// Wgmma<N, Element>: D[64 x N] (+)= A[64 x 16] · B[16 x N] for one warpgroup, fp32 accumulators.
//   ss: A and B from shared memory (K-major descriptors); accumulate = 0 overwrites D (the scale-d
//       predicate: no mov touches the accumulators between fence and wait);
//   rs: A from registers (the m64k16 fragment), B from shared memory stored N-major (imm-trans-b = 1:
//       V's rows are keys, its columns head dimensions);
//   rs_k: A from registers, B K-major as in ss (Q·Kᵀ with Q held in registers); accumulate as ss.
// Operand numbers: the REGS accumulators first, then the inputs in order.
#define MI_WGMMA(N, REGS, ELEMENT, PTX_TYPE, A_DESC, B_DESC, SCALE, A0, RS_B, RS_SCALE)                                   \
  template <>                                                                                                              \
  struct Wgmma<N, ELEMENT> {                                                                                               \
    __device__ __forceinline__ static void ss(float (&d)[REGS], uint64_t desc_a, uint64_t desc_b, int accumulate) {        \
      asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, " SCALE ", 0;\n"                                                   \
                   "wgmma.mma_async.sync.aligned.m64n" #N "k16.f32." PTX_TYPE "." PTX_TYPE " "                             \
                   "{" MI_WGMMA_OUTS_##REGS "}, " A_DESC ", " B_DESC ", p, 1, 1, 0, 0;\n}\n"                              \
                   : MI_WGMMA_CONS_##REGS                                                                                  \
                   : "l"(desc_a), "l"(desc_b), "r"(accumulate));                                                           \
    }                                                                                                                      \
    __device__ __forceinline__ static void rs(float (&d)[REGS], const uint32_t (&a)[4], uint64_t desc_b) {                  \
      asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, " RS_SCALE ", 0;\n"                                                \
                   "wgmma.mma_async.sync.aligned.m64n" #N "k16.f32." PTX_TYPE "." PTX_TYPE " "                             \
                   "{" MI_WGMMA_OUTS_##REGS "}, " A0 ", " RS_B ", p, 1, 1, 1;\n}\n"                                      \
                   : MI_WGMMA_CONS_##REGS                                                                                  \
                   : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc_b), "r"(1));                                   \
    }                                                                                                                      \
    __device__ __forceinline__ static void rs_k(float (&d)[REGS], const uint32_t (&a)[4], uint64_t desc_b, int accumulate) { \
      asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, " RS_SCALE ", 0;\n"                                                \
                   "wgmma.mma_async.sync.aligned.m64n" #N "k16.f32." PTX_TYPE "." PTX_TYPE " "                             \
                   "{" MI_WGMMA_OUTS_##REGS "}, " A0 ", " RS_B ", p, 1, 1, 0;\n}\n"                                      \
                   : MI_WGMMA_CONS_##REGS                                                                                  \
                   : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc_b), "r"(accumulate));                          \
    }                                                                                                                      \
  };

MI_WGMMA(32, 16, __nv_bfloat16, "bf16", "%16", "%17", "%18", "{%16, %17, %18, %19}", "%20", "%21")
MI_WGMMA(32, 16, __half, "f16", "%16", "%17", "%18", "{%16, %17, %18, %19}", "%20", "%21")
MI_WGMMA(64, 32, __nv_bfloat16, "bf16", "%32", "%33", "%34", "{%32, %33, %34, %35}", "%36", "%37")
MI_WGMMA(64, 32, __half, "f16", "%32", "%33", "%34", "{%32, %33, %34, %35}", "%36", "%37")
MI_WGMMA(96, 48, __nv_bfloat16, "bf16", "%48", "%49", "%50", "{%48, %49, %50, %51}", "%52", "%53")
MI_WGMMA(96, 48, __half, "f16", "%48", "%49", "%50", "{%48, %49, %50, %51}", "%52", "%53")
MI_WGMMA(128, 64, __nv_bfloat16, "bf16", "%64", "%65", "%66", "{%64, %65, %66, %67}", "%68", "%69")
MI_WGMMA(128, 64, __half, "f16", "%64", "%65", "%66", "{%64, %65, %66, %67}", "%68", "%69")
MI_WGMMA(176, 88, __nv_bfloat16, "bf16", "%88", "%89", "%90", "{%88, %89, %90, %91}", "%92", "%93")
MI_WGMMA(176, 88, __half, "f16", "%88", "%89", "%90", "{%88, %89, %90, %91}", "%92", "%93")
MI_WGMMA(192, 96, __nv_bfloat16, "bf16", "%96", "%97", "%98", "{%96, %97, %98, %99}", "%100", "%101")
MI_WGMMA(192, 96, __half, "f16", "%96", "%97", "%98", "{%96, %97, %98, %99}", "%100", "%101")

#undef MI_WGMMA
#undef MI_WGMMA_OUTS_16
#undef MI_WGMMA_CONS_16
#undef MI_WGMMA_OUTS_32
#undef MI_WGMMA_CONS_32
#undef MI_WGMMA_OUTS_48
#undef MI_WGMMA_CONS_48
#undef MI_WGMMA_OUTS_64
#undef MI_WGMMA_CONS_64
#undef MI_WGMMA_OUTS_88
#undef MI_WGMMA_CONS_88
#undef MI_WGMMA_OUTS_96
#undef MI_WGMMA_CONS_96

}  // namespace mi::hopper
