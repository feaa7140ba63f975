// A stand-in for a lesson's test program, for tests/workshop/check_runner.sh:
// one test passes, one fails as a starter does, and (only when asked, so
// that nothing else ever runs it) one hangs.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <stdexcept>

TEST_CASE("adds, as it should") { CHECK(1 + 1 == 2); }

TEST_CASE("a starter's function, not written yet") {
  throw std::logic_error("lesson 99: write the_mechanism");
}

TEST_CASE("waits for a wake-up that never comes, [when asked]") {
  if (std::getenv("RUNNER_FIXTURE_HANG") == nullptr) return;
  std::puts("waiting for a wake-up...");
  std::fflush(stdout);
  while (true) ::pause();  // only a signal ends it: the runner's time limit, or Ctrl-C
}
