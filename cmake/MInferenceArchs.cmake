# Turns a CMAKE_CUDA_ARCHITECTURES list ("80;90a-real") into the names users see ("sm_80;sm_90a"),
# reported by mi_compiled_archs() and `minference info`.
function(mi_arch_list_string archs out_var)
  set(names "")
  foreach(arch IN LISTS archs)
    string(REGEX REPLACE "-(real|virtual)$" "" base "${arch}")
    list(APPEND names "sm_${base}")
  endforeach()
  list(JOIN names ";" joined)
  set(${out_var} "${joined}" PARENT_SCOPE)
endfunction()
