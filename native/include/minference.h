/*
 * minference.h — the whole C ABI of libminference.
 *
 * Conventions (every function):
 *   - returns an mi_status; MI_OK is 0. On failure, mi_last_error() returns a message for the
 *     calling thread that names the argument, the value and what was expected.
 *   - device memory is passed as raw device pointers; sizes and strides are int64 element counts.
 *   - the caller owns streams, buffers and workspace. Entry points marked "async" enqueue work on
 *     the caller's stream and return without synchronising; nothing on those paths allocates.
 *   - arguments are validated before anything is launched or written: on a non-OK status no
 *     output has been touched.
 */
#ifndef MINFERENCE_H_
#define MINFERENCE_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  if defined(MI_BUILDING_LIBRARY)
#    define MI_API __declspec(dllexport)
#  else
#    define MI_API __declspec(dllimport)
#  endif
#else
#  define MI_API __attribute__((visibility("default")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define MI_NODISCARD __attribute__((warn_unused_result))
#else
#  define MI_NODISCARD
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a signature or struct layout below changes; bindings refuse a mismatch. */
#define MI_ABI_VERSION 6

typedef enum mi_status {
  MI_OK = 0,
  MI_ERR_INVALID_ARGUMENT = 1,   /* bad shape, stride, pointer, alignment or value */
  MI_ERR_UNSUPPORTED = 2,        /* valid request this build does not implement (e.g. head_dim 80) */
  MI_ERR_NO_DEVICE = 3,          /* no CUDA driver or no CUDA device */
  MI_ERR_UNSUPPORTED_DEVICE = 4, /* device too old for the compiled kernels (needs sm_80+) */
  MI_ERR_OUT_OF_MEMORY = 5,      /* cudaMalloc failed */
  MI_ERR_CUDA = 6,               /* any other CUDA runtime error; message carries CUDA's text */
  MI_ERR_INTERNAL = 7            /* a bug in this library */
} mi_status;

typedef enum mi_dtype {
  MI_DTYPE_FLOAT16 = 0,
  MI_DTYPE_BFLOAT16 = 1,
  MI_DTYPE_FLOAT32 = 2,
  MI_DTYPE_UINT8 = 3,  /* codes of quantized caches; no attention kernel takes it */
  MI_DTYPE_INT32 = 4   /* indices; no attention kernel takes it */
} mi_dtype;

/* Bytes per element of `dtype` (0 for a value outside the enum). */
MI_API int32_t mi_dtype_size(mi_dtype dtype);

/* A CUDA stream (cudaStream_t). NULL means the legacy default stream. */
typedef struct mi_stream_st* mi_stream;
/* A CUDA event (cudaEvent_t) created with timing enabled. */
typedef struct mi_event_st* mi_event;

/* ---- errors and build information ------------------------------------------------------------ */

/* Message of the last failed call on this thread ("" if none). Library-owned, valid until the next
 * mi_* call on the same thread. Never NULL. */
MI_API const char* mi_last_error(void);
MI_API int32_t mi_abi_version(void);
/* Library version, e.g. "0.1.0". Static storage. */
MI_API const char* mi_version(void);
/* Compiled GPU targets, e.g. "sm_80;sm_90a". Static storage. */
MI_API const char* mi_compiled_archs(void);
/* CUDA toolkit the library was compiled with, as major*1000 + minor*10 (e.g. 13000). */
MI_API int32_t mi_cuda_compile_version(void);

/* ---- devices --------------------------------------------------------------------------------- */

typedef struct mi_device_info {
  char name[256];             /* NUL-terminated */
  int32_t ordinal;
  int32_t compute_major;
  int32_t compute_minor;
  int32_t multiprocessor_count;
  int64_t total_memory_bytes;
  int64_t shared_memory_per_block_optin; /* bytes */
  int32_t driver_version;     /* e.g. 13000 */
  int32_t runtime_version;    /* e.g. 13000 */
} mi_device_info;

/* Number of CUDA devices. With no driver or no device: *count = 0 and MI_ERR_NO_DEVICE, with the
 * reason in mi_last_error(). Never crashes on a machine without a GPU. */
MI_API MI_NODISCARD mi_status mi_device_count(int32_t* count);
MI_API MI_NODISCARD mi_status mi_device_get_info(int32_t ordinal, mi_device_info* info);
/* The attention mainloop the dense kernels take on `ordinal`: MI_MAINLOOP_SM90A on compute
 * capability 9.0 in a build with sm_90a code (unless MINFERENCE_MAINLOOP=sm80), else
 * MI_MAINLOOP_SM80; patterns not yet ported to the sm_90a mainloop take the sm_80 one anyway.
 * Benchmarks record it beside their figures. */
#define MI_MAINLOOP_SM80 80
#define MI_MAINLOOP_SM90A 90
MI_API MI_NODISCARD mi_status mi_attention_mainloop(int32_t ordinal, int32_t* mainloop);
/* Makes `ordinal` the current device of the calling host thread (cudaSetDevice). */
MI_API MI_NODISCARD mi_status mi_device_set(int32_t ordinal);
MI_API MI_NODISCARD mi_status mi_device_synchronize(void);

/* ---- memory (current device) ----------------------------------------------------------------- */

/* Allocates `bytes` (> 0) of device memory, 256-byte aligned. */
MI_API MI_NODISCARD mi_status mi_malloc(void** device_ptr, int64_t bytes);
/* Frees memory from mi_malloc. NULL is a no-op. */
MI_API MI_NODISCARD mi_status mi_free(void* device_ptr);
/* Host → device. Blocks until the copy is done: `host_src` may be released on return. */
MI_API MI_NODISCARD mi_status mi_memcpy_htod(void* device_dst, const void* host_src, int64_t bytes,
                                             mi_stream stream);
/* Device → host. Blocks until the copy is done. */
MI_API MI_NODISCARD mi_status mi_memcpy_dtoh(void* host_dst, const void* device_src, int64_t bytes,
                                             mi_stream stream);
/* Device → device, async on `stream`. */
MI_API MI_NODISCARD mi_status mi_memcpy_dtod(void* device_dst, const void* device_src, int64_t bytes,
                                             mi_stream stream);
/* Sets `bytes` bytes to `value` (0..255), async on `stream`. */
MI_API MI_NODISCARD mi_status mi_memset(void* device_ptr, int32_t value, int64_t bytes,
                                        mi_stream stream);

/* ---- streams and events ---------------------------------------------------------------------- */

MI_API MI_NODISCARD mi_status mi_stream_create(mi_stream* stream);
/* The stream priorities of the current device: *least (CUDA's default for new streams, e.g. 0)
 * and *greatest (e.g. -5); a numerically lower priority runs first when both have work ready. */
MI_API MI_NODISCARD mi_status mi_stream_priority_range(int32_t* least, int32_t* greatest);
/* A non-blocking stream with `priority`, which must lie in [greatest, least] of
 * mi_stream_priority_range (e.g. least for background encoding beside a greatest-priority stream). */
MI_API MI_NODISCARD mi_status mi_stream_create_with_priority(int32_t priority, mi_stream* stream);
MI_API MI_NODISCARD mi_status mi_stream_synchronize(mi_stream stream);
/* NULL is a no-op. */
MI_API MI_NODISCARD mi_status mi_stream_destroy(mi_stream stream);

MI_API MI_NODISCARD mi_status mi_event_create(mi_event* event);
MI_API MI_NODISCARD mi_status mi_event_record(mi_event event, mi_stream stream);
MI_API MI_NODISCARD mi_status mi_event_synchronize(mi_event event);
/* Work enqueued on `stream` after this call waits for `event`'s last record (async; a capture on
 * the event's stream extends to `stream`, which must rejoin it before the capture ends). */
MI_API MI_NODISCARD mi_status mi_stream_wait_event(mi_stream stream, mi_event event);
/* Milliseconds between two recorded, completed events. */
MI_API MI_NODISCARD mi_status mi_event_elapsed_ms(mi_event start, mi_event stop, float* ms);
/* NULL is a no-op. */
MI_API MI_NODISCARD mi_status mi_event_destroy(mi_event event);

/* ---- CUDA graphs ------------------------------------------------------------------------------
 * A layer whose launches neither allocate nor synchronise (a plan's run) can be captured once and
 * replayed: capture records the work enqueued on `stream` between begin and end without running
 * it; the capture is thread-local, so other threads' CUDA calls are unaffected, while a call on this
 * thread that is illegal during capture (an allocation, a synchronisation, a blocking copy) fails
 * and invalidates the capture. */

/* An instantiated, launchable graph (cudaGraphExec_t). */
typedef struct mi_graph_st* mi_graph;

MI_API MI_NODISCARD mi_status mi_stream_begin_capture(mi_stream stream);
/* *capturing = 1 while `stream` is being captured (by this library or by the caller), else 0. */
MI_API MI_NODISCARD mi_status mi_stream_is_capturing(mi_stream stream, int32_t* capturing);
/* Ends the capture begun on `stream` and instantiates it into *graph. If anything enqueued during
 * the capture failed, the capture is discarded and the first failure is reported. */
MI_API MI_NODISCARD mi_status mi_stream_end_capture(mi_stream stream, mi_graph* graph);
/* Enqueues one replay of `graph` on `stream` (async). */
MI_API MI_NODISCARD mi_status mi_graph_launch(mi_graph graph, mi_stream stream);
/* NULL is a no-op. */
MI_API MI_NODISCARD mi_status mi_graph_destroy(mi_graph graph);

/* Successful mi_malloc calls since the library was loaded (for tests: a plan's run must add none;
 * the library allocates device memory nowhere else). */
MI_API int64_t mi_allocation_count(void);

/* ---- dense attention ------------------------------------------------------------------------- */

/* A rank-4 attention operand in logical order [batch, heads, seq, head_dim]. Strides are in
 * elements, per logical dimension, so [batch, seq, heads, dim] memory is described by permuted
 * strides. The head_dim stride must be 1; the others must be multiples of 8 elements and `data`
 * 16-byte aligned (the kernels move 16-byte vectors). */
typedef struct mi_tensor4 {
  void* data;
  int64_t stride[4];
} mi_tensor4;

typedef struct mi_dense_attention_args {
  mi_dtype dtype;      /* MI_DTYPE_FLOAT16 or MI_DTYPE_BFLOAT16, same for q, k, v and o */
  int64_t batch;       /* >= 1 */
  int64_t q_heads;     /* >= 1, a multiple of kv_heads (GQA/MQA) */
  int64_t kv_heads;    /* >= 1 */
  int64_t q_len;       /* >= 1 */
  int64_t kv_len;      /* >= 1; causal requires q_len <= kv_len */
  int64_t head_dim;    /* one of mi_attention_head_dims (64, 96, 128) */
  mi_tensor4 q;        /* [batch, q_heads, q_len, head_dim] */
  mi_tensor4 k;        /* [batch, kv_heads, kv_len, head_dim] */
  mi_tensor4 v;        /* [batch, kv_heads, kv_len, head_dim] */
  mi_tensor4 o;        /* [batch, q_heads, q_len, head_dim], written */
  float* lse;          /* optional (NULL): fp32 [batch, q_heads, q_len] contiguous, natural-log
                          log-sum-exp of the scaled scores of each query row */
  float softmax_scale; /* > 0, or 0 for 1/sqrt(head_dim) */
  int32_t causal;      /* 0 or 1; the mask is aligned bottom-right: query i sees keys
                          j <= i + (kv_len - q_len) */
} mi_dense_attention_args;

/* O = softmax(scale · Q Kᵀ [+ causal mask]) V, fp32 accumulation. Async on `stream`. */
MI_API MI_NODISCARD mi_status mi_attention_dense_fwd(const mi_dense_attention_args* args,
                                                     mi_stream stream);

/* ---- decode (one query token per sequence over its KV cache) -------------------------------- */

typedef struct mi_dense_decode_args {
  mi_dtype dtype;          /* MI_DTYPE_FLOAT16 or MI_DTYPE_BFLOAT16: q, the caches and o */
  int64_t batch;           /* >= 1 sequences */
  int64_t q_heads;         /* >= 1, a multiple of kv_heads (GQA) */
  int64_t kv_heads;        /* >= 1 */
  int64_t head_dim;        /* one of mi_attention_head_dims */
  int64_t capacity;        /* >= 1: tokens each sequence's cache holds (the caches' seq extent) */
  int64_t max_len;         /* in [0, capacity], >= every seq_lens[b]: sizes the key ranges */
  mi_tensor4 q;            /* [batch, q_heads, 1, head_dim], rules as for dense */
  mi_tensor4 k;            /* [batch, kv_heads, capacity, head_dim] */
  mi_tensor4 v;            /* [batch, kv_heads, capacity, head_dim] */
  const int32_t* seq_lens; /* device [batch]: the tokens of sequence b, 0..max_len (0: o = 0, lse = -inf) */
  mi_tensor4 o;            /* [batch, q_heads, 1, head_dim], written */
  float* lse;              /* optional (NULL): fp32 [batch, q_heads], natural log */
  float softmax_scale;     /* > 0, or 0 for 1/sqrt(head_dim) */
  int32_t splits;          /* key ranges per (sequence, kv head), 1..1024, or 0 to let the library
                              choose from max_len and the device (the same choice for both calls) */
} mi_dense_decode_args;

/* Workspace bytes of mi_dense_decode for these arguments (validated as for the call). */
MI_API MI_NODISCARD mi_status mi_dense_decode_workspace_size(const mi_dense_decode_args* args,
                                                            int64_t* bytes);
/* Flash-decoding over a 16-bit cache: each (sequence, kv head) split into key ranges whose
 * partial outputs merge by log-sum-exp; fp32 softmax; bit-identical run to run. Async on `stream`;
 * launches only. */
MI_API MI_NODISCARD mi_status mi_dense_decode(const mi_dense_decode_args* args, void* workspace,
                                              int64_t workspace_bytes, mi_stream stream);

/* Product quantization (MILLION): 256 centroids per subspace, codes one byte each. */
#define MI_PQ_CENTROIDS 256

typedef struct mi_pq_encode_args {
  mi_dtype dtype;            /* MI_DTYPE_FLOAT16 or MI_DTYPE_BFLOAT16: the input vectors */
  int64_t batch;             /* >= 1 */
  int64_t kv_heads;          /* >= 1 */
  int64_t head_dim;          /* one of mi_attention_head_dims */
  int64_t subspaces;         /* M: 32 or 64, dividing head_dim */
  int64_t max_tokens;        /* >= 0: the most tokens of one sequence encoded (sizes the grid) */
  mi_tensor4 input;          /* [batch, kv_heads, max_tokens, head_dim]; head_dim stride 1 */
  const float* centroids;    /* fp32 [kv_heads, M, 256, head_dim / M] contiguous ([1, ...] if shared) */
  int32_t shared_codebook;   /* 0: one codebook per kv head; 1: one for all */
  uint8_t* codes;            /* [batch, kv_heads, capacity, M], written at rows offsets[b] + t */
  int64_t code_strides[3];   /* bytes per batch, kv head and token; the subspace stride is 1 */
  int64_t capacity;          /* >= 1 code rows per (sequence, kv head); rows past it are dropped */
  const int32_t* offsets;    /* device [batch] or NULL (0): the code row of each sequence's token 0 */
  const int32_t* counts;     /* device [batch] or NULL (max_tokens): tokens of each sequence, <= max_tokens */
} mi_pq_encode_args;

/* Nearest centroid per sub-vector (squared Euclidean distance in fp32, ties to the lowest index).
 * Async on `stream`; launches only. */
MI_API MI_NODISCARD mi_status mi_pq_encode(const mi_pq_encode_args* args, mi_stream stream);

typedef struct mi_pq_decode_args {
  mi_dtype dtype;              /* MI_DTYPE_FLOAT16 or MI_DTYPE_BFLOAT16: q, the window and o */
  int64_t batch;               /* >= 1 sequences */
  int64_t q_heads;             /* >= 1, a multiple of kv_heads */
  int64_t kv_heads;            /* >= 1 */
  int64_t head_dim;            /* one of mi_attention_head_dims */
  int64_t subspaces;           /* M: 32 or 64, dividing head_dim */
  int64_t capacity;            /* >= 1 code rows per (sequence, kv head) */
  int64_t window;              /* >= 1 window rows per (sequence, kv head) */
  int64_t max_coded;           /* in [0, capacity], >= every coded_lens[b]: sizes the ranges */
  mi_tensor4 q;                /* [batch, q_heads, 1, head_dim], rules as for dense */
  const uint8_t* key_codes;    /* [batch, kv_heads, capacity, M], 16-byte aligned */
  const uint8_t* value_codes;  /* the same layout */
  int64_t code_strides[3];     /* bytes per batch, kv head and token: the first two multiples of 16,
                                  the token stride M (rows contiguous: the kernel streams 16-byte chunks) */
  const float* key_centroids;  /* fp32 [kv_heads, M, 256, head_dim / M] ([1, ...] if shared) */
  const float* value_centroids;
  int32_t shared_codebook;     /* 0 or 1 */
  mi_tensor4 window_k;         /* [batch, kv_heads, window, head_dim], rules as for dense k */
  mi_tensor4 window_v;
  const int32_t* coded_lens;   /* device [batch]: coded tokens of each sequence, <= max_coded */
  const int32_t* window_lens;  /* device [batch]: window tokens of each sequence, <= window */
  mi_tensor4 o;                /* [batch, q_heads, 1, head_dim], written */
  float* lse;                  /* optional fp32 [batch, q_heads], natural log */
  float softmax_scale;         /* > 0, or 0 for 1/sqrt(head_dim) */
  int32_t splits;              /* ranges over the coded tokens, 1..1024, or 0 to let the library choose */
} mi_pq_decode_args;

/* Workspace bytes of mi_pq_decode for these arguments. */
MI_API MI_NODISCARD mi_status mi_pq_decode_workspace_size(const mi_pq_decode_args* args,
                                                         int64_t* bytes);
/* Attention of one query token per sequence over its coded tokens (scores by q·centroid lookup
 * tables, values dequantised on the fly) and its 16-bit window, one softmax over both (fp32),
 * split into ranges merged by log-sum-exp; bit-identical run to run. Async on `stream`. */
MI_API MI_NODISCARD mi_status mi_pq_decode(const mi_pq_decode_args* args, void* workspace,
                                           int64_t workspace_bytes, mi_stream stream);

/* ---- KV cache bookkeeping (GpuPqKvCache) ---------------------------------------------------
 * One layer's PQ cache keeps each sequence's newest tokens in a 16-bit window
 * [batch, kv_heads, window, head_dim] (contiguous) and counts them in device int32 arrays
 * coded_lens[batch] (tokens already in codes) and window_lens[batch] (tokens in the window).
 * Whole-window flush: a token arriving at a full window moves the window's rows to `staging` (the
 * same layout) for the encoder (mi_pq_encode) and becomes window row 0. These entry points only
 * move rows and lengths; encoding stays with mi_pq_encode. */

typedef struct mi_kv_append_step_args {
  mi_dtype dtype;          /* MI_DTYPE_FLOAT16 or MI_DTYPE_BFLOAT16 */
  int64_t batch;           /* >= 1 sequences */
  int64_t kv_heads;        /* >= 1 */
  int64_t head_dim;        /* >= 1 */
  int64_t window;          /* >= 1 window rows per (sequence, kv head) */
  int64_t capacity;        /* >= 1 tokens per sequence: a sequence already full is left unchanged */
  mi_tensor4 keys;         /* [batch, kv_heads, 1, head_dim]: each sequence's new token; head_dim stride 1 */
  mi_tensor4 values;       /* the same shape */
  void* window_k;          /* [batch, kv_heads, window, head_dim] contiguous, updated */
  void* window_v;
  void* staging_k;         /* the same layout: a flushing sequence's window rows, written */
  void* staging_v;
  int32_t* coded_lens;     /* device [batch], read and updated */
  int32_t* window_lens;    /* device [batch], read and updated */
  int32_t* flush_offsets;  /* device [batch], written: each sequence's coded_lens before the step */
  int32_t* flush_counts;   /* device [batch], written: `window` for a flushing sequence, else 0 */
} mi_kv_append_step_args;

/* Appends one token to every sequence, reading where it goes from the device lengths (so a step
 * needs no host values and can be captured in a graph): a sequence whose window holds `window`
 * tokens copies them to staging, sets flush_offsets/flush_counts for mi_pq_encode (input staging,
 * max_tokens = window) and adds `window` to its coded length; the token becomes window row
 * window_lens[b] (0 after a flush). Async on `stream`; two launches, no allocation. */
MI_API MI_NODISCARD mi_status mi_kv_append_step(const mi_kv_append_step_args* args, mi_stream stream);

typedef struct mi_kv_write_window_args {
  mi_dtype dtype;          /* MI_DTYPE_FLOAT16 or MI_DTYPE_BFLOAT16 */
  int64_t batch;           /* >= 1 sequences */
  int64_t kv_heads;        /* >= 1 */
  int64_t head_dim;        /* >= 1 */
  int64_t window;          /* >= 1 window rows per (sequence, kv head) */
  int64_t capacity;        /* >= 1 tokens per sequence */
  int64_t sequence;        /* in [0, batch) */
  int64_t rows;            /* >= 0 rows per kv head copied */
  int64_t first_row;       /* window row of the first copied row, >= 0 */
  mi_tensor4 keys;         /* [1, kv_heads, rows, head_dim], any strides but head_dim stride 1 */
  mi_tensor4 values;       /* the same shape */
  void* window_k;          /* [batch, kv_heads, window, head_dim] contiguous, rows written */
  void* window_v;
  int32_t* coded_lens;     /* device [batch]: entry `sequence` set to coded_length */
  int32_t* window_lens;    /* device [batch]: entry `sequence` set to window_length */
  int64_t coded_length;    /* >= 0 */
  int64_t window_length;   /* in [first_row + rows, window]; coded_length + window_length <= capacity */
} mi_kv_write_window_args;

/* Copies `rows` rows of each kv head into window rows [first_row, first_row + rows) of one sequence
 * and sets its two lengths (the prompt path: the host knows both). Async on `stream`. */
MI_API MI_NODISCARD mi_status mi_kv_write_window(const mi_kv_write_window_args* args, mi_stream stream);

/* Codebook training: `problems` independent k-means problems of `points` points each (one per
 * (layer, kv head, subspace) of keys or values, say), all trained in one launch. */
typedef struct mi_pq_kmeans_args {
  int64_t problems;                /* S >= 1 */
  int64_t points;                  /* N >= 1 points per problem */
  int64_t dim;                     /* 1..4 floats per point (head_dim / M) */
  int64_t iterations;              /* >= 0 Lloyd steps (0: centroids = initial_centroids) */
  const float* data;               /* fp32 [problems, points, dim] contiguous, finite */
  const float* initial_centroids;  /* fp32 [problems, 256, dim] contiguous: the start (k-means++ on
                                      the host, say: this call does not initialise) */
  float* centroids;                /* fp32 [problems, 256, dim], written; initial_centroids itself
                                      (in place) or disjoint from it */
  uint8_t* assignments;            /* optional (NULL): [problems, points], the nearest centroid of
                                      each point at the last step (untouched when iterations = 0) */
} mi_pq_kmeans_args;

/* Workspace bytes of mi_pq_kmeans (problems * points); only the sizes are validated. */
MI_API MI_NODISCARD mi_status mi_pq_kmeans_workspace_size(const mi_pq_kmeans_args* args,
                                                         int64_t* bytes);
/* Lloyd iterations per problem, bit-identical to the CPU reference (SubspaceKMeans) from the same
 * initial centroids, and so run to run: each point to its nearest centroid (squared distance in
 * double, ties to the lowest index), each centroid to the mean of its points (summed in double in
 * point order, rounded to float once), an empty cluster re-seeded at the point farthest from its
 * centroid (ties to the lowest index, each point used once). No buffer may overlap another, except
 * centroids == initial_centroids. Async on `stream`; launches only. */
MI_API MI_NODISCARD mi_status mi_pq_kmeans(const mi_pq_kmeans_args* args, void* workspace,
                                           int64_t workspace_bytes, mi_stream stream);

/* ---- sparse prefill patterns (MInference) ----------------------------------------------------
 * Each pattern entry point computes a subset of the query heads of one layer (the heads that use
 * that pattern), so a layer costs one launch per distinct pattern. Rows of heads outside the list
 * are not touched. */

/* Largest head list one launch takes. */
#define MI_MAX_HEAD_LIST 1024

/* Query rows are split into blocks of this many rows (and keys into blocks of as many keys) by every
 * index-driven pattern and estimator; mi_sparse_block_size returns it. */
#define MI_SPARSE_BLOCK 64
MI_API int32_t mi_sparse_block_size(void);

/* The head dimensions every attention pattern and estimator of this build takes, ascending:
 * writes min(count, capacity) of them to `dims` (NULL with capacity 0 asks for the count) and
 * returns the count. */
MI_API int32_t mi_attention_head_dims(int32_t* dims, int32_t capacity);

/* Route codes of a (batch, query head): which launch computes it. Written on the device by
 * mi_vs_route (or by the caller), read by the pattern launches through mi_head_routes, so a head can
 * fall back to dense after an estimation without the host reading anything back. */
typedef enum mi_route_code {
  MI_ROUTE_SPARSE = 0,          /* the head's sparse pattern launch computes it */
  MI_ROUTE_DENSE = 1,           /* dense: chosen before the run (pattern dense or fallback) */
  MI_ROUTE_DENSE_SLOWER = 2,    /* dense: its index predicted slower than dense attention */
  MI_ROUTE_DENSE_TOO_DENSE = 3, /* dense: its index's density passed the caller's limit */
  MI_ROUTE_DENSE_CAPACITY = 4   /* dense: its index did not fit the capacity it was given */
} mi_route_code;

/* Optional per-launch filter over the listed heads. With `codes` NULL every listed head runs;
 * otherwise (batch b, listed head h) runs iff codes[b * q_heads + h] is MI_ROUTE_SPARSE when
 * run_dense is 0, or is anything else when run_dense is 1. The codes are device memory, read by
 * the kernels: skipped rows are not touched. */
typedef struct mi_head_routes {
  const int32_t* codes;  /* device [batch, q_heads] int32, or NULL */
  int32_t run_dense;     /* 0 or 1 */
} mi_head_routes;

/* Causal dense attention of the listed heads only (filtered by route codes): the heads of a sparse
 * layer that run dense, on the dense kernel's tiles. */
typedef struct mi_dense_heads_attention_args {
  mi_dense_attention_args attention; /* attention.causal must be 1 */
  const int32_t* heads;              /* host array of distinct query heads, NULL = all q_heads */
  int32_t head_count;
  mi_head_routes routes;             /* optional device-side filter (zeroed: none) */
} mi_dense_heads_attention_args;

MI_API MI_NODISCARD mi_status mi_attention_dense_heads_fwd(const mi_dense_heads_attention_args* args,
                                                           mi_stream stream);

/* A-shape ("stream_llm"): query i sees key j iff j <= i' and (j < sink_tokens or
 * j > i' - local_window), with i' = i + (kv_len - q_len) (bottom-right alignment, as dense). */
typedef struct mi_ashape_attention_args {
  mi_dense_attention_args attention; /* operands as for dense; attention.causal must be 1 */
  int64_t sink_tokens;               /* n_init >= 0: leading keys every query sees */
  int64_t local_window;              /* n_local >= 1: the diagonal band's width, itself included */
  const int32_t* heads;              /* host array of distinct query-head indices to compute, read
                                        during the call; NULL = all q_heads */
  int32_t head_count;                /* entries in `heads` (1..MI_MAX_HEAD_LIST); ignored if NULL */
  mi_head_routes routes;             /* optional device-side filter (zeroed: none) */
} mi_ashape_attention_args;

MI_API MI_NODISCARD mi_status mi_attention_ashape_fwd(const mi_ashape_attention_args* args,
                                                      mi_stream stream);

/* Per-query-block lists of the index-driven patterns, in device memory: CSR rows flattened over
 * [batch, listed head (in `heads` order), 64-row query block], so row r's entries are
 * values[row_ptr[r] .. row_ptr[r + 1]). Every read is bounded by value_count: a malformed index
 * gives wrong results, never an out-of-bounds access. */
typedef struct mi_csr_index {
  const int64_t* row_ptr; /* batch * head_count * ceil(q_len / 64) + 1 entries */
  const int32_t* values;
  int64_t value_count;    /* entries in `values` (0 allowed: every row empty) */
} mi_csr_index;

/* Block-sparse: each 64-row query block attends to the 64-key blocks listed in its row of `blocks`
 * (key-block indices, ascending): causally with attention.causal == 1, to every key of them with
 * 0 (bidirectional, as SLA's critical blocks). Needs q_len == kv_len. */
typedef struct mi_block_sparse_attention_args {
  mi_dense_attention_args attention;
  mi_csr_index blocks;
  const int32_t* heads;  /* as for A-shape: host array, NULL = all q_heads */
  int32_t head_count;
  mi_head_routes routes; /* as for A-shape */
} mi_block_sparse_attention_args;

MI_API MI_NODISCARD mi_status mi_attention_block_sparse_fwd(
    const mi_block_sparse_attention_args* args, mi_stream stream);

/* Vertical-Slash: each 64-row query block attends, causally, to the 64-key blocks starting at
 * the columns listed in its row of `blocks` (ascending; any start, blocks may reach past the
 * diagonal or the sequence end: those keys are masked) and to the key columns listed in its row of
 * `columns` (each left of the block's first query row, as the index conversion guarantees).
 * Needs q_len == kv_len and attention.causal == 1. */
typedef struct mi_vertical_slash_attention_args {
  mi_dense_attention_args attention;
  mi_csr_index blocks;
  mi_csr_index columns;
  const int32_t* heads;  /* as for A-shape: host array, NULL = all q_heads */
  int32_t head_count;
  mi_head_routes routes; /* as for A-shape */
} mi_vertical_slash_attention_args;

MI_API MI_NODISCARD mi_status mi_attention_vertical_slash_fwd(
    const mi_vertical_slash_attention_args* args, mi_stream stream);

/* Permuted-block attention (MMInference's grid and boundary heads): tokens are taken in a
 * per-(batch, head) order (`order`: the original position of each slot, a permutation of 0..N-1;
 * grid heads group tokens by phase class so grid lines become contiguous, boundary heads by
 * modality). Each 64-slot query block attends to the 64-slot
 * key blocks listed in its row of `blocks` (block indices in permuted space, any block, ascending),
 * with causality on original positions: slot p sees slot t when order[t] <= order[p]. O and the
 * log-sum-exp are written at the original rows. Nothing is permuted in memory. Needs q_len ==
 * kv_len and attention.causal == 1. An `order` that is not a permutation gives wrong results (and
 * rows it omits unwritten), never an out-of-bounds access. */
typedef struct mi_permuted_attention_args {
  mi_dense_attention_args attention;
  mi_csr_index blocks;
  const int32_t* order;  /* device int32 [batch, head_count, N] */
  const int32_t* heads;  /* as for A-shape: host array, NULL = all q_heads */
  int32_t head_count;
  mi_head_routes routes; /* as for A-shape */
} mi_permuted_attention_args;

MI_API MI_NODISCARD mi_status mi_attention_permuted_fwd(const mi_permuted_attention_args* args,
                                                    mi_stream stream);

/* Online grid estimation (MMInference), from mi_vs_estimate's last-query profiles: per (batch,
 * listed head) the grid stride and phase (the smallest candidate stride within `tolerance` of the
 * best score; score = diagonal contrast + vertical contrast, each a median over at most 256 evenly
 * spaced members over a mean; stride 1 and phase 0 when no candidate has two multiples among the
 * reachable offsets, or when min_contrast rejects the chosen one), then the token order for
 * mi_attention_permuted_fwd: tokens by phase class c = (position - phase) mod stride, positions
 * ascending within a class. */
#define MI_GRID_MAX_CANDIDATES 256

typedef struct mi_grid_estimate_args {
  int64_t batch;
  int64_t head_count;            /* rows of the profiles per batch element */
  int64_t seq_len;               /* N >= 1 */
  int32_t last_queries;          /* the profiles' last-query count (min(64, N) for mi_vs_estimate) */
  const float* vertical_scores;  /* device fp32 [batch, head_count, N] */
  const float* slash_scores;     /* device fp32 [batch, head_count, N], by offset */
  const int32_t* candidates;     /* host array: candidate strides, ascending, distinct, >= 2 */
  int32_t candidate_count;       /* 0..MI_GRID_MAX_CANDIDATES */
  float tolerance;               /* [0, 1) */
  float min_contrast;            /* 0: none; > 0: a chosen stride whose diagonal or vertical
                                    contrast is <= min_contrast gives stride 1, phase 0 (no grid) */
  int32_t* strides;              /* written: device int32 [batch, head_count] */
  int32_t* phases;               /* written: device int32 [batch, head_count] */
  int32_t* order;                /* written: device int32 [batch, head_count, N] */
} mi_grid_estimate_args;

MI_API MI_NODISCARD mi_status mi_grid_estimate(const mi_grid_estimate_args* args, mi_stream stream);

/* Grid block selection (MMInference), after mi_grid_estimate: Q and K mean-pooled over 64-slot
 * blocks of each head's token order (the last block over its real slots), every pooled query block
 * scored against every pooled key block, and per query block min(keep, ceil(N / 64)) key blocks
 * kept, ascending, in tiers: the diagonal block, then the vertical-line blocks (the first
 * ceil(class / 64) blocks, class = the positions = phase mod stride, which the order puts first),
 * then the others, by score within a tier (scores from TF32 operands with fp32 accumulation, so
 * blocks within about 1e-3 of a score's magnitude may swap; equal keys go to the smaller block); a block whose every position comes after every position of the query block
 * is kept only when a row reaches fewer than `keep` blocks (it computes nothing). Rows all have the
 * same length, so the index size is known in advance: the index mi_attention_permuted_fwd reads
 * with the same order. Enqueued on the stream; no allocation, no synchronisation. */
MI_API MI_NODISCARD mi_status mi_grid_select_index_size(int64_t batch, int64_t head_count,
                                                        int64_t seq_len, int64_t keep,
                                                        int64_t* entries);

typedef struct mi_grid_select_args {
  mi_dtype dtype;
  int64_t batch;
  int64_t q_heads;
  int64_t kv_heads;
  int64_t seq_len;       /* N in [1, 2^21] */
  int64_t head_dim;      /* one of mi_attention_head_dims */
  mi_tensor4 q;          /* [batch, q_heads, N, head_dim], rules as for dense */
  mi_tensor4 k;          /* [batch, kv_heads, N, head_dim] */
  const int32_t* heads;  /* host array of distinct query heads, NULL = all */
  int32_t head_count;
  const int32_t* strides; /* device int32 [batch, head_count]: mi_grid_estimate's, same heads */
  const int32_t* phases;  /* device int32 [batch, head_count] */
  const int32_t* order;   /* device int32 [batch, head_count, N] */
  int64_t keep;           /* key blocks per query block, >= 1 */
  int64_t* row_ptr;       /* written: [batch * head_count * ceil(N / 64) + 1] */
  int32_t* blocks;        /* written: mi_grid_select_index_size entries */
} mi_grid_select_args;

MI_API MI_NODISCARD mi_status mi_grid_select_workspace_size(const mi_grid_select_args* args,
                                                            int64_t* bytes);
MI_API MI_NODISCARD mi_status mi_grid_select(const mi_grid_select_args* args, void* workspace,
                                             int64_t workspace_bytes, mi_stream stream);

/* Boundary block selection (MMInference's Q-, K- and 2D-boundary heads): tokens in modality order
 * (`order`: the text tokens first, slots [0, text_tokens), then the video tokens), Q and K
 * mean-pooled over 64-slot blocks of it, every block pair scored as for mi_grid_select, and per
 * query block and per key range (text blocks [0, tb), video blocks [tb, blocks), tb =
 * ceil(text_tokens / 64): the block holding both kinds counts as text; a query block is text when it
 * is below tb) min(budget, range size) key blocks: the diagonal, then the groups' first blocks (0
 * and tb), then the others by score; blocks whose every position comes after every position of the
 * query block last. Budgets by kind: MI_BOUNDARY_QUERY one range over all keys, `first` for text
 * rows, `second` for video rows; MI_BOUNDARY_KEY `first` within text keys, `second` within video
 * keys; MI_BOUNDARY_2D `first` within the row's own modality, `second` within the other. A row's
 * length depends only on its modality: mi_boundary_select_index_size gives the index's size. */
typedef enum mi_boundary_kind {
  MI_BOUNDARY_QUERY = 0,
  MI_BOUNDARY_KEY = 1,
  MI_BOUNDARY_2D = 2
} mi_boundary_kind;

/* Boundary heads' token order, before mi_boundary_select: per (batch, listed head) the text tokens
 * in position order (slots [0, T)), then the video tokens (`video_segments`) — by grid phase class
 * c = (position - phase) mod stride, positions ascending within a class, when `grid` is set and the
 * head's video rows show a grid, else in position order. The grid is estimated as for grid heads
 * (mi_vs_estimate, then mi_grid_estimate with `candidates`, `tolerance` and `min_contrast`) from
 * the last min(64, E) queries up to E, the end of the last video segment, so a prompt that ends in
 * text is read from its video rows. strides/phases report what was used (1, 0: position order).
 * Enqueued on the stream; no allocation, no synchronisation. */
#define MI_BOUNDARY_MAX_VIDEO_SEGMENTS 256

typedef struct mi_boundary_order_args {
  mi_dtype dtype;
  int64_t batch;
  int64_t q_heads;
  int64_t kv_heads;
  int64_t seq_len;                 /* N in [1, 2^21] */
  int64_t head_dim;                /* one of mi_attention_head_dims */
  mi_tensor4 q;                    /* [batch, q_heads, N, head_dim], rules as for dense */
  mi_tensor4 k;                    /* [batch, kv_heads, N, head_dim] */
  const int32_t* heads;            /* host array of distinct query heads, NULL = all */
  int32_t head_count;
  const int32_t* video_segments;   /* host array [segment_count][2]: [start, end), non-empty,
                                      ascending and disjoint, within [0, N]; the rest is text */
  int32_t segment_count;           /* 0..MI_BOUNDARY_MAX_VIDEO_SEGMENTS */
  int32_t grid;                    /* 0: video in position order (nothing estimated; K-boundary
                                      heads); 1: estimate (Q- and 2D-boundary heads) */
  const int32_t* candidates;       /* as for mi_grid_estimate (read when grid = 1) */
  int32_t candidate_count;
  float tolerance;
  float min_contrast;
  int32_t* strides;                /* written: device int32 [batch, head_count] */
  int32_t* phases;                 /* written: device int32 [batch, head_count] */
  int32_t* order;                  /* written: device int32 [batch, head_count, N] */
} mi_boundary_order_args;

MI_API MI_NODISCARD mi_status mi_boundary_order_workspace_size(const mi_boundary_order_args* args,
                                                               int64_t* bytes);
MI_API MI_NODISCARD mi_status mi_boundary_order(const mi_boundary_order_args* args, void* workspace,
                                                int64_t workspace_bytes, mi_stream stream);

MI_API MI_NODISCARD mi_status mi_boundary_select_index_size(int64_t batch, int64_t head_count,
                                                            int64_t seq_len, int64_t text_tokens,
                                                            int32_t kind, int64_t first,
                                                            int64_t second, int64_t* entries);

typedef struct mi_boundary_select_args {
  mi_dtype dtype;
  int64_t batch;
  int64_t q_heads;
  int64_t kv_heads;
  int64_t seq_len;       /* N in [1, 2^21] */
  int64_t head_dim;      /* one of mi_attention_head_dims */
  mi_tensor4 q;          /* [batch, q_heads, N, head_dim], rules as for dense */
  mi_tensor4 k;          /* [batch, kv_heads, N, head_dim] */
  const int32_t* heads;  /* host array of distinct query heads, NULL = all */
  int32_t head_count;
  const int32_t* order;  /* device int32 [batch, head_count, N]: text tokens first, then video
                            (mi_boundary_order's) */
  int64_t text_tokens;   /* T in [0, N] */
  int32_t kind;          /* mi_boundary_kind */
  int64_t first;         /* budgets: first >= 1; second >= 1 for query and key kinds, >= 0 for 2d */
  int64_t second;
  int64_t* row_ptr;      /* written: [batch * head_count * ceil(N / 64) + 1] */
  int32_t* blocks;       /* written: mi_boundary_select_index_size entries */
} mi_boundary_select_args;

MI_API MI_NODISCARD mi_status mi_boundary_select_workspace_size(const mi_boundary_select_args* args,
                                                                int64_t* bytes);
MI_API MI_NODISCARD mi_status mi_boundary_select(const mi_boundary_select_args* args, void* workspace,
                                                 int64_t workspace_bytes, mi_stream stream);

/* ---- vertical-slash estimation and index conversion (MInference) ---------------------------
 * Three steps, each its own entry point so an index can be inspected or cached:
 *   1. mi_vs_estimate: scores of the last min(64, N) queries of each listed head against all N
 *      keys (scale, causal among those queries, fp32 softmax per row); vertical[j] = sum over those
 *      rows of p(i, j); slash[o] = sum over those rows of p(i, i - o), o = diagonal offset.
 *   2. mi_vs_select: per (batch, listed head) the vertical_count best key columns (the first 30
 *      forced) in ascending order and the slash_count best offsets (offsets 0..99 forced) in
 *      descending order; equal scores go to the smaller index.
 *   3. mi_vs_index_count, then mi_vs_index_fill: MInference's conversion into the CSR indices of
 *      mi_attention_vertical_slash_fwd. The entry counts depend on the data: count writes the row
 *      pointers, whose last entries are the totals the caller reads to size the fill's outputs.
 * Rows are (batch, listed head) pairs, in that order; every array is device memory. */

#define MI_VS_LAST_QUERIES 64
#define MI_VS_FORCED_VERTICALS 30
#define MI_VS_FORCED_SLASHES 100

typedef struct mi_vs_estimate_args {
  mi_dtype dtype;          /* MI_DTYPE_FLOAT16 or MI_DTYPE_BFLOAT16 */
  int64_t batch;
  int64_t q_heads;
  int64_t kv_heads;        /* q_heads a multiple of kv_heads */
  int64_t seq_len;         /* N >= 1 (q_len == kv_len) */
  int64_t head_dim;        /* one of mi_attention_head_dims (64, 96, 128) */
  mi_tensor4 q;            /* [batch, q_heads, N, head_dim], rules as for dense */
  mi_tensor4 k;            /* [batch, kv_heads, N, head_dim] */
  const int32_t* heads;    /* host array of distinct query heads, NULL = all */
  int32_t head_count;
  float softmax_scale;     /* > 0, or 0 for 1/sqrt(head_dim) */
  float* vertical_scores;  /* written: fp32 [batch, head_count, N] */
  float* slash_scores;     /* written: fp32 [batch, head_count, N], indexed by offset */
} mi_vs_estimate_args;

/* Workspace mi_vs_estimate needs for `args` (only the sizes and the head list are read). */
MI_API MI_NODISCARD mi_status mi_vs_estimate_workspace_size(const mi_vs_estimate_args* args,
                                                            int64_t* bytes);
MI_API MI_NODISCARD mi_status mi_vs_estimate(const mi_vs_estimate_args* args, void* workspace,
                                             int64_t workspace_bytes, mi_stream stream);

typedef struct mi_vs_select_args {
  int64_t rows;                  /* batch * head_count */
  int64_t seq_len;               /* N */
  int64_t vertical_count;        /* 1..N (MInference: min(N, max(vertical_size, 30))) */
  int64_t slash_count;           /* 1..N (MInference: min(N, max(slash_size, 50))) */
  const float* vertical_scores;  /* [rows, N], read only */
  const float* slash_scores;     /* [rows, N], read only */
  int32_t* verticals;            /* written: [rows, vertical_count], ascending */
  int32_t* slashes;              /* written: [rows, slash_count], descending */
} mi_vs_select_args;

/* Only the sizes of `args` are read. */
MI_API MI_NODISCARD mi_status mi_vs_select_workspace_size(const mi_vs_select_args* args,
                                                          int64_t* bytes);
MI_API MI_NODISCARD mi_status mi_vs_select(const mi_vs_select_args* args, void* workspace,
                                           int64_t workspace_bytes, mi_stream stream);

typedef struct mi_vs_index_args {
  int64_t rows;               /* batch * head_count */
  int64_t seq_len;            /* N; ceil(N / 64) query blocks per row */
  int64_t vertical_count;
  int64_t slash_count;
  const int32_t* verticals;   /* [rows, vertical_count], ascending, in [0, N) */
  const int32_t* slashes;     /* [rows, slash_count], descending, in [0, N), ending with 0 */
  int64_t* block_row_ptr;     /* written by count: [rows * ceil(N / 64) + 1] */
  int64_t* column_row_ptr;    /* written by count: [rows * ceil(N / 64) + 1] */
  int32_t* block_starts;      /* written by fill: block_row_ptr[last] entries */
  int64_t block_capacity;     /* entries block_starts holds (checked on the device) */
  int32_t* columns;           /* written by fill: column_row_ptr[last] entries */
  int64_t column_capacity;
} mi_vs_index_args;

/* Only the sizes of `args` are read. */
MI_API MI_NODISCARD mi_status mi_vs_index_count_workspace_size(const mi_vs_index_args* args,
                                                               int64_t* bytes);
/* Writes both row-pointer arrays (the outputs' pointers and capacities are not read). */
MI_API MI_NODISCARD mi_status mi_vs_index_count(const mi_vs_index_args* args, void* workspace,
                                                int64_t workspace_bytes, mi_stream stream);
/* Writes block_starts and columns, using the row pointers from mi_vs_index_count; rows whose
 * entries would pass a capacity are left short rather than written out of bounds. */
MI_API MI_NODISCARD mi_status mi_vs_index_fill(const mi_vs_index_args* args, mi_stream stream);

/* 4. mi_vs_route: per listed head, over every batch element, decides on the device whether the
 *    index just built is worth running, so no count has to come back to the host. From the row
 *    pointers of step 3 it counts the head's tiles: a row with b block starts and c columns costs
 *    b * block_tile_cost + ceil(c / 64) * column_tile_cost, its dense causal counterpart
 *    (qb + 1) * dense_tile_cost for query block qb; and its entries, b * 64 + c per row (an upper
 *    bound: block runs may overlap the diagonal), summed over the batch. The code written (for
 *    every batch element) is MI_ROUTE_DENSE_CAPACITY when the head's rows of some batch element
 *    end past a capacity (the fill left them short), else MI_ROUTE_DENSE_TOO_DENSE when
 *    entries / (batch N (N + 1) / 2) > max_density, else
 *    MI_ROUTE_DENSE_SLOWER when the summed sparse cost is not below the dense one, else
 *    MI_ROUTE_SPARSE. Costs are summed as exact integers per kind, then weighed in double precision
 *    without fused multiply-adds, so a host computing the same formula decides identically. */
typedef struct mi_vs_route_args {
  int64_t batch;
  int64_t q_heads;                /* codes are [batch, q_heads] */
  int64_t seq_len;                /* N */
  const int32_t* heads;           /* host array of the index's listed heads (its rows' order), NULL = all */
  int32_t head_count;
  const int64_t* block_row_ptr;   /* from mi_vs_index_count, [batch * head_count * ceil(N / 64) + 1] */
  const int64_t* column_row_ptr;
  int64_t block_capacity;         /* as given to mi_vs_index_fill */
  int64_t column_capacity;
  double block_tile_cost;         /* >= 0, any unit: only ratios matter */
  double column_tile_cost;        /* >= 0 */
  double dense_tile_cost;         /* > 0 */
  double max_density;             /* in [0, 1] */
  int32_t* codes;                 /* written for the listed heads: device [batch, q_heads] */
  int64_t* entries;               /* optional (NULL), written: device [head_count], over the batch */
} mi_vs_route_args;

MI_API MI_NODISCARD mi_status mi_vs_route(const mi_vs_route_args* args, mi_stream stream);

/* Sets codes[b * q_heads + heads[i]] = values[i] for every batch b, on the device (async): the
 * route codes a run decides before it starts (a kernel launch, so it can be captured in a graph). */
MI_API MI_NODISCARD mi_status mi_routes_set(int32_t* codes, int64_t batch, int64_t q_heads,
                                            const int32_t* heads, const int32_t* values,
                                            int32_t head_count, mi_stream stream);

/* ---- block-sparse estimation (MInference) ---------------------------------------------------
 * Mean-pools Q and K over 64-token blocks (the last block over its real tokens), scores pooled
 * query block against pooled key block (unscaled: only the ranking matters), causal at block
 * level, and keeps per query block qb the min(max(top_k, 2), qb + 1) best key blocks, block 0
 * and the diagonal block always among them (equal scores go to the smaller block), ascending: the
 * index mi_attention_block_sparse_fwd reads. Each row's length is known in advance, so the
 * caller sizes `blocks` with mi_block_sparse_index_size and no synchronisation is needed. */

/* Entries of the index for the given shape: batch * head_count * sum over query blocks qb of
 * min(max(top_k, 2), qb + 1). */
MI_API MI_NODISCARD mi_status mi_block_sparse_index_size(int64_t batch, int64_t head_count,
                                                         int64_t seq_len, int64_t top_k,
                                                         int64_t* entries);

typedef struct mi_block_sparse_estimate_args {
  mi_dtype dtype;
  int64_t batch;
  int64_t q_heads;
  int64_t kv_heads;
  int64_t seq_len;       /* N in [1, 2^21] */
  int64_t head_dim;      /* one of mi_attention_head_dims (64, 96, 128) */
  mi_tensor4 q;          /* [batch, q_heads, N, head_dim], rules as for dense */
  mi_tensor4 k;          /* [batch, kv_heads, N, head_dim] */
  const int32_t* heads;  /* host array of distinct query heads, NULL = all */
  int32_t head_count;
  int64_t top_k;         /* >= 1 */
  int64_t* row_ptr;      /* written: [batch * head_count * ceil(N / 64) + 1] */
  int32_t* blocks;       /* written: mi_block_sparse_index_size entries */
} mi_block_sparse_estimate_args;

MI_API MI_NODISCARD mi_status mi_block_sparse_estimate_workspace_size(
    const mi_block_sparse_estimate_args* args, int64_t* bytes);
MI_API MI_NODISCARD mi_status mi_block_sparse_estimate(const mi_block_sparse_estimate_args* args,
                                                       void* workspace, int64_t workspace_bytes,
                                                       mi_stream stream);

/* ---- sparse-linear attention (SLA) ----------------------------------------------------------
 * Self-attention over [batch, heads, N, head_dim] (q, k and v share the shape; bidirectional, as
 * in diffusion transformers) in 64 x 64 blocks. Mask prediction classes every (query block, key
 * block) pair of a head: Q and K mean-pooled per 64-token block (the last block over its real
 * tokens; K first minus its mean over tokens with smooth_keys), pooled scores q̄ᵢ·k̄ⱼ (TF32
 * operands, fp32 accumulation), then per query block the `critical` best key blocks (exact
 * attention) and the `negligible` worst (skipped), the rest marginal (linear attention). Ranking:
 * higher score first, equal scores by the smaller key block. Rows all hold `critical` and
 * `negligible` entries, ascending, so the caller sizes both indices in advance. Causal SLA (the
 * `causal` fields) ranks each row's past blocks only, with per-row counts from fractions. */

typedef enum mi_sla_feature_map {
  MI_SLA_SOFTMAX = 0,     /* φ(x) = softmax over the head dimension (the paper's default) */
  MI_SLA_ELU_PLUS_ONE = 1,
  MI_SLA_RELU = 2
} mi_sla_feature_map;

typedef enum mi_sla_linear_branch {
  MI_SLA_MARGINAL_BLOCKS = 0, /* the paper: the linear branch sums the marginal blocks only; a row
                                 with none (or φ(q)·Z <= 0) gets O_l = 0 */
  MI_SLA_ALL_KEYS = 1         /* the released main branch: every key, denominator + 1e-5 */
} mi_sla_linear_branch;

typedef struct mi_sla_mask_args {
  mi_dtype dtype;              /* MI_DTYPE_FLOAT16 or MI_DTYPE_BFLOAT16 */
  int64_t batch;               /* >= 1 */
  int64_t heads;               /* >= 1 */
  int64_t seq_len;             /* N in [1, 2^21] */
  int64_t head_dim;            /* one of mi_attention_head_dims */
  mi_tensor4 q;                /* [batch, heads, N, head_dim], rules as for dense */
  mi_tensor4 k;                /* [batch, heads, N, head_dim] */
  int64_t critical;            /* key blocks per row, in [1, ceil(N / 64)] */
  int64_t negligible;          /* key blocks per row, in [0, ceil(N / 64) - critical] */
  int32_t smooth_keys;         /* 0 or 1 */
  int64_t* critical_row_ptr;   /* written: device [batch * heads * ceil(N / 64) + 1] */
  int32_t* critical_blocks;    /* written: device [batch * heads * ceil(N / 64) * critical] */
  int64_t* negligible_row_ptr; /* written: device [batch * heads * ceil(N / 64) + 1] */
  int32_t* negligible_blocks;  /* written (when negligible > 0): device [... * negligible] */
  int8_t* classes;             /* optional (NULL), written: device [batch, heads, blocks, blocks],
                                  1 critical, 0 marginal, -1 negligible */
  int32_t causal;              /* 0, or 1: causal SLA (query t sees keys s <= t). Query block i
                                  then ranks key blocks j < i only; its diagonal block i is always
                                  critical; it holds c(i) = min(max(floor(critical_fraction * (i + 1)
                                  + 1e-9), 1), i + 1) critical blocks (the diagonal among them) and
                                  g(i) = min(floor(negligible_fraction * (i + 1) + 1e-9), i + 1 -
                                  c(i)) negligible ones; blocks j > i are negligible in `classes`
                                  but listed nowhere. `critical` and `negligible` are then ignored:
                                  mi_sla_mask_index_entries gives the indices' sizes */
  double critical_fraction;    /* causal only: k_h in (0, 1] */
  double negligible_fraction;  /* causal only: k_l in [0, 1) */
} mi_sla_mask_args;

/* The entries the mask writes per index (over every batch and head): batch * heads * blocks *
 * critical (or * negligible), or with causal the sums of c(i) and g(i). */
MI_API MI_NODISCARD mi_status mi_sla_mask_index_entries(const mi_sla_mask_args* args,
                                                        int64_t* critical_entries,
                                                        int64_t* negligible_entries);

/* Async; the workspace holds the pooled blocks and a bounded score buffer. */
MI_API MI_NODISCARD mi_status mi_sla_mask_workspace_size(const mi_sla_mask_args* args,
                                                         int64_t* bytes);
MI_API MI_NODISCARD mi_status mi_sla_mask(const mi_sla_mask_args* args, void* workspace,
                                          int64_t workspace_bytes, mi_stream stream);

typedef struct mi_sla_forward_args {
  mi_dtype dtype;              /* as for the mask: q, k, v, o and the optional outputs */
  int64_t batch;
  int64_t heads;
  int64_t seq_len;             /* N in [1, 2^21] */
  int64_t head_dim;
  mi_tensor4 q;                /* [batch, heads, N, head_dim] */
  mi_tensor4 k;
  mi_tensor4 v;
  mi_tensor4 o;                /* written: O = O_s + Proj(O_l); must not overlap q, k or v */
  mi_tensor4 o_sparse;         /* optional (data NULL), written: O_s, the critical branch */
  mi_tensor4 o_linear;         /* optional (data NULL), written: O_l before Proj */
  float* lse;                  /* optional (NULL), written: fp32 [batch, heads, N], natural log,
                                  of the critical branch's scaled scores */
  const float* proj_weight;    /* device fp32 [head_dim, head_dim], row-major W (out, in) */
  const float* proj_bias;      /* device fp32 [head_dim] */
  float softmax_scale;         /* > 0, or 0 for 1/sqrt(head_dim) */
  int32_t feature_map;         /* mi_sla_feature_map */
  int32_t linear_branch;       /* mi_sla_linear_branch */
  mi_csr_index critical;       /* mi_sla_mask's critical index (any ascending lists of distinct
                                  key blocks per row, >= 1 each) */
  mi_csr_index negligible;     /* its negligible index (rows disjoint from the critical ones);
                                  read only with MI_SLA_MARGINAL_BLOCKS */
  float* linear_inv_den;       /* optional (NULL), written: fp32 [batch, heads, N], 1 / (φ(q)·Z)
                                  per row, 0 where the linear branch is off (the backward reads it) */
  int32_t causal;              /* 0, or 1: causal SLA (query t sees keys s <= t), with a causal
                                  mask (mi_sla_mask_args.causal) and MI_SLA_MARGINAL_BLOCKS. Each
                                  row must list its diagonal block as critical (the exact branch
                                  masks it per token); the linear branch then sums the row's
                                  earlier blocks that no list names, directly */
} mi_sla_forward_args;

/* O_s = softmax(scale · Q Kᵀ) V over each row's critical blocks (exact, with the log-sum-exp);
 * O_l = φ(q)·H / φ(q)·Z with H = Σ φ(k)ᵀv and Z = Σ φ(k) over the linear branch's keys: all keys
 * (MI_SLA_ALL_KEYS), or per query block the blocks neither index names, summed as one GEMM of the
 * rows' 0/1 marginal matrix with per-key-block states (fp32 accumulators, the states and products
 * carried as two 16-bit halves); O = O_s + O_l·Wᵀ + b. Workspace with MI_SLA_MARGINAL_BLOCKS: the
 * per-block states of as many (batch, head) groups as fit in the size of Q, at least one (a group's
 * take about head_dim / 16 times its share of Q); with MI_SLA_ALL_KEYS a few D x D sums. Async. */
MI_API MI_NODISCARD mi_status mi_sla_forward_workspace_size(const mi_sla_forward_args* args,
                                                            int64_t* bytes);
MI_API MI_NODISCARD mi_status mi_sla_forward(const mi_sla_forward_args* args, void* workspace,
                                             int64_t workspace_bytes, mi_stream stream);

typedef struct mi_sla_backward_args {
  mi_dtype dtype;              /* the forward's, for every tensor operand */
  int64_t batch;
  int64_t heads;
  int64_t seq_len;
  int64_t head_dim;
  mi_tensor4 q;                /* the forward's operands, unchanged since */
  mi_tensor4 k;
  mi_tensor4 v;
  mi_tensor4 o_sparse;         /* the forward's O_s (read, under the rules of dense's o: no overlap
                                  with k or v) */
  mi_tensor4 o_linear;         /* the forward's O_l (as o_sparse) */
  const float* lse;            /* the forward's log-sum-exp, [batch, heads, N] */
  const float* linear_inv_den; /* the forward's, [batch, heads, N]: the forward must have written it
                                  (it is optional there) */
  mi_tensor4 d_o;              /* dO (as o_sparse) */
  mi_tensor4 d_q;              /* written; none of the gradients may overlap an input or each other */
  mi_tensor4 d_k;
  mi_tensor4 d_v;
  float* d_weight;             /* written: fp32 [head_dim, head_dim], summed over batch and heads;
                                  may overlap no other argument */
  float* d_bias;               /* written: fp32 [head_dim] (as d_weight) */
  const float* proj_weight;    /* the forward's W */
  float softmax_scale;         /* the forward's */
  int32_t feature_map;
  int32_t linear_branch;
  mi_csr_index critical;       /* the forward's indices (the mask is held fixed) */
  mi_csr_index negligible;     /* read only with MI_SLA_MARGINAL_BLOCKS */
  int32_t causal;              /* the forward's */
} mi_sla_backward_args;

/* dQ, dK, dV, dW and db of mi_sla_forward for dO, deterministic (every sum in a fixed order, no
 * atomics): the critical blocks by FlashAttention-2's backward (dK and dV per key block over the
 * query blocks that list it, dQ per query block over its row), the linear branch by the paper's
 * Algorithm 2, its per-block sums H_i and dH_j as the forward's GEMM over the row and the column
 * indices. Workspace: one Q (dO·W / φ(q)·Z per row, in the element type), the column indices (as
 * large as the row indices), per (batch, head) at most 32 fp32 D x D partial sums (one per 1024
 * tokens), and with MI_SLA_MARGINAL_BLOCKS the per-block states of as many groups as keep the whole
 * within 2 Q, at least one (1.98 Q at 1 x 12 x 32K tokens, D 128). Async. */
MI_API MI_NODISCARD mi_status mi_sla_backward_workspace_size(const mi_sla_backward_args* args,
                                                             int64_t* bytes);
MI_API MI_NODISCARD mi_status mi_sla_backward(const mi_sla_backward_args* args, void* workspace,
                                              int64_t workspace_bytes, mi_stream stream);

#ifdef __cplusplus
}
#endif

#endif /* MINFERENCE_H_ */
