// Validation shared by every attention entry point.
#pragma once

#include "attention_params.h"
#include "minference.h"

namespace mi::attention {

// Checks every field of `args` (throws mi::Failure with a message naming the argument, the value
// and the expectation) and returns the mainloop parameters. Reads no device memory.
AttentionFwdParams validate_attention_args(const mi_dense_attention_args& args);

}  // namespace mi::attention
