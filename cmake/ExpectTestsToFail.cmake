# cmake -DPROGRAM=<Catch2 test program> -P ExpectTestsToFail.cmake
#
# Passes when the program runs its tests and reports failures: a non-zero
# exit *and* Catch2's summary of failed test cases. A crash or a program that
# never got to run its tests does not count: a starter must fail with a
# message an attendee can read.
execute_process(COMMAND ${PROGRAM}
  RESULT_VARIABLE exit_code OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(exit_code EQUAL 0)
  message(FATAL_ERROR "the starter passes its tests: this exercise asks for nothing\n${output}")
endif()
if(NOT output MATCHES "test cases:[^\n]*failed")
  message(FATAL_ERROR
    "the starter did not fail cleanly (exit ${exit_code}), no Catch2 summary:\n${output}")
endif()
string(REGEX MATCH "test cases:[^\n]*" summary "${output}")
message(STATUS "the starter fails as it should: ${summary}")
