#!/usr/bin/env bash
# Checks the dynamic symbol tables of the shared libraries:
#   libcustmgmt.so    exports only custmgmt::... (functions, typeinfo, vtables)
#   libcustmgmt_c.so  exports only cm_* functions
# and that both carry a SONAME (libX.so.MAJOR.MINOR).
#   exported_symbols.sh LIBCUSTMGMT LIBCUSTMGMT_C
set -euo pipefail
status=0
check() {
  local lib=$1 allowed=$2 soname
  soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
  if [ -z "$soname" ]; then
    echo "FAILED: $lib has no SONAME"; status=1
  else
    echo "$lib: SONAME $soname"
  fi
  # Defined dynamic symbols, demangled; the version-script node names (type A)
  # are not symbols of the API.
  local bad
  bad=$(nm -D --defined-only "$lib" | awk '$2 != "A" { $1 = ""; $2 = ""; sub(/^  /, ""); print }' \
        | c++filt | grep -Ev "$allowed" || true)
  local total
  total=$(nm -D --defined-only "$lib" | wc -l)
  if [ -n "$bad" ]; then
    echo "FAILED: $lib exports symbols outside its API:"
    echo "$bad" | head -n 50
    status=1
  else
    echo "$lib: $total exported symbols, all in the API"
  fi
}
check "$1" '^((typeinfo name for |typeinfo for |vtable for |VTT for |guard variable for )?custmgmt::|(non-virtual thunk to |virtual thunk to )custmgmt::)'
check "$2" '^cm_[a-z0-9_]+$'
exit $status
