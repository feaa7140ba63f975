// Lesson 16's check: your tests, run against the real retrying client and
// against mutants of it, each broken in one way (mutants.cmake). Good tests
// pass against the first and fail against every mutant.
//
// The build makes one program of your tests per client (mutants.hpp, from
// cmake/CorolabLessons.cmake, names them); each test case here runs one of
// them, with a time limit, and reads its exit status.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "mutants.hpp"

namespace {

// A client that makes your tests loop forever is caught too; this long is
// forever here (each test takes milliseconds on virtual time).
constexpr std::chrono::seconds kTimeLimit{20};

struct Run {
  bool passed = false;
  bool timed_out = false;
  std::string output;  // what the program printed: Catch2's report
};

// Runs `program` with its output in `program`.log; kills it after kTimeLimit.
Run run_tests(const std::string& program) {
  const std::string log = program + ".log";
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    ::execl(program.c_str(), program.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  Run run;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + kTimeLimit;
  while (::waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::waitpid(child, &status, 0);
      run.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  run.passed = !run.timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::ostringstream text;
  text << std::ifstream(log).rdbuf();
  run.output = text.str();
  return run;
}

// Your tests must pass against the real client: else failing against a
// mutant proves nothing.
void require_passing_against_the_reference() {
  const Run reference = run_tests(COROLAB_TESTS_VS_REFERENCE);
  if (reference.passed) return;
  // Catch2's report, without its banner.
  const std::string report = reference.output.substr(reference.output.find("\n---") + 1);
  FAIL(
      "your tests fail against the real retrying client (its report follows): a test "
      "must pass against correct code before it can catch a broken one.\n"
      << report);
}

void expect_caught(const std::string& mutant, const std::string& program) {
  require_passing_against_the_reference();
  const Run run = run_tests(program);
  if (run.passed) {
    // The first line is one line for the runner's "Still to write".
    const std::string why = "\nEvery one of your tests passes against it: none would notice.";
    FAIL("lesson 16: write a test for the client that " << mutant << why);
  }
  if (run.timed_out) {
    WARN("caught, but only because your tests ran over " << kTimeLimit.count()
                                                         << " s: bound their waits");
  }
}

}  // namespace

TEST_CASE("your tests pass against the real client") { require_passing_against_the_reference(); }

#define COROLAB_MUTANT_CASE(mutant, program) \
  TEST_CASE("your tests catch the client that " mutant) { expect_caught(mutant, program); }
COROLAB_FOR_EACH_MUTANT(COROLAB_MUTANT_CASE)
