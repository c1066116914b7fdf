// Stream capture and graph replay: a layer whose launches never allocate or synchronise is recorded
// once and replayed with one launch, which removes the per-kernel host cost of an eager run.
#include <cuda_runtime_api.h>

#include <string>

#include "minference.h"
#include "status.h"

namespace {

cudaStream_t as_cuda(mi_stream s) { return reinterpret_cast<cudaStream_t>(s); }

}  // namespace

extern "C" {

MI_API mi_status mi_stream_begin_capture(mi_stream stream) {
  return mi::guarded([&] {
    // The legacy default stream cannot be captured; say so rather than let CUDA's message do it.
    if (stream == nullptr) mi::invalid("stream must not be NULL: the default stream cannot be captured");
    // Thread-local: another thread's allocations stay legal, while this thread's illegal calls
    // (an allocation, a synchronisation) fail the capture, which is what a plan's run promises.
    MI_CUDA_CHECK(cudaStreamBeginCapture(as_cuda(stream), cudaStreamCaptureModeThreadLocal));
  });
}

MI_API mi_status mi_stream_is_capturing(mi_stream stream, int32_t* capturing) {
  return mi::guarded([&] {
    if (capturing == nullptr) mi::invalid("capturing must not be NULL");
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    MI_CUDA_CHECK(cudaStreamIsCapturing(as_cuda(stream), &status));
    *capturing = status == cudaStreamCaptureStatusNone ? 0 : 1;
  });
}

MI_API mi_status mi_stream_end_capture(mi_stream stream, mi_graph* graph) {
  return mi::guarded([&] {
    if (graph == nullptr) mi::invalid("graph must not be NULL");
    *graph = nullptr;
    if (stream == nullptr) mi::invalid("stream must not be NULL");
    cudaGraph_t captured = nullptr;
    // Always end the capture, even when the caller's work failed in between, so the stream is
    // usable again; a failed capture reports cudaErrorStreamCaptureInvalidated here.
    MI_CUDA_CHECK(cudaStreamEndCapture(as_cuda(stream), &captured));
    cudaGraphExec_t exec = nullptr;
    const cudaError_t err = cudaGraphInstantiate(&exec, captured, 0);
    cudaGraphDestroy(captured);  // the executable graph keeps what it needs
    MI_CUDA_CHECK(err);
    *graph = reinterpret_cast<mi_graph>(exec);
  });
}

MI_API mi_status mi_graph_launch(mi_graph graph, mi_stream stream) {
  return mi::guarded([&] {
    if (graph == nullptr) mi::invalid("graph must not be NULL");
    MI_CUDA_CHECK(cudaGraphLaunch(reinterpret_cast<cudaGraphExec_t>(graph), as_cuda(stream)));
  });
}

MI_API mi_status mi_graph_destroy(mi_graph graph) {
  return mi::guarded([&] {
    if (graph != nullptr) MI_CUDA_CHECK(cudaGraphExecDestroy(reinterpret_cast<cudaGraphExec_t>(graph)));
  });
}

}  // extern "C"
