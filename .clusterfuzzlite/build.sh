#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for dxt's codec fuzz targets.
# Inputs (set by the base-builder image, or by hand for a local check - see fuzz/README.md):
#   CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE OUT SRC WORK
# Output in $OUT: each <target> binary, <target>_seed_corpus.zip, <target>.options, disco.dict.
# Only the codec is built (it needs Abseil and zlib, nothing else), so the image stays small and the whole
# dxt tree's dependencies (Boost, CLI11, ...) are not needed.

DXT="${DXT_SRC:-$SRC/dxt}"
WORK="${WORK:-$(mktemp -d)}"
mkdir -p "$OUT" "$WORK/obj"

# Abseil: the system's (pkg-config) when it has one, otherwise built from $SRC/abseil-cpp with the
# fuzzing flags (MSan needs every library instrumented).
if ! pkg-config --exists absl_status absl_statusor absl_strings 2>/dev/null; then
  cmake -S "$SRC/abseil-cpp" -B "$WORK/absl-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_C_FLAGS="$CFLAGS" \
    -DCMAKE_CXX_FLAGS="$CXXFLAGS" -DCMAKE_CXX_STANDARD=20 -DABSL_PROPAGATE_CXX_STD=ON \
    -DBUILD_TESTING=OFF -DCMAKE_INSTALL_PREFIX="$WORK/absl"
  cmake --build "$WORK/absl-build" -j"$(nproc)"
  cmake --install "$WORK/absl-build" >/dev/null
  export PKG_CONFIG_PATH="$WORK/absl/lib/pkgconfig:$WORK/absl/lib64/pkgconfig:${PKG_CONFIG_PATH:-}"
fi
ABSL_CFLAGS="$(pkg-config --cflags absl_status absl_statusor absl_strings)"
ABSL_LIBS="$(pkg-config --libs --static absl_status absl_statusor absl_strings)"

CXXSTD="-std=c++20 -Wall -Wextra"
codec_objs=()
for src in "$DXT"/codec/*.cc; do
  obj="$WORK/obj/$(basename "${src%.cc}").o"
  $CXX $CXXFLAGS $CXXSTD $ABSL_CFLAGS -I"$DXT" -c "$src" -o "$obj"
  codec_objs+=("$obj")
done

for fuzzer_src in "$DXT"/fuzz/*_fuzzer.cc; do
  target="$(basename "${fuzzer_src%.cc}")"
  $CXX $CXXFLAGS $CXXSTD $ABSL_CFLAGS -I"$DXT" -c "$fuzzer_src" -o "$WORK/obj/$target.o"
  # -Wl,--start-group: the static Abseil archives reference each other in no fixed order.
  $CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$WORK/obj/$target.o" "${codec_objs[@]}" \
    -Wl,--start-group $ABSL_LIBS -Wl,--end-group -lz -o "$OUT/$target"
  if [[ -d "$DXT/fuzz/corpus/$target" ]]; then
    rm -f "$OUT/${target}_seed_corpus.zip"
    (cd "$DXT/fuzz/corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
    if [[ -d "$DXT/fuzz/regressions/$target" ]]; then
      (cd "$DXT/fuzz/regressions/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" . -x 'README*')
    fi
  fi
  cp "$DXT/fuzz/$target.options" "$OUT/"
done
cp "$DXT/fuzz/dict/disco.dict" "$OUT/"
