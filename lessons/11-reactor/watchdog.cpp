// A wrong interest list or a lost wake-up does not fail a reactor test: it
// makes it wait forever, and `./corolab check 11` would just hang. So each
// test case gets 30 seconds; then this stops the program and names the test,
// in the shape of a Catch2 report (the lines of - and = are what
// `./corolab check` shows of the output).
#include <signal.h>
#include <unistd.h>

// Listeners are part of Catch2's "external interfaces" (hence no
// precompiled header for this file: see CMakeLists.txt).
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <string_view>

namespace {

constexpr unsigned kSecondsPerTest = 30;

char running_test[512];  // its name: a signal handler may not allocate
std::size_t running_test_length = 0;

void write_text(std::string_view text) {
  if (::write(STDERR_FILENO, text.data(), text.size()) < 0) _exit(3);
}

extern "C" void report_stuck_test(int) {
  // Only async-signal-safe calls in here: write() and _exit().
  write_text("\n-------------------------------------------------------------------------------\n");
  write_text(std::string_view(running_test, running_test_length));
  write_text(
      "\n-------------------------------------------------------------------------------\n"
      "lesson 11: this test waited 30 s for a readiness event that never came, and was stopped.\n"
      "  Is a watched fd missing from the interest list (step 1), or is a ready fd\n"
      "  not told to its reader or writer (step 3: errors and hang-ups too)?\n"
      "===============================================================================\n");
  _exit(3);
}

class Watchdog : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(const Catch::TestCaseInfo& test) override {
    running_test_length = std::min(test.name.size(), sizeof running_test);
    std::copy_n(test.name.data(), running_test_length, running_test);
    ::signal(SIGALRM, report_stuck_test);
    ::alarm(kSecondsPerTest);
  }
  void testCaseEnded(const Catch::TestCaseStats&) override { ::alarm(0); }
};

}  // namespace

CATCH_REGISTER_LISTENER(Watchdog)
