# Sourced by the one-call GPU scripts (both-mainloops.sh, hopper-verify.sh): $out (from $OUT, else
# the script's default $1), the call's budget $limit (CALL_LIMIT, default 570 s) with left() and
# step(), the bundle (.gpu/bundle.tar.xz) unpacked into a fresh folder as $bin, $lib and cli, and
# the card's name in $out/gpu.txt.
set -u
out=${OUT:-$1}
mkdir -p "$out"
limit=${CALL_LIMIT:-570}
left() { echo $(( limit - SECONDS )); }
step() { echo "== $1 at ${SECONDS}s"; }
bundle=$(mktemp -d)
tar -C "$bundle" -xJf .gpu/bundle.tar.xz
bin=$bundle/bundle
lib=$bin/libminference.so
cli=(dotnet "$bin/minference.dll")
nvidia-smi --query-gpu=name,clocks.max.sm --format=csv,noheader | tee "$out/gpu.txt"
