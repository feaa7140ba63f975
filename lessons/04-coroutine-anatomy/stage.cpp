// Lesson 04 stage: a coroutine's life, call by call.
//
//   1-3. traced_body as the compiler builds it (left) and lowered by hand
//        (right), run to the end, failing, and destroyed while suspended;
//        a `!=` marks a line where the two differ;
//   4.   the three forms of await_suspend.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>

#include "await_forms.hpp"
#include "lowered.hpp"
#include "traced.hpp"

namespace {

using lesson04::Trace;

// Prints the two traces next to each other, from line `first` on.
void side_by_side(const char* title, int start, int resumes, std::size_t first = 0) {
  const Trace compiled = lesson04::drive(lesson04::traced_body, start, resumes);
  const Trace lowered = lesson04::drive(lesson04::lowered_body, start, resumes);
  fmt::print("{}\n  {:<36}   {}\n", title, "the compiler's", "lowered by hand");
  if (first > 0) fmt::print("  (the first {} lines as in 1)\n", first);
  for (std::size_t i = first; i < std::max(compiled.size(), lowered.size()); ++i) {
    const std::string left = i < compiled.size() ? compiled[i] : "";
    const std::string right = i < lowered.size() ? lowered[i] : "";
    fmt::print("  {:<36} {} {}\n", left, left == right ? " " : "!=", right);
  }
  fmt::print("  => {}\n\n", compiled == lowered ? "the same" : "DIFFERENT");
}

void show(const char* title, const lesson04::Log& log) {
  fmt::print("  {:<44} log: {}\n", title, fmt::join(log, ", "));
}

}  // namespace

int main() {
  side_by_side("1. traced_body(trace, 20), resumed until it is done:", 20, 10);
  side_by_side("2. traced_body(trace, -1): the body throws after the co_await:", -1, 10, 14);
  side_by_side("3. traced_body(trace, 7), destroyed while suspended at `co_await pause`:", 7, 1,
               11);

  fmt::print("4. the three forms of await_suspend, after one resume():\n");
  {
    lesson04::Log log;
    lesson04::Job job = lesson04::pause_once(&log);
    job.resume();
    show("void: suspended", log);
  }
  {
    lesson04::Log log;
    lesson04::Job job = lesson04::pause_if(&log, false);
    job.resume();
    show("bool, false: went on without suspending", log);
  }
  {
    lesson04::Log log;
    lesson04::Job b = lesson04::other(&log);
    lesson04::Job a = lesson04::switch_to(&log, b.handle());
    a.resume();
    show("coroutine_handle: A suspended, B ran instead", log);
  }
}
