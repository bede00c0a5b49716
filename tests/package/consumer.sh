#!/usr/bin/env bash
# Builds and runs a downstream consumer against the custmgmt installed in PREFIX
# (by the package_install test), the way the docs tell a user to:
#   consumer.sh cmake     PREFIX WORK  -- find_package(custmgmt CONFIG REQUIRED)
#                                         (consumer/CMakeLists.txt), C++ and C
#   consumer.sh pkgconfig PREFIX WORK  -- cc $(pkg-config --cflags --libs custmgmt-c)
#                                         and c++ $(pkg-config ... custmgmt)
# Environment: CC, CXX (compilers), CMAKE (cmake binary).
set -euo pipefail
mode=$1
prefix=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
cd "$work"

case $mode in
  cmake)
    # Only the prefix is given: nothing of the source or build tree is visible.
    "${CMAKE:-cmake}" -S "$here/consumer" -B build -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_C_COMPILER="${CC:-cc}" -DCMAKE_CXX_COMPILER="${CXX:-c++}" \
      -DCMAKE_BUILD_TYPE=Release >configure.log || { cat configure.log; exit 1; }
    "${CMAKE:-cmake}" --build build >build.log 2>&1 || { cat build.log; exit 1; }
    # The executables find libcustmgmt through the RPATH CMake gave them.
    ./build/consumer "$work/cxx.db"
    ./build/consumer_c "$work/c.db"
    ;;
  pkgconfig)
    libdir=$(find "$prefix" -name custmgmt-c.pc -printf '%h\n' | head -n1)
    [ -n "$libdir" ] || { echo "no custmgmt-c.pc under $prefix"; exit 1; }
    export PKG_CONFIG_PATH="$libdir"
    pkg-config --exists --print-errors 'custmgmt-c >= 0.1' 'custmgmt >= 0.1'
    echo "pkg-config --cflags --libs custmgmt-c: $(pkg-config --cflags --libs custmgmt-c)"
    # shellcheck disable=SC2046
    "${CC:-cc}" -std=c11 -Wall -Wextra -pedantic -Werror -o consumer_c "$here/consumer/main.c" \
      $(pkg-config --cflags --libs custmgmt-c)
    # shellcheck disable=SC2046
    "${CXX:-c++}" -std=c++17 -Wall -Wextra -pedantic -Werror -o consumer_cxx \
      -DCONSUMER_PACKAGE_VERSION="\"$(pkg-config --modversion custmgmt)\"" \
      -DCONSUMER_MIGRATIONS_DIR="\"$prefix/share/custmgmt/migrations\"" \
      "$here/consumer/main.cpp" $(pkg-config --cflags --libs custmgmt)
    # No RPATH here: the loader is told where the library is, as a user would.
    export LD_LIBRARY_PATH="$(pkg-config --variable=libdir custmgmt-c)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    ./consumer_c "$work/c.db"
    ./consumer_cxx "$work/cxx.db"
    ;;
  *)
    echo "usage: consumer.sh cmake|pkgconfig PREFIX WORK" >&2
    exit 2
    ;;
esac
