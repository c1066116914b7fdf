// The element types the kernels are instantiated for. Host-only code names them (dispatch, launch
// declarations), so this header carries no device types; the matching CUDA types are in
// attention/attention_traits.cuh (ElementOf).
#pragma once

namespace mi {

enum class ElementType { kFloat16, kBFloat16 };

}  // namespace mi
