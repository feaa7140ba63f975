// The tracer: rows of runs and waits, written as Chrome Trace Event JSON.
#include "corolab/detail/tracer.hpp"

#include <cxxabi.h>
#include <fmt/core.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>

#include "corolab/event_loop.hpp"

namespace corolab {

std::string default_trace_file() {
  const char* path = std::getenv("COROLAB_TRACE");
  return path == nullptr ? std::string() : std::string(path);
}

}  // namespace corolab

namespace corolab::detail {

std::string readable_type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  std::string name = status == 0 ? demangled.get() : type.name();
  for (std::string_view prefix : {"corolab::detail::", "corolab::"}) {
    for (auto at = name.find(prefix); at != std::string::npos; at = name.find(prefix)) {
      name.erase(at, prefix.size());
    }
  }
  return name;
}

namespace {

constexpr int pid = 1;  // one loop, one "process"

// A JSON string literal: quotes, backslashes and control characters escaped.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + '"';
}

std::string address(std::coroutine_handle<> handle) { return fmt::format("{}", handle.address()); }

// A program may make several loops (one after another, or one per thread):
// each gets a file of its own. The first keeps the name, the next ones are
// numbered: trace.json, trace.2.json, trace.3.json...
std::string file_for_next_loop(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, int> loops_per_path;
  int loop_number = 0;
  {
    std::lock_guard lock(mutex);
    loop_number = ++loops_per_path[path];
  }
  if (loop_number == 1) return path;
  const std::string::size_type dot = path.rfind('.');
  const std::string::size_type slash = path.rfind('/');
  const bool has_extension =
      dot != std::string::npos && (slash == std::string::npos || dot > slash);
  const std::string::size_type cut = has_extension ? dot : path.size();
  return fmt::format("{}.{}{}", path.substr(0, cut), loop_number, path.substr(cut));
}

}  // namespace

Tracer::Tracer(const std::string& path)
    : path_(file_for_next_loop(path)), file_(std::fopen(path_.c_str(), "w")) {
  if (file_ == nullptr)
    throw std::system_error(errno, std::generic_category(), "COROLAB_TRACE " + path_);
  fmt::print(file_, "{{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
  event(fmt::format(R"({{"ph": "M", "pid": {}, "name": "process_name", )"
                    R"("args": {{"name": "corolab event loop"}}}})",
                    pid));
}

Tracer::~Tracer() {
  fmt::print(file_, "\n]}}\n");
  std::fclose(file_);
}

// --- Rows ------------------------------------------------------------------

int Tracer::new_row(std::string name) {
  const int row = static_cast<int>(rows_.size());
  // Name the row, and keep rows in order of creation.
  event(fmt::format(
      R"({{"ph": "M", "pid": {}, "tid": {}, "name": "thread_name", "args": {{"name": {}}}}})", pid,
      row + 1, quoted(name)));
  event(fmt::format(R"({{"ph": "M", "pid": {}, "tid": {}, "name": "thread_sort_index", )"
                    R"("args": {{"sort_index": {}}}}})",
                    pid, row + 1, row + 1));
  rows_.emplace_back().name = std::move(name);
  return row;
}

// A coroutine we have not seen start (not a spawned task) gets a row of its own.
int Tracer::row_of(std::coroutine_handle<> handle) {
  if (auto found = row_of_handle_.find(handle.address()); found != row_of_handle_.end()) {
    return found->second;
  }
  const int row = new_row("coroutine " + address(handle));
  row_of_handle_[handle.address()] = row;
  return row;
}

// --- The loop's hooks ------------------------------------------------------

void Tracer::task_started(std::coroutine_handle<> start, std::string_view name) {
  const int row = new_row(std::string(name));
  row_of_handle_[start.address()] = row;
  rows_[row].waiting_for = "ready to start";
  rows_[row].waiting_since = Clock::now();
  if (running_ == no_row) return;
  // An arrow (a "flow" in the format) from the spawner to the task's first run.
  instant(running_, "spawn", fmt::format("spawn {}", name));
  rows_[row].arrow = ++arrows_;
  event(fmt::format(R"({{"ph": "s", "pid": {}, "tid": {}, "ts": {:.3f}, "id": {}, )"
                    R"("name": "spawn", "cat": "spawn"}})",
                    pid, running_ + 1, micros(Clock::now()), arrows_));
}

void Tracer::became_ready(std::coroutine_handle<> handle) {
  // Not seen before, and queued while a coroutine runs: that coroutine (or
  // one it awaits) yielded, and it keeps its row.
  auto found = row_of_handle_.find(handle.address());
  if (found == row_of_handle_.end() && running_ != no_row) {
    row_of_handle_[handle.address()] = running_;
    rows_[running_].waiting_for = "yield (ready queue)";
  } else if (found != row_of_handle_.end() && found->second == running_ &&
             rows_[running_].waiting_for.empty()) {
    rows_[running_].waiting_for = "yield (ready queue)";
  }
}

void Tracer::resuming(std::coroutine_handle<> handle) {
  const int row = row_of(handle);
  const TimePoint now = Clock::now();
  Row& r = rows_[row];
  if (!r.waiting_for.empty()) {
    complete(row, "wait", r.waiting_for, r.waiting_since, now, handle);
    r.waiting_for.clear();
  }
  if (r.arrow != 0) {
    event(fmt::format(R"({{"ph": "f", "bp": "e", "pid": {}, "tid": {}, "ts": {:.3f}, "id": {}, )"
                      R"("name": "spawn", "cat": "spawn"}})",
                      pid, row + 1, micros(now), r.arrow));
    r.arrow = 0;
  }
  running_ = row;
  running_handle_ = handle;
  running_since_ = now;
}

void Tracer::resumed() {
  const TimePoint now = Clock::now();
  Row& r = rows_[running_];
  complete(running_, "run", r.name, running_since_, now, running_handle_);
  // What it waits for was told by an awaiter during the run; if nothing
  // was, it finished, or waits on something the loop cannot see.
  if (r.waiting_for.empty()) r.waiting_for = "suspended";
  r.waiting_since = now;
  running_ = no_row;
}

void Tracer::timer_fired(std::coroutine_handle<> handle) {
  instant(row_of(handle), "timer", "timer fired");
}

// --- The awaiters' hooks ---------------------------------------------------

void Tracer::waits(std::coroutine_handle<> suspended, std::string what) {
  // The coroutine that suspends is part of the run in progress.
  const int row = running_ != no_row ? running_ : row_of(suspended);
  row_of_handle_[suspended.address()] = row;
  rows_[row].waiting_for = std::move(what);
}

void Tracer::waits_in(std::coroutine_handle<> suspended, const std::type_info& awaiter) {
  waits(suspended, "queued: " + readable_type_name(awaiter));
}

void Tracer::waits_for_timer(std::coroutine_handle<> suspended, Duration due_in) {
  const double ms = std::chrono::duration<double, std::milli>(due_in).count();
  waits(suspended, fmt::format("timer {:.3g} ms", ms));
}

void Tracer::waits_for_fd(std::coroutine_handle<> suspended, int fd, IoDirection direction) {
  waits(suspended,
        fmt::format("fd {} {}", fd, direction == IoDirection::read ? "readable" : "writable"));
}

void Tracer::fd_ready(std::coroutine_handle<> handle, int fd, IoDirection direction) {
  instant(row_of(handle), "io",
          fmt::format("fd {} {}", fd, direction == IoDirection::read ? "readable" : "writable"));
}

// --- Writing events --------------------------------------------------------

double Tracer::micros(TimePoint t) const noexcept {
  return std::chrono::duration<double, std::micro>(t - origin_).count();
}

void Tracer::instant(int row, std::string_view category, std::string_view name) {
  event(fmt::format(
      R"({{"ph": "i", "s": "t", "pid": {}, "tid": {}, "ts": {:.3f}, "cat": {}, "name": {}}})", pid,
      row + 1, micros(Clock::now()), quoted(category), quoted(name)));
}

void Tracer::complete(int row, std::string_view category, std::string_view name, TimePoint begin,
                      TimePoint end, std::coroutine_handle<> handle) {
  event(fmt::format(R"({{"ph": "X", "pid": {}, "tid": {}, "ts": {:.3f}, "dur": {:.3f}, "cat": {}, )"
                    R"("name": {}, "args": {{"handle": "{}"}}}})",
                    pid, row + 1, micros(begin), micros(end) - micros(begin), quoted(category),
                    quoted(name), address(handle)));
}

void Tracer::event(const std::string& json) {
  fmt::print(file_, "{}{}", first_event_ ? "" : ",\n", json);
  first_event_ = false;
}

}  // namespace corolab::detail
