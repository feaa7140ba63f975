# Run by the install.find_package test (see CMakeLists.txt beside this file):
#   1. cmake --install <COROLAB_BUILD_DIR> --prefix <SCRATCH_DIR>/prefix
#   2. configure consumer/ against that prefix with the same compiler and flags
#   3. build it and run it; any nonzero result fails the test.
foreach(var COROLAB_BUILD_DIR SCRATCH_DIR CONSUMER_SOURCE_DIR CXX_COMPILER)
  if(NOT ${var})
    message(FATAL_ERROR "check_install.cmake: pass -D${var}=...")
  endif()
endforeach()

set(prefix ${SCRATCH_DIR}/prefix)
set(consumer_build ${SCRATCH_DIR}/consumer-build)
file(REMOVE_RECURSE ${SCRATCH_DIR})  # never test against a stale install

# run_step(<what> <command>...): run a command, fail the test if it fails.
function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc COMMAND_ECHO STDOUT)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install.find_package: ${what} failed: ${rc}")
  endif()
endfunction()

run_step("cmake --install"
  ${CMAKE_COMMAND} --install ${COROLAB_BUILD_DIR} --prefix ${prefix})

if(GENERATOR)
  set(generator_arg -G ${GENERATOR})
endif()
run_step("configuring the consumer"
  ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${consumer_build} ${generator_arg}
    -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
    -DCMAKE_CXX_FLAGS=${CXX_FLAGS}
    -DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
    -DCOROLAB_EXPECTED_VERSION=${COROLAB_VERSION})

# The package must come from the scratch prefix, not from some other install.
file(STRINGS ${consumer_build}/CMakeCache.txt found_dir REGEX "^corolab_DIR:")
string(FIND "${found_dir}" "${prefix}/" at)
if(at EQUAL -1)
  message(FATAL_ERROR "install.find_package: corolab found elsewhere: ${found_dir}")
endif()

# g++ consumers must get the tail-call flag from corolab::runtime's interface
# (see cmake/CorolabWarnings.cmake for why).
if(CXX_COMPILER_ID STREQUAL "GNU")
  file(READ ${consumer_build}/compile_commands.json commands)
  string(FIND "${commands}" "-foptimize-sibling-calls" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "install.find_package: consumer not compiled with -foptimize-sibling-calls")
  endif()
endif()

run_step("building the consumer" ${CMAKE_COMMAND} --build ${consumer_build})
run_step("running the consumer" ${consumer_build}/consumer)
