#pragma once
// Lesson 07's harness: each scenario runs in a child process (fork) built
// with AddressSanitizer, which stops the child at its first bad memory access
// and prints a report on its standard error. The test then reads how the
// child ended, what the scenario returned, and the report.
//
// Why a child, and not ASan's recover mode (-fsanitize-recover=address with
// halt_on_error=0, where the program goes on after a report): after a use
// after free, the program reads memory that ASan's allocator has written its
// own bookkeeping into (the first 8 bytes of a freed block), so the next
// pointer it follows can crash it anywhere. And a report in recover mode
// leaves no trace the test could ask for afterwards: __asan_report_present()
// is true only while the report is being made (checked with g++ 12 and
// clang++ 14: 0 after it). A child that dies takes nothing with it.

#include <functional>
#include <string>

namespace lesson07 {

struct ChildRun {
  bool exited = false;  // on its own (else killed by a signal)
  int exit_code = 0;    // when it exited; AddressSanitizer exits with 1
  int signal = 0;       // when it was killed
  std::string result;   // what the scenario returned
  std::string errors;   // what the child wrote on its standard error

  bool reported() const;  // AddressSanitizer wrote a report
  bool clean() const { return exited && exit_code == 0 && !reported(); }
};

// Runs `scenario` in a child process, which gets `seconds` to end.
ChildRun run_in_child(const std::function<std::string()>& scenario, unsigned seconds = 30);

// The lines of an AddressSanitizer report to read first: what went wrong,
// and the first frames of each stack (the access, then who freed the memory
// and who allocated it) that are not the sanitizer's or the standard
// library's. Addresses and folders are left out, to fit a terminal.
std::string gist_of_report(const std::string& report);

}  // namespace lesson07
