# cmake -DBUILD_DIR=... -DPREFIX=... -DEXPECT="rel;paths" -P install_tree.cmake
# Installs the build tree into a fresh PREFIX (as a user would with
# `cmake --install build --prefix P`) and checks that every EXPECTed file is there.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${PREFIX} failed: ${rc}")
endif()
set(missing)
foreach(path IN LISTS EXPECT)
  if(NOT EXISTS "${PREFIX}/${path}")
    list(APPEND missing "${path}")
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "not installed under ${PREFIX}: ${missing}")
endif()
message(STATUS "installed into ${PREFIX}")
