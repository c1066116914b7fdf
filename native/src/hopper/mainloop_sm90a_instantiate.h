// MI_SM90A_LAUNCH((TRAITS), (TILES)): one explicit instantiation of MainloopSm90a::launch; both
// arguments in parentheses, since template arguments hold commas.
#pragma once

#define MI_SM90A_UNPAREN(...) __VA_ARGS__
#define MI_SM90A_STRIP(x) MI_SM90A_UNPAREN x
#define MI_SM90A_LAUNCH(TRAITS, TILES)                                                                             \
  template cudaError_t MainloopSm90a::launch<MI_SM90A_STRIP(TRAITS), MI_SM90A_STRIP(TILES)>(                     \
      int, const AttentionFwdParams&, const typename MI_SM90A_STRIP(TILES)::Params&, int, cudaStream_t);
