#pragma once
// What is every task doing? An async stack dump, as Python's asyncio task
// dumps and tokio-console show:
//
//   corolab::dump_tasks();                  // to stderr, from the loop thread
//   group.spawn(corolab::dump_tasks_on(SIGQUIT), "task dump");  // kill -QUIT <pid>
//
// One block per live task (spawned, TaskGroup child, sync_wait root), in the
// order they started:
//
//   task 'worker 2': waiting for HTTP transfer http://127.0.0.1:8080/page/7
//     at 0x5581e2b0c4a0 (corolab-crawl+0x6f1b2)
//     at 0x5581e2b0b9f0 (corolab-crawl+0x6a3c0)
//     awaited by 'sync_wait' (TaskGroup join)
//
// The first line says the task's state: waiting (for what: a sleep and its
// deadline, an fd and direction, a primitive's queue), ready (queued to
// run), or running. Then its async stack, innermost frame first, up to the
// task's own body: each frame's address, and where its code is, as
// "program+offset" for `addr2line -f -C -e program offset`. (A coroutine
// frame starts with the address of its resume function, in g++'s and
// clang's ABI alike; the function's own symbol is local, so the offset is as
// far as the program can get without reading its debug information.)
// Last, the chain of tasks that wait for this one: a TaskGroup child is
// awaited by whoever joins the group, and so on up.
//
// It costs nothing until called: the bookkeeping it reads is a pointer per
// co_await and three per wait (detail/task_record.hpp; bench/README.md).

#include <cstdio>
#include <string>

#include "corolab/task.hpp"

namespace corolab {

// The dump of the calling thread's loop, as text ("" without a loop).
std::string task_dump();

// Prints task_dump() to `out`.
void dump_tasks(std::FILE* out = stderr);

// Prints the dump each time `signal` arrives (SIGQUIT: Ctrl-\ or kill
// -QUIT), until cancelled: spawn it in a TaskGroup that the program cancels
// when its work is done. (A task, not a handler installed for good: the
// watch on the signal pipe keeps a loop's run() from ever running out of
// work.) The signal handler only writes to a pipe; the dump runs on the loop
// thread, between two steps, like any task.
Task<void> dump_tasks_on(int signal, std::FILE* out = stderr);

}  // namespace corolab
