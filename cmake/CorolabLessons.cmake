# corolab_add_lesson(<NN-name>
#   ROOT <dir>             where the exercise files live (and are included from)
#   EXERCISE <file>...     files with #exercise blocks, relative to ROOT
#   TESTS <source>...      the Catch2 tests the exercise must pass
#   [SOURCES <source>...]  other sources the tests (and the stage) need
#   [LIBS <library>...]
#   [STAGE <source>...]    the stage program (lesson_<NN>_stage)
#   [TRACED]               the stage runs coroutines on a loop that records a
#                          trace under COROLAB_TRACE: a test draws it
#   [COMPILE_OPTIONS <option>...])  for every program of the lesson
#
# Builds the same tests three times:
#   lesson_<NN>_solution   against the files in ROOT (the reference)
#   lesson_<NN>_starter    against starters derived from them at build time
#                          (corolab-lessonkit starter), so the two never drift
#   lesson_<NN>_workspace  against workspace/<NN-name>/, the attendee's copy,
#                          once `./corolab start <NN>` has made it
# and registers two ctest tests: the solution passes, and the starter fails
# (an exercise whose starter passes teaches nothing). The stage program is
# built from the solution, and again from the workspace
# (lesson_<NN>_workspace_stage), so that an attendee's experiments show.
#
# A starter file shadows its solution through the include path. Starters
# change function bodies only, never a class layout, and the test's own
# objects come first on the link line, so their inline definitions are the
# ones the program uses.
function(corolab_add_lesson lesson)
  cmake_parse_arguments(ARG "TRACED" "ROOT"
    "EXERCISE;TESTS;SOURCES;LIBS;STAGE;COMPILE_OPTIONS" ${ARGN})
  string(REGEX MATCH "^[0-9]+" number "${lesson}")
  set(starter_dir ${PROJECT_BINARY_DIR}/lessons/${lesson}/starter)
  set(workspace_dir ${PROJECT_SOURCE_DIR}/workspace/${lesson})

  # The runner reads this to know which files an attendee gets.
  set(manifest "")
  set(starter_files "")
  foreach(file IN LISTS ARG_EXERCISE)
    string(APPEND manifest "${ARG_ROOT}/${file}\t${file}\n")
    add_custom_command(
      OUTPUT ${starter_dir}/${file}
      COMMAND corolab-lessonkit starter ${ARG_ROOT}/${file} ${starter_dir}/${file}
      DEPENDS corolab-lessonkit ${ARG_ROOT}/${file}
      COMMENT "Deriving the starter of lesson ${number}: ${file}")
    list(APPEND starter_files ${starter_dir}/${file})
  endforeach()
  file(WRITE ${PROJECT_BINARY_DIR}/lessons/${lesson}/exercise-files.tsv "${manifest}")
  add_custom_target(lesson_${number}_starter_files DEPENDS ${starter_files})

  # Exercise files that are sources (not headers) are compiled into the tests.
  set(solution_sources ${ARG_EXERCISE})
  list(FILTER solution_sources INCLUDE REGEX "\\.cpp$")

  _corolab_lesson_program(lesson_${number}_solution
    ${ARG_ROOT} "${solution_sources}" "${ARG_TESTS}")
  _corolab_lesson_program(lesson_${number}_starter
    ${starter_dir} "${solution_sources}" "${ARG_TESTS}")
  add_dependencies(lesson_${number}_starter lesson_${number}_starter_files)
  if(ARG_STAGE)
    _corolab_lesson_program(lesson_${number}_stage ${ARG_ROOT} "${solution_sources}" "${ARG_STAGE}")
  endif()
  if(EXISTS ${workspace_dir})
    _corolab_lesson_program(lesson_${number}_workspace
      ${workspace_dir} "${solution_sources}" "${ARG_TESTS}")
    # Half-written code may have an unused variable: warn, don't refuse.
    target_compile_options(lesson_${number}_workspace PRIVATE -Wno-error)
    if(ARG_STAGE)
      _corolab_lesson_program(lesson_${number}_workspace_stage
        ${workspace_dir} "${solution_sources}" "${ARG_STAGE}")
      target_compile_options(lesson_${number}_workspace_stage PRIVATE -Wno-error)
    endif()
  endif()

  add_test(NAME "lesson ${lesson}: the solution passes" COMMAND lesson_${number}_solution)
  add_test(NAME "lesson ${lesson}: the starter fails"
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:lesson_${number}_starter>
            -P ${PROJECT_SOURCE_DIR}/cmake/ExpectTestsToFail.cmake)
  set_tests_properties("lesson ${lesson}: the solution passes" "lesson ${lesson}: the starter fails"
    PROPERTIES LABELS lessons TIMEOUT 300)
  if(ARG_TRACED)
    set(trace_test "lesson ${lesson}: the stage program's trace draws")
    corolab_add_trace_test("${trace_test}" lesson_${number}_stage
      ${PROJECT_BINARY_DIR}/lessons/${lesson}/stage-trace.json)
    set_tests_properties("${trace_test}" PROPERTIES LABELS lessons)
  endif()
endfunction()

# corolab_add_trace_test(<test name> <program target> <trace.json> [ARGS <arg>...]):
# the program, run under COROLAB_TRACE, writes a trace that corolab-trace-svg
# draws (cmake/TraceDraws.cmake).
function(corolab_add_trace_test name program trace)
  cmake_parse_arguments(ARG "" "" "ARGS" ${ARGN})
  add_test(NAME "${name}"
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${program}> "-DARGS=${ARG_ARGS}"
            -DTRACE=${trace}
            -DDRAW=$<TARGET_FILE:corolab-trace-svg> -P ${PROJECT_SOURCE_DIR}/cmake/TraceDraws.cmake)
  set_tests_properties("${name}" PROPERTIES TIMEOUT 120)
endfunction()

# One program of a lesson (its tests, or its stage), with `dir` first on
# the include path. (Uses ARG_ROOT, ARG_SOURCES, ARG_LIBS and
# ARG_COMPILE_OPTIONS from the caller.)
function(_corolab_lesson_program target dir exercise_sources main_sources)
  list(TRANSFORM exercise_sources PREPEND ${dir}/)
  add_executable(${target} ${main_sources} ${ARG_SOURCES} ${exercise_sources})
  target_include_directories(${target} BEFORE PRIVATE ${dir})
  # ROOT after it: the solution's files that are not exercises (headers,
  # given code) are found there by every variant.
  target_include_directories(${target} PRIVATE
    ${ARG_ROOT} ${PROJECT_SOURCE_DIR}/tests ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${target} PRIVATE corolab::runtime fmt::fmt ${ARG_LIBS})
  if(NOT target MATCHES "stage$")
    target_link_libraries(${target} PRIVATE corolab_catch_main Catch2::Catch2)
    target_precompile_headers(${target} REUSE_FROM corolab_test_pch)
  endif()
  corolab_set_warnings(${target})
  target_compile_options(${target} PRIVATE ${ARG_COMPILE_OPTIONS})
endfunction()
