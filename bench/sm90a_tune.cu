// Times schedules of the sm_90a attention mainloop (native/src/hopper/attention_fwd_sm90.cuh)
// against each other on dense attention, so that the default Sm90Schedule is chosen by
// measurement: stages, ping-pong between the consumer warpgroups, intra-warpgroup overlap, keys
// per stage, persistent CTAs, exponentials moved to the FMA pipe.
//
// Built on the CPU machine (bench/build-sm90a-tune.sh) and run on the GPU one, which has no
// .NET: a plain CUDA program. Each schedule is first checked against a naive fp32 reference on a
// shape of 4 heads x 8000 tokens (max |err| ≤ 2e-2 in bf16, the tolerance of compare_torch.py), then timed
// with CUDA events after warm-up, median of 10; FLOPs 4·H·N²·D, halved when causal.
//
//     sm90a_tune [seq ...] [--normal] [--library libminference.so]
//         (default 8192 32768; 32 heads, batch 1, bf16; uniform operands unless --normal)
#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "../native/include/minference.h"
#include "../native/src/dense/dense_policy.cuh"
#include "../native/src/hopper/attention_fwd_sm90.cuh"

namespace {

using mi::attention::AttentionFwdParams;
using Element = __nv_bfloat16;

#define CHECK(call)                                                                           \
  do {                                                                                        \
    const cudaError_t err_ = (call);                                                          \
    if (err_ != cudaSuccess) {                                                                \
      std::fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(err_)); \
      std::exit(1);                                                                           \
    }                                                                                         \
  } while (0)

template <int kStages_, bool kPingPong_, bool kOverlap_, int kBlockN_ = 128, bool kPersistent_ = false, int kFmaExpPerFour_ = 0>
struct Schedule {
  static constexpr int kFmaExpPerFour = kFmaExpPerFour_;
  static constexpr bool kPersistent = kPersistent_;
  static constexpr int kBlockN = kBlockN_;
  static constexpr int kStages = kStages_;
  static constexpr bool kPingPong = kPingPong_;
  static constexpr bool kOverlap = kOverlap_;
};

// One thread per (head, query row): the fp32 softmax of its row, then O. Small shapes only.
__global__ void reference_kernel(const Element* q, const Element* k, const Element* v, float* o, int heads, int n, int d,
                                 bool causal, float scale) {
  const int row = blockIdx.x * blockDim.x + threadIdx.x;
  const int head = blockIdx.y;
  if (row >= n) return;
  const size_t base = static_cast<size_t>(head) * n * d;
  const int end = causal ? row + 1 : n;
  float max_score = -INFINITY;
  for (int j = 0; j < end; ++j) {
    float s = 0.f;
    for (int c = 0; c < d; ++c) s += __bfloat162float(q[base + size_t(row) * d + c]) * __bfloat162float(k[base + size_t(j) * d + c]);
    max_score = fmaxf(max_score, s * scale);
  }
  float sum = 0.f;
  float* out = o + base + size_t(row) * d;
  for (int c = 0; c < d; ++c) out[c] = 0.f;
  for (int j = 0; j < end; ++j) {
    float s = 0.f;
    for (int c = 0; c < d; ++c) s += __bfloat162float(q[base + size_t(row) * d + c]) * __bfloat162float(k[base + size_t(j) * d + c]);
    const float w = expf(s * scale - max_score);
    sum += w;
    for (int c = 0; c < d; ++c) out[c] += w * __bfloat162float(v[base + size_t(j) * d + c]);
  }
  for (int c = 0; c < d; ++c) out[c] /= sum;
}

__device__ float hash_uniform(size_t i, uint32_t seed) {  // in (0, 1]
  uint32_t h = static_cast<uint32_t>(i) * 2654435761u ^ seed;
  h ^= h >> 15;
  h *= 2246822519u;
  h ^= h >> 13;
  return ((h & 0xFFFFFF) + 1) / float(0x1000000);
}

// Uniform in [-1, 1), or standard normal (Box-Muller; PyTorch's randn, as compare_torch.py uses).
__global__ void fill_kernel(Element* x, size_t count, uint32_t seed, bool normal) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < count; i += size_t(gridDim.x) * blockDim.x) {
    const float u = hash_uniform(i, seed);
    const float value = normal ? sqrtf(-2.f * logf(u)) * cospif(2.f * hash_uniform(i, seed ^ 0x9e3779b9u)) : 2.f * u - 1.f;
    x[i] = __float2bfloat16(value);
  }
}

int g_multiprocessors = 0;  // of device 0, for the persistent schedules' grids
bool g_normal = false;      // --normal: standard normal operands instead of uniform ones

// --library PATH: libminference.so, whose mi_attention_dense_fwd is timed on the default
// schedule's operands beside the kernel launched here (with MINFERENCE_MAINLOOP=sm90a the two
// run the same kernel: any difference is the entry point's own cost).
using DenseFwd = mi_status (*)(const mi_dense_attention_args*, mi_stream);
DenseFwd g_library_dense = nullptr;

struct Operands {
  Element *q = nullptr, *k = nullptr, *v = nullptr, *o = nullptr;
  AttentionFwdParams params{};
  mi::hopper::TmaMaps maps{};
  int heads = 0, n = 0, d = 0;
};

Operands make_operands(int heads, int n, int d) {
  Operands x;
  x.heads = heads, x.n = n, x.d = d;
  const size_t count = size_t(heads) * n * d;
  for (Element** p : {&x.q, &x.k, &x.v, &x.o}) CHECK(cudaMalloc(p, count * sizeof(Element)));
  fill_kernel<<<1024, 256>>>(x.q, count, 1, g_normal);
  fill_kernel<<<1024, 256>>>(x.k, count, 2, g_normal);
  fill_kernel<<<1024, 256>>>(x.v, count, 3, g_normal);
  CHECK(cudaGetLastError());
  AttentionFwdParams& p = x.params;
  p.q = x.q, p.k = x.k, p.v = x.v, p.o = x.o, p.lse = nullptr;
  const AttentionFwdParams::RowStrides bhsd{int64_t(heads) * n * d, int64_t(n) * d, d};
  p.q_strides = p.k_strides = p.v_strides = p.o_strides = bhsd;
  p.batch = 1, p.q_heads = heads, p.q_heads_per_kv_head = 1, p.q_len = n, p.kv_len = n;
  p.scale = 1.f / std::sqrt(float(d));
  p.scale_log2 = p.scale * 1.4426950408889634f;
  return x;
}

void free_operands(Operands& x) {
  for (Element* p : {x.q, x.k, x.v, x.o}) cudaFree(p);
}

// Median ms of `iterations` runs of `run` (CUDA events around each, after 3 warm-up runs); with
// iterations 0, runs it 3 times untimed and returns 0.
template <typename Run>
float median_ms(Run&& run, int iterations) {
  std::vector<float> times;
  cudaEvent_t start, stop;
  CHECK(cudaEventCreate(&start));
  CHECK(cudaEventCreate(&stop));
  for (int i = 0; i < iterations + 3; ++i) {
    CHECK(cudaEventRecord(start));
    run();
    CHECK(cudaEventRecord(stop));
    CHECK(cudaEventSynchronize(stop));
    CHECK(cudaGetLastError());
    float ms = 0.f;
    CHECK(cudaEventElapsedTime(&ms, start, stop));
    if (i >= 3) times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  if (times.empty()) return 0.f;
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

// Median ms of `iterations` calls of the library's dense entry point on x (after 3 warm-up calls).
float library_ms(const Operands& x, bool causal, int iterations) {
  mi_dense_attention_args args{};
  args.dtype = MI_DTYPE_BFLOAT16;
  args.batch = 1, args.q_heads = x.heads, args.kv_heads = x.heads, args.q_len = x.n, args.kv_len = x.n, args.head_dim = x.d;
  const int64_t strides[4] = {int64_t(x.heads) * x.n * x.d, int64_t(x.n) * x.d, x.d, 1};
  for (mi_tensor4* t : {&args.q, &args.k, &args.v, &args.o})
    for (int i = 0; i < 4; ++i) t->stride[i] = strides[i];
  args.q.data = x.q, args.k.data = x.k, args.v.data = x.v, args.o.data = x.o;
  args.causal = causal ? 1 : 0;
  return median_ms(
      [&] {
        if (g_library_dense(&args, nullptr) != MI_OK) {
          std::fprintf(stderr, "mi_attention_dense_fwd failed\n");
          std::exit(1);
        }
      },
      iterations);
}

template <int kHeadDim, typename S, bool kCausal>
float launch(const Operands& x, int iterations) {
  using Sm90 = mi::hopper::Sm90Traits<kHeadDim, Element, false, S>;
  using Tiles = mi::dense::DenseTiles<kCausal>;
  // TMA where the mainloop can use it (head_dim 96 takes the cp.async producer), as the library does.
  const auto kernel = mi::hopper::attention_fwd_sm90_kernel<Sm90, Tiles, Sm90::kTmaCopies>;
  CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Sm90::kSmemBytes));
  mi::hopper::TmaMaps maps{};
  if (Sm90::kTmaCopies && !mi::hopper::make_tma_maps(x.params, kHeadDim, true, Sm90::kBlockM, Sm90::kBlockN, &maps)) {
    std::fprintf(stderr, "no TMA maps\n");
    std::exit(1);
  }
  const dim3 grid = mi::hopper::sm90_grid<Sm90>(x.params, x.heads, g_multiprocessors);
  const typename Tiles::Params tiles{};
  return median_ms([&] { kernel<<<grid, Sm90::kThreads, Sm90::kSmemBytes>>>(x.params, tiles, maps, x.heads); }, iterations);
}

// Max |O − reference| on a shape with n not a multiple of the tiles and about two query tiles per
// multiprocessor (so a persistent CTA walks several).
template <int kHeadDim, typename S, bool kCausal>
float check() {
  Operands x = make_operands(4, 8000, kHeadDim);
  launch<kHeadDim, S, kCausal>(x, 0);
  CHECK(cudaDeviceSynchronize());
  const size_t count = size_t(x.heads) * x.n * x.d;
  float* ref = nullptr;
  CHECK(cudaMalloc(&ref, count * sizeof(float)));
  reference_kernel<<<dim3((x.n + 127) / 128, x.heads), 128>>>(x.q, x.k, x.v, ref, x.heads, x.n, x.d, kCausal, x.params.scale);
  CHECK(cudaGetLastError());
  std::vector<float> expected(count);
  std::vector<Element> actual(count);
  CHECK(cudaMemcpy(expected.data(), ref, count * sizeof(float), cudaMemcpyDeviceToHost));
  CHECK(cudaMemcpy(actual.data(), x.o, count * sizeof(Element), cudaMemcpyDeviceToHost));
  float worst = 0.f;
  for (size_t i = 0; i < count; ++i) {
    const float e = std::fabs(__bfloat162float(actual[i]) - expected[i]);
    worst = std::isnan(e) ? INFINITY : std::max(worst, e);
  }
  cudaFree(ref);
  free_operands(x);
  return worst;
}

template <int kHeadDim, typename S>
void run_schedule(const char* name, const std::vector<int>& seqs, const char* device) {
  for (const bool causal : {true, false}) {
    const float err = causal ? check<kHeadDim, S, true>() : check<kHeadDim, S, false>();
    for (const int n : seqs) {
      Operands x = make_operands(32, n, kHeadDim);
      const float ms = causal ? launch<kHeadDim, S, true>(x, 10) : launch<kHeadDim, S, false>(x, 10);
      const bool library = g_library_dense != nullptr && std::strcmp(name, "default") == 0;
      const float library_time = library ? library_ms(x, causal, 10) : 0.f;
      free_operands(x);
      const double flops = 4.0 * 32 * double(n) * n * kHeadDim / (causal ? 2 : 1);
      const auto row = [&](const char* schedule, float time) {
        std::printf("{\"schedule\": \"%s\", \"head_dim\": %d, \"causal\": %s, \"seq\": %d, \"heads\": 32, \"data\": \"%s\", "
                    "\"ms\": %.4f, \"tflops\": %.1f, \"check_max_abs\": %.3e, \"ok\": %s, \"device\": \"%s\"}\n",
                    schedule, kHeadDim, causal ? "true" : "false", n, g_normal ? "normal" : "uniform", time, flops / time / 1e9, err,
                    err <= 2e-2f ? "true" : "false", device);
      };
      row(name, ms);
      if (library) row("library", library_time);
      std::fflush(stdout);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> seqs;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--normal") == 0) {
      g_normal = true;
    } else if (std::strcmp(argv[i], "--library") == 0 && i + 1 < argc) {
      void* library = dlopen(argv[++i], RTLD_NOW | RTLD_LOCAL);
      if (library == nullptr) {
        std::fprintf(stderr, "cannot load %s: %s\n", argv[i], dlerror());
        return 1;
      }
      g_library_dense = reinterpret_cast<DenseFwd>(dlsym(library, "mi_attention_dense_fwd"));
      if (g_library_dense == nullptr) {
        std::fprintf(stderr, "%s has no mi_attention_dense_fwd\n", argv[i]);
        return 1;
      }
    } else {
      seqs.push_back(std::atoi(argv[i]));
    }
  }
  if (seqs.empty()) seqs = {8192, 32768};
  cudaDeviceProp prop{};
  CHECK(cudaGetDeviceProperties(&prop, 0));
  g_multiprocessors = prop.multiProcessorCount;
  // name; stages, ping-pong, overlap, keys per stage. The defaults (Sm90Schedule) first.
  run_schedule<128, mi::hopper::Sm90Schedule<128, false>>("default", seqs, prop.name);
  run_schedule<128, Schedule<2, false, true, 128, true>>("s2-overlap-persistent", seqs, prop.name);
  run_schedule<128, Schedule<2, true, false, 128, true>>("s2-pingpong-persistent", seqs, prop.name);
  run_schedule<128, Schedule<2, false, true, 128, false, 1>>("s2-overlap-fmaexp1of4", seqs, prop.name);
  run_schedule<128, Schedule<2, false, true, 176>>("s2-overlap-n176", seqs, prop.name);
  run_schedule<128, Schedule<2, true, false, 176>>("s2-pingpong-n176", seqs, prop.name);
  run_schedule<128, Schedule<2, true, true, 176>>("s2-pingpong-overlap-n176", seqs, prop.name);
  run_schedule<64, mi::hopper::Sm90Schedule<64, false>>("default", seqs, prop.name);
  run_schedule<64, Schedule<2, true, false, 128, true>>("s2-pingpong-persistent", seqs, prop.name);
  run_schedule<64, Schedule<2, true, false, 128, false, 1>>("s2-pingpong-fmaexp1of4", seqs, prop.name);
  run_schedule<64, Schedule<2, true, false, 128, false, 2>>("s2-pingpong-fmaexp2of4", seqs, prop.name);
  run_schedule<64, Schedule<2, true, false, 192>>("s2-pingpong-n192", seqs, prop.name);
  run_schedule<64, Schedule<2, false, true, 192>>("s2-overlap-n192", seqs, prop.name);
  run_schedule<64, Schedule<3, true, false, 192>>("s3-pingpong-n192", seqs, prop.name);
  run_schedule<96, mi::hopper::Sm90Schedule<96, false>>("default", seqs, prop.name);
  run_schedule<96, Schedule<2, false, true>>("s2-overlap", seqs, prop.name);
  return 0;
}
