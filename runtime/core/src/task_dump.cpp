// dump_tasks: every live task, what it waits for, and its async stack.
// It only reads what the tasks' records say (detail/task_record.hpp).
#include "corolab/task_dump.hpp"

#include <dlfcn.h>
#include <fmt/core.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "corolab/detail/detached_task.hpp"
#include "corolab/detail/tracer.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/signals.hpp"
#include "corolab/text.hpp"

namespace corolab {

namespace {

using detail::AsyncFrame;
using detail::Resumable;
using detail::TaskRecord;
using detail::Waiter;

// "corolab-crawl+0x6f1b2": where the code of a suspended frame is. The
// frame's first word is its resume function (the coroutine ABI g++ and
// clang share); dladdr finds the file it is in even where it finds no name.
std::string code_of(std::coroutine_handle<> frame) {
  void* resume = nullptr;
  std::memcpy(&resume, frame.address(), sizeof resume);
  Dl_info info{};
  if (resume == nullptr || ::dladdr(resume, &info) == 0 || info.dli_fname == nullptr) return "?";
  std::string_view file = info.dli_fname;
  file.remove_prefix(file.rfind('/') == std::string_view::npos ? 0 : file.rfind('/') + 1);
  const auto offset =
      reinterpret_cast<std::uintptr_t>(resume) - reinterpret_cast<std::uintptr_t>(info.dli_fbase);
  return fmt::format("{}+{:#x}", file, offset);
}

std::string kind_of(const Waiter& waiter) {
  const char* kind = waiter.kind();
  return kind != nullptr ? kind : detail::readable_type_name(typeid(waiter));
}

// Where a task is: its state, and the innermost frame of its stack (if known).
struct Place {
  std::string state;
  std::coroutine_handle<> handle;     // the innermost frame
  const AsyncFrame* frame = nullptr;  // its promise's link up the chain
};

Place place_of(const TaskRecord& task, const Resumable* queued, bool in_step) {
  const Waiter* waiter = task.waiter;
  if (waiter != nullptr && waiter->is_waiting())
    return {"waiting for " + waiter->describe(), waiter->handle, task.innermost};
  if (queued != nullptr) {
    if (detail::is_start_of(*queued)) return {"ready to start", {}, nullptr};
    if (waiter != nullptr && static_cast<const Resumable*>(waiter) == queued) {
      const char* how = waiter->was_cancelled() ? "cancelled while waiting for" : "woken from";
      return {fmt::format("ready: {} {}", how, kind_of(*waiter)), waiter->handle, task.innermost};
    }
    return {"ready: yielded", queued->handle, task.innermost};
  }
  // Not in a wait the loop knows, nor queued: the task that is running (the
  // one calling us), if the loop is running one.
  return {in_step ? "running" : "suspended outside the loop's waits", {}, nullptr};
}

// Innermost frame first, up to the task's body (the driver above it is ours).
void append_stack(std::string& out, const TaskRecord& task, Place place) {
  std::coroutine_handle<> handle = place.handle;
  for (const AsyncFrame* frame = place.frame; frame != nullptr && frame != &task;
       frame = frame->awaiter()) {
    out += fmt::format("    at {} ({})\n", handle.address(), code_of(handle));
    handle = static_cast<const detail::TaskPromiseBase*>(frame)->continuation();
  }
}

// "'crawl' <- 'sync_wait'": the tasks that wait for this one to end.
std::string awaited_by(const TaskRecord& task) {
  std::string chain;
  const TaskRecord* at = &task;
  for (int depth = 0; depth < 100; ++depth) {  // (a bound, in case of a cycle)
    const detail::TaskOwner* owner = static_cast<const detail::DetachedPromise*>(at)->owner;
    const TaskRecord* next = owner != nullptr ? owner->awaited_by() : nullptr;
    if (next == nullptr) break;
    chain += fmt::format("{}'{}'", chain.empty() ? "" : " <- ", next->name);
    at = next;
  }
  return chain;
}

}  // namespace

std::string task_dump() {
  const EventLoop* loop = EventLoop::current_or_null();
  if (loop == nullptr) return "";
  std::unordered_map<const TaskRecord*, const Resumable*> queued;
  loop->for_each_queued([&](const Resumable& node) {
    if (node.task != nullptr) queued.emplace(node.task, &node);
    return true;
  });
  std::vector<const TaskRecord*> tasks;
  loop->live_tasks().for_each([&](const TaskRecord& task) {
    tasks.push_back(&task);
    return true;
  });

  std::string out = fmt::format("corolab: {}\n", text::count_of(tasks.size(), "live task"));
  for (const TaskRecord* task : tasks) {
    const auto found = queued.find(task);
    const Place place =
        place_of(*task, found == queued.end() ? nullptr : found->second, loop->in_step());
    out += fmt::format("task '{}': {}\n", task->name, place.state);
    append_stack(out, *task, place);
    if (const std::string chain = awaited_by(*task); !chain.empty())
      out += fmt::format("    awaited by {}\n", chain);
  }
  return out;
}

void dump_tasks(std::FILE* out) {
  const std::string dump = task_dump();
  std::fputs(dump.c_str(), out);
  std::fflush(out);
}

Task<void> dump_tasks_on(int signal, std::FILE* out) {
  return on_each_signal({signal}, [out](int) { dump_tasks(out); });
}

}  // namespace corolab
