#!/usr/bin/env bash
# Checks that every sm_90a attention kernel in the library issues warpgroup MMAs (HGMMA in its
# SASS: issue #12's "SASS shows HGMMA"). Needs cuobjdump with nvdisasm (the GPU machine's CUDA
# toolkit; the shared toolchain here has no nvdisasm).
#     bench/check-sass.sh [libminference.so]
set -euo pipefail
lib=${1:-build/native/libminference.so}
list=$(mktemp)
trap 'rm -f "$list"' EXIT
# One line per sm_90a attention kernel: its mangled name and 1 if an HGMMA appears in its body.
cuobjdump -sass -arch sm_90a "$lib" |
  awk '/Function :/ { if (name != "") print name, hg; name = $3; hg = 0; next }
       /HGMMA/ { hg = 1 }
       END { if (name != "") print name, hg }' |
  grep attention_fwd_sm90_kernel > "$list" || true
total=$(wc -l < "$list")
with=$(awk '$2 == 1' "$list" | wc -l)
echo "sm_90a attention kernels: $total, with HGMMA: $with"
awk '$2 == 0 { print $1 }' "$list" | c++filt | head -n 5
[ "$total" -gt 0 ] && [ "$with" -eq "$total" ]
