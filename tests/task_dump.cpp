// dump_tasks: every live task by name, what it waits for, its async stack,
// and who awaits it. On virtual time, so that deadlines read exactly.
#include "corolab/task_dump.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "corolab/corolab.hpp"

using namespace std::chrono_literals;
using corolab::Task;

// (Not in an anonymous namespace: nothing here needs the names, but a
// reader running addr2line on a dump of this test would.)
namespace task_dump_test {

Task<void> sleeper(corolab::Duration duration) { co_await corolab::sleep_for(duration); }

Task<void> fd_waiter(int fd) { co_await corolab::wait_readable(fd); }

Task<void> event_waiter(corolab::Event* event) { co_await event->wait(); }

Task<void> grandchild() { co_await corolab::sleep_for(50ms); }
Task<void> child() { co_await grandchild(); }
Task<void> parent() { co_await child(); }

Task<void> take_a_permit(corolab::Semaphore* permits) {
  co_await permits->acquire();
  permits->release();
}

// Two children queue for a permit that never comes, while this task joins.
Task<void> group_owner(corolab::Semaphore* permits, corolab::TaskGroup** group_out) {
  corolab::TaskGroup group;
  *group_out = &group;
  group.spawn(take_a_permit(permits), "first in line");
  group.spawn(take_a_permit(permits), "second in line");
  co_await group.join();
}

Task<void> dumper(std::string* dump) {
  *dump = corolab::task_dump();
  co_return;
}

Task<void> yielder() { co_await corolab::yield(); }

Task<void> quit_then_stop(corolab::TaskGroup* helpers) {
  co_await corolab::sleep_for(1ms);
  std::raise(SIGQUIT);
  co_await corolab::sleep_for(1ms);  // the dump is printed meanwhile
  helpers->cancel();
}

Task<void> program_with_dump(std::FILE* out) {
  corolab::TaskGroup helpers;
  helpers.spawn(corolab::dump_tasks_on(SIGQUIT, out), "task dump");
  helpers.spawn(quit_then_stop(&helpers), "quitter");
  co_await helpers.join();
}

// The dump's lines, with each frame's address and code location made
// "FRAME": they change from run to run.
std::vector<std::string> lines_of(const std::string& dump) {
  static const std::regex frame(R"(at 0x[0-9a-f]+ \([^)]*\))");
  std::vector<std::string> lines;
  std::istringstream in(dump);
  for (std::string line; std::getline(in, line);)
    lines.push_back(std::regex_replace(line, frame, "at FRAME"));
  return lines;
}

struct SocketPair {
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, ends) == 0); }
  ~SocketPair() {
    ::close(ends[0]);
    ::close(ends[1]);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
  int ends[2] = {-1, -1};
};

}  // namespace task_dump_test

using namespace task_dump_test;

TEST_CASE("the dump names every task, what it waits for, its stack and who awaits it") {
  SocketPair sockets;
  corolab::Event event;
  corolab::Semaphore permits{0};
  corolab::TaskGroup* group = nullptr;
  std::string from_inside;
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  loop.spawn(sleeper(120ms), "sleeper");
  loop.spawn(fd_waiter(sockets.ends[0]), "fd waiter");
  loop.spawn(event_waiter(&event), "event waiter");
  loop.spawn(parent(), "chain");
  loop.spawn(group_owner(&permits, &group), "group owner");
  loop.spawn(dumper(&from_inside), "dumper");
  loop.run_until_idle();
  const std::string fd = std::to_string(sockets.ends[0]);

  // From inside a task: it is the one running; the group's children,
  // spawned in this same tick, wait for the next one.
  CHECK(lines_of(from_inside) == std::vector<std::string>{
                                     "corolab: 8 live tasks",
                                     "task 'sleeper': waiting for sleep until +120.0 ms",
                                     "    at FRAME",
                                     "task 'fd waiter': waiting for fd " + fd + " readable",
                                     "    at FRAME",
                                     "task 'event waiter': waiting for Event",
                                     "    at FRAME",
                                     "task 'chain': waiting for sleep until +50.0 ms",
                                     "    at FRAME",
                                     "    at FRAME",
                                     "    at FRAME",
                                     "task 'group owner': waiting for TaskGroup join (2 running)",
                                     "    at FRAME",
                                     "task 'dumper': running",
                                     "task 'first in line': ready to start",
                                     "    awaited by 'group owner'",
                                     "task 'second in line': ready to start",
                                     "    awaited by 'group owner'",
                                 });

  // From outside, 10 ms later: the children queue for the permit, in order.
  loop.advance(10ms);
  loop.spawn(sleeper(1ms), "late");
  CHECK(lines_of(corolab::task_dump()) ==
        std::vector<std::string>{
            "corolab: 8 live tasks",
            "task 'sleeper': waiting for sleep until +110.0 ms",
            "    at FRAME",
            "task 'fd waiter': waiting for fd " + fd + " readable",
            "    at FRAME",
            "task 'event waiter': waiting for Event",
            "    at FRAME",
            "task 'chain': waiting for sleep until +40.0 ms",
            "    at FRAME",
            "    at FRAME",
            "    at FRAME",
            "task 'group owner': waiting for TaskGroup join (2 running)",
            "    at FRAME",
            "task 'first in line': waiting for Semaphore (0 ahead)",
            "    at FRAME",
            "    awaited by 'group owner'",
            "task 'second in line': waiting for Semaphore (1 ahead)",
            "    at FRAME",
            "    awaited by 'group owner'",
            "task 'late': ready to start",
        });

  // Woken and cancelled, not resumed yet: queued on the loop.
  event.set();
  REQUIRE(group != nullptr);
  group->cancel();
  const std::vector<std::string> queued = lines_of(corolab::task_dump());
  CHECK(std::count(queued.begin(), queued.end(), "task 'event waiter': ready: woken from Event") ==
        1);
  CHECK(std::count(queued.begin(), queued.end(),
                   "task 'first in line': ready: cancelled while waiting for Semaphore") == 1);
  loop.run_until_idle();
  CHECK(lines_of(corolab::task_dump()).front() == "corolab: 4 live tasks");
}

TEST_CASE("each frame of the stack is a different frame, in this program's code") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  loop.spawn(parent(), "chain");
  loop.run_until_idle();
  const std::string dump = corolab::task_dump();
  static const std::regex frame(R"(    at (0x[0-9a-f]+) \(test_task_dump\+0x[0-9a-f]+\))");
  std::set<std::string> frames;
  for (auto match = std::sregex_iterator(dump.begin(), dump.end(), frame);
       match != std::sregex_iterator(); ++match)
    frames.insert((*match)[1]);
  CHECK(frames.size() == 3);  // grandchild, child, parent
}

TEST_CASE("a task that yielded is ready, with its stack") {
  std::string dump;
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  loop.spawn(yielder(), "yielder");
  loop.spawn(dumper(&dump), "dumper");
  loop.run_until_idle();
  CHECK(lines_of(dump) == std::vector<std::string>{
                              "corolab: 2 live tasks",
                              "task 'yielder': ready: yielded",
                              "    at FRAME",
                              "task 'dumper': running",
                          });
}

TEST_CASE("sync_wait's task is in the dump, and without a loop the dump is empty") {
  CHECK(corolab::task_dump().empty());
  std::string dump;
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  corolab::sync_wait(dumper(&dump));
  CHECK(lines_of(dump) ==
        std::vector<std::string>{"corolab: 1 live task", "task 'sync_wait': running"});
}

TEST_CASE("SIGQUIT prints the dump, and the program goes on") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  corolab::sync_wait(program_with_dump(out));
  std::rewind(out);
  std::string printed;
  for (int c = std::fgetc(out); c != EOF; c = std::fgetc(out)) printed += static_cast<char>(c);
  std::fclose(out);
  CHECK(lines_of(printed) == std::vector<std::string>{
                                 "corolab: 3 live tasks",
                                 "task 'sync_wait': waiting for TaskGroup join (2 running)",
                                 "    at FRAME",
                                 "    at FRAME",
                                 "task 'task dump': running",
                                 "    awaited by 'sync_wait'",
                                 "task 'quitter': waiting for sleep until +1.0 ms",
                                 "    at FRAME",
                                 "    awaited by 'sync_wait'",
                             });
}
