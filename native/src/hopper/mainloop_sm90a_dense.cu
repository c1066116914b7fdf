// The sm_90a launches of the 128-row-tile policies: dense (causal, full, listed heads) and
// A-shape, at head_dim 64, 96 and 128, both dtypes.
#include "../ashape/ashape_policy.cuh"
#include "../dense/dense_policy.cuh"
#include "mainloop_sm90a_launch.cuh"
#include "mainloop_sm90a_instantiate.h"

namespace mi::attention {

#define MI_SM90A_DENSE_FAMILY(head_dim, element)                                                 \
  MI_SM90A_LAUNCH((AttentionFwdTraits<head_dim, ElementType::element>), (dense::DenseTiles<true>))        \
  MI_SM90A_LAUNCH((AttentionFwdTraits<head_dim, ElementType::element>), (dense::DenseTiles<false>))       \
  MI_SM90A_LAUNCH((AttentionFwdTraits<head_dim, ElementType::element>), (dense::DenseTiles<true, true>)) \
  MI_SM90A_LAUNCH((AttentionFwdTraits<head_dim, ElementType::element>), (ashape::AShapeTiles))

MI_SM90A_DENSE_FAMILY(64, kBFloat16)
MI_SM90A_DENSE_FAMILY(64, kFloat16)
MI_SM90A_DENSE_FAMILY(96, kBFloat16)
MI_SM90A_DENSE_FAMILY(96, kFloat16)
MI_SM90A_DENSE_FAMILY(128, kBFloat16)
MI_SM90A_DENSE_FAMILY(128, kFloat16)

#undef MI_SM90A_DENSE_FAMILY

}  // namespace mi::attention
