// Lesson 04's exercise: the hand-lowered resume() must make exactly the
// same calls, in the same order, as the compiler's coroutine.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "lowered.hpp"
#include "traced.hpp"

using lesson04::drive;
using lesson04::lowered_body;
using lesson04::Trace;
using lesson04::traced_body;

namespace {

// Where the two traces part, in words; empty when they are the same.
std::string first_difference(const Trace& compiled, const Trace& lowered) {
  for (std::size_t i = 0; i < std::max(compiled.size(), lowered.size()); ++i) {
    const std::string expected = i < compiled.size() ? compiled[i] : "(nothing)";
    const std::string actual = i < lowered.size() ? lowered[i] : "(nothing)";
    if (expected != actual) {
      const std::string before = i > 0 ? compiled[i - 1] : "(the start)";
      return fmt::format("after \"{}\", the compiler's trace has \"{}\", yours has \"{}\"", before,
                         expected, actual);
    }
  }
  return "";
}

}  // namespace

TEST_CASE("the compiler's coroutine: every hook, in order") {
  const Trace expected = {
      "caller: call",
      "operator new (the frame)",
      "promise constructed (start 20)",
      "get_return_object",
      "initial_suspend",
      "  initial: await_ready -> false",
      "  initial: await_suspend",
      "caller: resume",
      "  initial: await_resume",
      "body: begins",
      "local constructed",
      "  pause: await_ready -> false",
      "  pause: await_suspend",
      "caller: resume",
      "  pause: await_resume",
      "yield_value(30)",
      "  yield: await_ready -> false",
      "  yield: await_suspend",
      "caller: resume",
      "  yield: await_resume",
      "return_value(40)",
      "local destroyed",
      "final_suspend",
      "  final: await_ready -> false",
      "  final: await_suspend",
      "caller: done",
      "caller: destroy",
      "promise destroyed",
      "operator delete (the frame)",
  };
  CHECK(drive(traced_body, 20, 10) == expected);
}

TEST_CASE("lowered by hand: the same trace when the body runs to the end") {
  CHECK(first_difference(drive(traced_body, 20, 10), drive(lowered_body, 20, 10)) == "");
}

TEST_CASE("lowered by hand: the same trace when the body throws") {
  const Trace compiled = drive(traced_body, -1, 10);
  CHECK(first_difference(compiled, drive(lowered_body, -1, 10)) == "");
  // The local dies in the unwinding, before unhandled_exception runs.
  CHECK(compiled.at(compiled.size() - 9) == "local destroyed");
  CHECK(compiled.at(compiled.size() - 8) == "unhandled_exception");
}

TEST_CASE("lowered by hand: the same trace when destroyed while suspended") {
  for (int resumes = 0; resumes <= 3; ++resumes) {
    INFO("destroyed after " << resumes << " resumes");
    CHECK(first_difference(drive(traced_body, 7, resumes), drive(lowered_body, 7, resumes)) == "");
  }
}

TEST_CASE("lowered by hand: a coroutine destroyed at co_await destroys its local") {
  const Trace trace = drive(lowered_body, 7, 1);
  REQUIRE(trace.size() >= 3);
  CHECK(trace[trace.size() - 3] == "local destroyed");
  CHECK(trace[trace.size() - 2] == "promise destroyed");
  CHECK(trace.back() == "operator delete (the frame)");
}
