# cmake -DPROGRAM=<lesson_13_publication_race> -P expect_data_race.cmake
#
# Passes when ThreadSanitizer reports the racy hand-back's data race, between
# await_suspend (the loop's thread) and await_resume (the pool's). Run in the
# tsan preset only: without ThreadSanitizer, the race is only a chance.
execute_process(COMMAND ${PROGRAM} racy
  RESULT_VARIABLE exit_code OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT output MATCHES "WARNING: ThreadSanitizer: data race")
  message(FATAL_ERROR "no data race reported (exit ${exit_code}):\n${output}")
endif()
if(NOT output MATCHES "await_suspend" OR NOT output MATCHES "await_resume")
  message(FATAL_ERROR "a data race, but not between await_suspend and await_resume:\n${output}")
endif()
message(STATUS "ThreadSanitizer caught it (exit ${exit_code})")
