// Lesson 07: each scenario of lifetimes.cpp, run in a child process under
// AddressSanitizer (asan_lab.hpp), must end cleanly with the right result.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/sync_wait.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "asan_lab.hpp"
#include "lifetimes.hpp"

using lesson07::ChildRun;
using lesson07::run_in_child;

namespace {

// How the child ended, in words, with the gist of AddressSanitizer's report.
std::string what_happened(const ChildRun& run, const char* scenario) {
  std::string text;
  if (run.reported()) {
    text = fmt::format(
        // The first line is what ./corolab check lists as still to write: short
        // enough for Catch2 not to wrap it.
        "lesson 07: start {}: AddressSanitizer stopped it.\n"
        "Its whole report is printed above; the lines to read first:\n\n{}",
        scenario, lesson07::gist_of_report(run.errors));
  } else if (!run.exited) {
    text = fmt::format(
        "the scenario was killed by signal {}{}", run.signal,
        run.signal == SIGALRM ? " (it did not end in time: does it wait forever?)" : "");
  } else {
    text = fmt::format("the scenario exited with {}", run.exit_code);
  }
  return text;
}

// The test of one scenario: the child ran it cleanly, and it returned
// `expected`. Whatever the child wrote on its standard error (ASan's whole
// report) is copied to ours, so that it stands in the test's log.
void check_scenario(const ChildRun& run, const std::string& expected, const char* scenario) {
  if (!run.errors.empty()) {
    fmt::print(stderr, "--- {}: what the child process wrote on its standard error ---\n{}",
               scenario, run.errors);
    std::fflush(stderr);
  }
  INFO(what_happened(run, scenario));
  CHECK(run.clean());
  if (run.clean()) CHECK(run.result == expected);
}

}  // namespace

TEST_CASE("lesson 07: the lab runs its scenarios under AddressSanitizer") {
  // A use after free on purpose: the harness must see ASan stop the child.
  const ChildRun run = run_in_child([] {
    std::vector<int> numbers{1, 2, 3};
    const int* first = numbers.data();
    numbers = std::vector<int>(100);  // frees the old array
    return std::to_string(*first);
  });
  INFO(run.errors);
  CHECK(run.reported());
  CHECK(run.errors.find("heap-use-after-free") != std::string::npos);
  CHECK_FALSE(run.clean());
}

TEST_CASE("lesson 07: scenario 1, a task counts the words of a letter made for it") {
  const ChildRun run = run_in_child([] {
    return std::to_string(corolab::sync_wait(lesson07::words_in_welcome("Ada Lovelace")));
  });
  check_scenario(run, "8", "scenario 1 (count_words)");
}

TEST_CASE("lesson 07: scenario 2, a spawned task per guest writes a welcome") {
  const ChildRun run = run_in_child([] {
    corolab::EventLoop loop;
    lesson07::Guestbook book;
    loop.spawn(lesson07::welcome_all({"Ada Lovelace", "Grace Hopper", "Barbara Liskov"}, &book));
    loop.run();
    return fmt::format("{}", fmt::join(book, " "));
  });
  check_scenario(run, "Welcome, Ada Lovelace! Welcome, Grace Hopper! Welcome, Barbara Liskov!",
                 "scenario 2 (welcome)");
}

TEST_CASE("lesson 07: scenario 3, jobs make tasks that count the words of lines") {
  const ChildRun run = run_in_child([] {
    corolab::EventLoop loop;
    std::size_t total = 0;
    lesson07::start_jobs(lesson07::counting_jobs(
        {"a coroutine frame outlives the call that made it",
         "and everything it refers to must live as long", "or be copied into it"},
        &total));
    loop.run();
    return std::to_string(total);
  });
  check_scenario(run, "23", "scenario 3 (counting_jobs)");
}

TEST_CASE("lesson 07: scenario 4, a reader awaits the letter a postman brings") {
  const ChildRun run = run_in_child([] {
    return std::to_string(corolab::sync_wait(
        lesson07::words_in_first_letter("The letter you await is handed over in the awaiter.")));
  });
  check_scenario(run, "10", "scenario 4 (next_letter)");
}
