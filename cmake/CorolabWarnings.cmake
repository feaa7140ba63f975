# Compiler flags shared by every corolab target.

# corolab_tail_calls(<target> <PRIVATE|INTERFACE|PUBLIC>)
#
# Why: symmetric transfer (await_suspend returning a coroutine_handle) only
# avoids growing the stack if the compiler turns the resume of the next
# coroutine into a tail call. Clang always does. g++ does not at -O0 (Debug),
# so a long chain of awaits that complete synchronously (e.g. a loop doing
# `co_await task_that_returns_at_once()` a million times) overflows the stack.
# -foptimize-sibling-calls makes g++ emit those tail calls in Debug builds too.
# The generator expression is evaluated per consumer, so a clang consumer of an
# installed corolab never sees the flag.
function(corolab_tail_calls target scope)
  target_compile_options(${target} ${scope}
    $<$<CXX_COMPILER_ID:GNU>:-foptimize-sibling-calls>)
endfunction()

# corolab_set_warnings(<target>)
#
# -Wall -Wextra for g++ and clang++, plus -Werror when COROLAB_WERROR is on,
# and the tail-call flag above for the target's own sources.
function(corolab_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra)
    if(COROLAB_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
  # g++ 12 at -O2/-O3 warns that std::string's own memcpy may overlap when
  # strings are concatenated (GCC bug 105651, fixed in g++ 13): a false
  # positive in libstdc++, not in our code. Silenced for g++ < 13 only.
  # Its -Warray-bounds and -Wstringop-overread have the same kind of false
  # positive inside std::string's char_traits::copy, when strings are built
  # at -O2.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-array-bounds -Wno-stringop-overread)
  endif()
  corolab_tail_calls(${target} PRIVATE)
endfunction()
