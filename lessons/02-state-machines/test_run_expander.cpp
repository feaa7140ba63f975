// Lesson 02: the hand-written (switch-based) coroutine yields exactly what
// the ordinary loop computes, one value per call.
#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "run_expander.hpp"

using lesson02::expand_runs;
using lesson02::RunExpander;

namespace {

std::string drain(RunExpander& expander) {
  std::string out;
  while (std::optional<char> c = expander.resume()) out += *c;
  return out;
}

}  // namespace

TEST_CASE("the switch coroutine yields the same sequence as the ordinary loop") {
  for (const char* encoded : {"3a2b1c", "", "1x", "0a3b", "9z", "2a0b2c"}) {
    RunExpander expander(encoded);
    CHECK(drain(expander) == expand_runs(encoded));
  }
  CHECK(expand_runs("3a2b1c") == "aaabbc");
}

TEST_CASE("the switch coroutine pauses between calls") {
  RunExpander expander("2a1b");
  CHECK(expander.resume() == 'a');
  CHECK(expander.resume() == 'a');
  CHECK(expander.resume() == 'b');
  CHECK(expander.resume() == std::nullopt);
  CHECK(expander.resume() == std::nullopt);  // finished stays finished
}

TEST_CASE("two switch coroutines keep their own state: it lives in the object, not in statics") {
  RunExpander first("3a");
  RunExpander second("2b");
  std::string interleaved;
  for (int i = 0; i < 3; ++i) {
    if (auto c = first.resume()) interleaved += *c;
    if (auto c = second.resume()) interleaved += *c;
  }
  CHECK(interleaved == "ababa");
}
