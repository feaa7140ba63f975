# corolab_add_lesson(<NN-name>
#   ROOT <dir>             where the exercise files live (and are included from)
#   EXERCISE <file>...     files with #exercise blocks, relative to ROOT
#   TESTS <source>...      the Catch2 tests the exercise must pass
#   [SOURCES <source>...]  other sources the tests (and the stage) need
#   [LIBS <library>...]
#   [STAGE <source>...]    the stage program (lesson_<NN>_stage)
#   [TRACED]               the stage runs coroutines on a loop that records a
#                          trace under COROLAB_TRACE: a test draws it
#   [COMPILE_OPTIONS <option>...]  for every program of the lesson
#   [LINK_OPTIONS <option>...]     for every program of the lesson (lesson
#                                  15 links AddressSanitizer in every preset)
#   [TESTED_CODE <file>            a lesson whose exercise is *tests*: see below
#    MUTANTS <file>])
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
# A lesson whose exercise is writing tests (lesson 16) names the code those
# tests are for (TESTED_CODE, a source file) and a CMake file of mutants:
# broken copies of that code, each made by corolab_mutant(<name> <what is
# wrong> <text> <replacement> [<text> <replacement>...]) at configure time.
# Then each variant's EXERCISE files (the tests) are built once per
# implementation, lesson_<NN>_<variant>_vs_<reference|mutant>, and TESTS is
# the driver that runs them: it includes the generated "mutants.hpp", and
# its test cases pass when the tests pass against the reference and fail
# against every mutant. The driver is lesson_<NN>_<variant>, so ctest and
# `./corolab check` need nothing new.
#
# A starter file shadows its solution through the include path. Starters
# change function bodies only, never a class layout, and the test's own
# objects come first on the link line, so their inline definitions are the
# ones the program uses.
function(corolab_add_lesson lesson)
  cmake_parse_arguments(ARG "TRACED" "ROOT;TESTED_CODE;MUTANTS"
    "EXERCISE;TESTS;SOURCES;LIBS;STAGE;COMPILE_OPTIONS;LINK_OPTIONS" ${ARGN})
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
  if(ARG_TESTED_CODE)
    # The exercise is tests: they go into the programs under test, not the driver.
    set(tested_sources ${solution_sources})
    set(solution_sources "")
    _corolab_make_mutants(${lesson})
  endif()

  if(ARG_COMPILE_OPTIONS MATCHES "-fsanitize")
    add_library(lesson_${number}_catch_main OBJECT ${PROJECT_SOURCE_DIR}/tests/catch_main.cpp)
    target_link_libraries(lesson_${number}_catch_main PUBLIC Catch2::Catch2)
    target_compile_options(lesson_${number}_catch_main PRIVATE ${ARG_COMPILE_OPTIONS})
  endif()
  _corolab_lesson_program(lesson_${number}_solution
    ${ARG_ROOT} "${solution_sources}" "${ARG_TESTS}")
  _corolab_lesson_program(lesson_${number}_starter
    ${starter_dir} "${solution_sources}" "${ARG_TESTS}")
  add_dependencies(lesson_${number}_starter lesson_${number}_starter_files)
  if(ARG_TESTED_CODE)
    _corolab_tests_against_mutants(lesson_${number}_solution ${ARG_ROOT} "${tested_sources}")
    _corolab_tests_against_mutants(lesson_${number}_starter ${starter_dir} "${tested_sources}")
    add_dependencies(lesson_${number}_starter_tests lesson_${number}_starter_files)
  endif()
  if(ARG_STAGE)
    _corolab_lesson_program(lesson_${number}_stage ${ARG_ROOT} "${solution_sources}" "${ARG_STAGE}")
  endif()
  if(EXISTS ${workspace_dir})
    _corolab_lesson_program(lesson_${number}_workspace
      ${workspace_dir} "${solution_sources}" "${ARG_TESTS}")
    # Half-written code may have an unused variable: warn, don't refuse.
    target_compile_options(lesson_${number}_workspace PRIVATE -Wno-error)
    if(ARG_TESTED_CODE)
      _corolab_tests_against_mutants(lesson_${number}_workspace ${workspace_dir}
        "${tested_sources}")
    endif()
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
# the include path. (Uses ARG_ROOT, ARG_SOURCES, ARG_LIBS, ARG_COMPILE_OPTIONS
# and ARG_LINK_OPTIONS from the caller.)
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
    if(ARG_COMPILE_OPTIONS MATCHES "-fsanitize")
      # A lesson that adds a sanitizer (lesson 07) gets a Catch2 main built
      # with it: the shared one comes first on the link line, so its copies
      # of inline library code (std::string's) would be the ones used, and
      # reads through them would go unchecked. Nor can it reuse the shared
      # precompiled header: g++ refuses one built with other options.
      target_link_libraries(${target} PRIVATE lesson_${number}_catch_main Catch2::Catch2)
    else()
      target_link_libraries(${target} PRIVATE corolab_catch_main Catch2::Catch2)
      target_precompile_headers(${target} REUSE_FROM corolab_test_pch)
    endif()
  endif()
  corolab_set_warnings(${target})
  target_compile_options(${target} PRIVATE ${ARG_COMPILE_OPTIONS})
  target_link_options(${target} PRIVATE ${ARG_LINK_OPTIONS})
endfunction()

# --- lessons whose exercise is tests (TESTED_CODE, MUTANTS) ------------------

# corolab_mutant(<name> <what is wrong> <text> <replacement> [<text> <replacement>...]),
# called from a lesson's MUTANTS file: the tested code with each <text>
# (which must occur exactly once) replaced. Texts are taken verbatim
# (ARGV<n>, so semicolons survive): write them as [[bracket arguments]].
function(corolab_mutant name description)
  file(READ ${_COROLAB_TESTED_CODE} code)
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE 2 ${last} 2)
    math(EXPR j "${i} + 1")
    set(text "${ARGV${i}}")
    set(replacement "${ARGV${j}}")
    string(FIND "${code}" "${text}" first)
    string(FIND "${code}" "${text}" final REVERSE)
    if(first EQUAL -1 OR NOT first EQUAL final)
      message(FATAL_ERROR "mutant '${name}': this text is not in ${_COROLAB_TESTED_CODE} "
        "exactly once (did the code change?):\n${text}")
    endif()
    string(REPLACE "${text}" "${replacement}" code "${code}")
  endforeach()
  get_filename_component(file_name ${_COROLAB_TESTED_CODE} NAME)
  set(output ${_COROLAB_MUTANTS_DIR}/${name}/${file_name})
  set(code "// Generated: mutant '${name}' of ${file_name}, which ${description}.\n${code}")
  # Rewritten only when it changes, so that a new configure rebuilds nothing.
  set(old "")
  if(EXISTS ${output})
    file(READ ${output} old)
  endif()
  if(NOT old STREQUAL code)
    file(WRITE ${output} "${code}")
  endif()
  set_property(GLOBAL APPEND PROPERTY _COROLAB_MUTANTS "${name}")
  set_property(GLOBAL PROPERTY "_COROLAB_MUTANT_${name}" "${description}")
endfunction()

# The mutants of ARG_TESTED_CODE, from the file ARG_MUTANTS; each is made
# again when either file changes (a new configure).
function(_corolab_make_mutants lesson)
  set(_COROLAB_TESTED_CODE ${ARG_TESTED_CODE})
  set(_COROLAB_MUTANTS_DIR ${PROJECT_BINARY_DIR}/lessons/${lesson}/mutants)
  set_property(GLOBAL PROPERTY _COROLAB_MUTANTS "")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARG_TESTED_CODE} ${ARG_MUTANTS})
  include(${ARG_MUTANTS})
endfunction()

# For the driver `driver` (lesson_<NN>_<variant>): the variant's tests (in
# `dir`) built against the reference and against each mutant, and the
# driver's generated mutants.hpp naming those programs (`lesson` is the
# caller's, corolab_add_lesson's):
#   COROLAB_TESTS_VS_REFERENCE            the program against the reference
#   COROLAB_FOR_EACH_MUTANT(X)            X("what is wrong", "program") per mutant
# (Uses ARG_* of corolab_add_lesson.)
function(_corolab_tests_against_mutants driver dir tests)
  string(REGEX MATCH "^lesson_[0-9]+" prefix "${driver}")
  get_filename_component(lesson_dir ${ARG_TESTED_CODE} DIRECTORY)
  get_filename_component(file_name ${ARG_TESTED_CODE} NAME)
  get_property(mutants GLOBAL PROPERTY _COROLAB_MUTANTS)
  list(TRANSFORM tests PREPEND ${dir}/)
  # The tests are compiled once; each implementation once, for all variants.
  add_library(${driver}_tests OBJECT ${tests} ${ARG_SOURCES})
  set(header "// Generated by corolab_add_lesson (cmake/CorolabLessons.cmake).\n")
  foreach(implementation reference ${mutants})
    set(code_target ${prefix}_code_${implementation})
    if(NOT TARGET ${code_target})
      if(implementation STREQUAL "reference")
        add_library(${code_target} OBJECT ${ARG_TESTED_CODE})
      else()
        add_library(${code_target} OBJECT
          ${PROJECT_BINARY_DIR}/lessons/${lesson}/mutants/${implementation}/${file_name})
      endif()
      _corolab_setup_tested_object(${code_target} ${lesson_dir})
    endif()
    set(program ${driver}_vs_${implementation})
    add_executable(${program} $<TARGET_OBJECTS:${driver}_tests> $<TARGET_OBJECTS:${code_target}>)
    target_link_libraries(${program} PRIVATE
      corolab::runtime fmt::fmt ${ARG_LIBS} corolab_catch_main Catch2::Catch2)
    add_dependencies(${driver} ${program})
    if(implementation STREQUAL "reference")
      string(APPEND header "#define COROLAB_TESTS_VS_REFERENCE \"$<TARGET_FILE:${program}>\"\n")
      string(APPEND header "#define COROLAB_FOR_EACH_MUTANT(X)")
    else()
      get_property(description GLOBAL PROPERTY "_COROLAB_MUTANT_${implementation}")
      string(APPEND header " \\\n  X(\"${description}\", \"$<TARGET_FILE:${program}>\")")
    endif()
  endforeach()
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/${driver}_generated)
  file(GENERATE OUTPUT ${generated}/mutants.hpp CONTENT "${header}\n")
  target_include_directories(${driver} PRIVATE ${generated})

  # The tests' object library, as a lesson program would compile them.
  target_include_directories(${driver}_tests BEFORE PRIVATE ${dir})
  _corolab_setup_tested_object(${driver}_tests ${lesson_dir})
  target_link_libraries(${driver}_tests PRIVATE Catch2::Catch2)
  target_precompile_headers(${driver}_tests REUSE_FROM corolab_test_pch)
  if(driver MATCHES "workspace$")
    target_compile_options(${driver}_tests PRIVATE -Wno-error)
  endif()
endfunction()

function(_corolab_setup_tested_object target lesson_dir)
  target_include_directories(${target} PRIVATE
    ${ARG_ROOT} ${lesson_dir} ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${target} PRIVATE corolab::runtime fmt::fmt ${ARG_LIBS})
  corolab_set_warnings(${target})
  target_compile_options(${target} PRIVATE ${ARG_COMPILE_OPTIONS})
endfunction()
