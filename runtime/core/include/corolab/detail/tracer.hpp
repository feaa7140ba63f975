#pragma once
// Tracing: a record of what the loop did, to look at afterwards.
//
//   COROLAB_TRACE=trace.json ./my-program
//
// The loop tells its Tracer each time it resumes a coroutine and each time
// control comes back, and the awaiters tell it what the coroutine then waits
// for (a timer, a file descriptor, a queue in a primitive). The file is in
// the Chrome Trace Event Format: open it in https://ui.perfetto.dev or
// chrome://tracing, or draw it with tools/trace-svg.
//
// Each coroutine gets its own row (a "thread", tid, in the format), named
// after its task when it was spawned. A run is a complete event ("X", cat
// "run"), the time between two runs another ("X", cat "wait", named after
// what it waited for); spawns, fired timers and ready fds are instants ("i").
//
// Without COROLAB_TRACE the loop has no Tracer, and each hook in the loop
// costs one branch on a null pointer.

#include <coroutine>
#include <cstdio>
#include <string>
#include <string_view>
#include <typeinfo>
#include <unordered_map>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/reactor.hpp"

namespace corolab::detail {

// "corolab::Event::WaitAwaiter" -> "Event::WaitAwaiter": a type's name as
// the trace and dump_tasks() show it.
std::string readable_type_name(const std::type_info& type);

class Tracer {
 public:
  // Starts the file at `path`; throws std::system_error if it cannot. The
  // second loop of a program traced to the same path writes path.2.json, etc.
  explicit Tracer(const std::string& path);
  // Finishes the file: it is valid JSON from then on.
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  const std::string& path() const noexcept { return path_; }

  // --- From the loop ---------------------------------------------------------
  // A detached task (spawn, TaskGroup child, sync_wait) whose first step is
  // `start`: a new row, and a spawn arrow from the row running now, if any.
  void task_started(std::coroutine_handle<> start, std::string_view name);
  // `handle` was queued to run.
  void became_ready(std::coroutine_handle<> handle);
  // The loop resumes `handle`... and gets control back.
  void resuming(std::coroutine_handle<> handle);
  void resumed();
  void timer_fired(std::coroutine_handle<> handle);

  // --- From the awaiters: what `suspended` waits for -------------------------
  void waits_in(std::coroutine_handle<> suspended, const std::type_info& awaiter);
  void waits_for_timer(std::coroutine_handle<> suspended, Duration due_in);
  void waits_for_fd(std::coroutine_handle<> suspended, int fd, IoDirection direction);
  void fd_ready(std::coroutine_handle<> handle, int fd, IoDirection direction);

 private:
  static constexpr int no_row = -1;

  struct Row {
    std::string name;
    std::string waiting_for;  // empty: not waiting (never ran, or running)
    TimePoint waiting_since{};
    int arrow = 0;  // a spawn arrow still to land on the first run (0: none)
  };

  int row_of(std::coroutine_handle<> handle);  // new row if unknown
  int new_row(std::string name);
  void waits(std::coroutine_handle<> suspended, std::string what);
  void instant(int row, std::string_view category, std::string_view name);
  void complete(int row, std::string_view category, std::string_view name, TimePoint begin,
                TimePoint end, std::coroutine_handle<> handle);
  double micros(TimePoint t) const noexcept;  // the format's timestamps
  void event(const std::string& json);        // one element of traceEvents

  std::string path_;
  std::FILE* file_;
  TimePoint origin_ = Clock::now();
  bool first_event_ = true;
  std::vector<Row> rows_;
  std::unordered_map<void*, int> row_of_handle_;
  int running_ = no_row;  // the row of the coroutine the loop is running
  std::coroutine_handle<> running_handle_;
  TimePoint running_since_{};
  int arrows_ = 0;
};

}  // namespace corolab::detail
