# cmake -DPROGRAM=<program> [-DARGS=a;b] -DTRACE=<file.json> -DDRAW=<corolab-trace-svg>
#       -P TraceDraws.cmake
#
# Runs a program under COROLAB_TRACE and draws its trace: passes when the
# program succeeds, the trace is valid enough for corolab-trace-svg, and the
# picture has at least one coroutine's run in it.
file(REMOVE ${TRACE})
execute_process(COMMAND ${CMAKE_COMMAND} -E env COROLAB_TRACE=${TRACE} ${PROGRAM} ${ARGS}
  RESULT_VARIABLE exit_code OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT exit_code EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} failed (exit ${exit_code}) under COROLAB_TRACE:\n${output}")
endif()
if(NOT EXISTS ${TRACE})
  message(FATAL_ERROR "${PROGRAM} wrote no trace to ${TRACE}: does it run on an event loop?")
endif()
file(READ ${TRACE} trace)
if(NOT trace MATCHES "\"cat\": \"run\"")
  message(FATAL_ERROR "the trace ${TRACE} records no coroutine's run")
endif()
string(REGEX REPLACE "\\.json$" ".svg" picture ${TRACE})
execute_process(COMMAND ${DRAW} ${TRACE} ${picture} RESULT_VARIABLE exit_code ERROR_VARIABLE output)
if(NOT exit_code EQUAL 0)
  message(FATAL_ERROR "corolab-trace-svg could not draw ${TRACE}:\n${output}")
endif()
file(READ ${picture} svg)
if(NOT svg MATCHES "^<svg" AND NOT svg MATCHES "<svg ")
  message(FATAL_ERROR "${picture} is not an SVG picture")
endif()
message(STATUS "traced and drawn: ${picture}")
