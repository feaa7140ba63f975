#include "corolab/detail/detached_task.hpp"

#include "corolab/detail/tracer.hpp"
#include "corolab/detail/waiter.hpp"
#include "corolab/event_loop.hpp"

namespace corolab::detail {

namespace {

// The driver: await the task; the promise records how it ended. The task
// is moved into a local so that, if the driver is destroyed mid-wait, the
// task's frames go before the promise (a local dies before the promise, a
// parameter after it): their waiters still find the TaskRecord to tidy up.
DetachedDriver drive(Task<void> task) {
  Task<void> body = std::move(task);
  co_await std::move(body);
}

}  // namespace

DetachedPromise::~DetachedPromise() {
  // A waiter can outlive its task: sync_wait(sleep_for(1s)) awaits a temporary of the
  // caller's, destroyed after the sync_wait root. It must not find this record then.
  if (waiter != nullptr) waiter->task = nullptr;
  if (EventLoop* loop = EventLoop::current_or_null()) loop->live_task_ending(*this);
}

void DetachedTaskList::start(Task<void> task, TaskOwner& owner, std::stop_token token,
                             std::string name) {
  // A group's token replaces the task's own; with no token (spawn), the task
  // keeps whatever token it was given.
  if (token.stop_possible()) task.set_stop_token(token);
  DetachedDriver driver = drive(std::move(task));
  DetachedPromise& promise = driver.handle.promise();
  promise.owner = &owner;
  promise.name = std::move(name);
  promise.set_stop_token(std::move(token));
  promise.entry.promise = &promise;
  running_.push_back(promise.entry);
  // Like asyncio.create_task: the task starts on the loop's next tick, not now.
  promise.start.handle = driver.handle;
  promise.start.task = &promise;
  EventLoop& loop = EventLoop::current();
  loop.add_live_task(promise);
  if (Tracer* tracer = loop.tracer()) [[unlikely]]
    tracer->task_started(driver.handle, promise.name);
  loop.schedule(promise.start);
}

}  // namespace corolab::detail
