// Timers: sleep ordering and duration, destroying sleepers, a million
// sleepers, and the TimerHeap (a random walk against a model, then small
// cases one property at a time). (Cancelling a sleep is lesson 09's:
// tests/cancellation.cpp.)
// They run on virtual time (LoopOptions::virtual_time()): a sleep takes no
// real time and lasts exactly its duration on the loop's clock. One test
// keeps the real clock: a real sleep lasts at least its duration.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "corolab/detail/timer_heap.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sleep.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/yield.hpp"
#include "lifetime_counter.hpp"
#include "loop_test_support.hpp"

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::EventLoop;
using corolab::LoopOptions;
using corolab::Task;
using corolab::TimePoint;

namespace {

using Log = std::vector<std::string>;

Task<void> sleep_until_then_log(TimePoint deadline, Log* log, std::string name) {
  co_await corolab::sleep_until(deadline);
  log->push_back(name);
}

Task<void> sleep_until_and_check(TimePoint deadline, bool* woke_in_time) {
  co_await corolab::sleep_until(deadline);
  *woke_in_time = EventLoop::current().now() >= deadline;
}

Task<void> measure_sleep_for(Duration duration, Duration* elapsed) {
  EventLoop& loop = EventLoop::current();
  const TimePoint start = loop.now();
  co_await corolab::sleep_for(duration);
  *elapsed = loop.now() - start;
}

// Three sleeps of 1, 10 and 25 ms and one sleep_until 7 ms ahead, all at
// once on `loop`: how long each lasted on the loop's clock.
struct SleepDurations {
  Duration elapsed_1ms{}, elapsed_10ms{}, elapsed_25ms{};
  bool woke_in_time = false;
};

SleepDurations measure_four_sleeps(EventLoop& loop) {
  SleepDurations measured;
  loop.spawn(measure_sleep_for(25ms, &measured.elapsed_25ms));
  loop.spawn(measure_sleep_for(1ms, &measured.elapsed_1ms));
  loop.spawn(measure_sleep_for(10ms, &measured.elapsed_10ms));
  loop.spawn(sleep_until_and_check(loop.now() + 7ms, &measured.woke_in_time));
  loop.run();
  return measured;
}

Task<void> sleep_in_the_past(Log* log) {
  log->push_back("sleeper before");
  co_await corolab::sleep_until(EventLoop::current().now() - 1s);
  log->push_back("sleeper after");
}

Task<void> yield_once(Log* log) {
  log->push_back("yielder before");
  co_await corolab::yield();
  log->push_back("yielder after");
}

Task<void> sleep_for_and_log(Duration duration, Log* log, std::string name) {
  LifetimeCounter frame;
  co_await corolab::sleep_for(duration);
  log->push_back(name);
}

struct MillionSleepers {
  std::vector<TimePoint> deadlines;
  std::vector<std::uint32_t> wake_order;
  std::size_t wakes_off_deadline = 0;  // woke before or after its deadline
};

Task<void> sleep_and_record(std::uint32_t index, Duration duration, MillionSleepers* record) {
  EventLoop& loop = EventLoop::current();
  const TimePoint deadline = loop.now() + duration;
  record->deadlines[index] = deadline;
  co_await corolab::sleep_until(deadline);
  if (loop.now() != deadline) ++record->wakes_off_deadline;
  record->wake_order.push_back(index);
}

// (The heap keeps deadlines in its entries only; a test timer remembers its
// own, to compare with the order it pops in.)
class TestTimer final : public corolab::detail::TimerNode {
 public:
  int id = 0;
  TimePoint deadline{};
};

void insert(corolab::detail::TimerHeap& heap, TestTimer& timer, TimePoint deadline) {
  timer.deadline = deadline;
  heap.insert(timer, deadline);
}

}  // namespace

TEST_CASE("sleepers wake in deadline order") {
  EventLoop loop(LoopOptions::virtual_time());
  Log log;
  const TimePoint base = loop.now();
  loop.spawn(sleep_until_then_log(base + 30ms, &log, "30"));
  loop.spawn(sleep_until_then_log(base + 10ms, &log, "10"));
  loop.spawn(sleep_until_then_log(base + 20ms, &log, "20"));
  loop.spawn(sleep_until_then_log(base + 0ms, &log, "0"));
  loop.spawn(sleep_until_then_log(base + 15ms, &log, "15"));
  loop.run();
  CHECK(log == Log{"0", "10", "15", "20", "30"});
  CHECK(loop.now() == base + 30ms);  // the last one woke at its deadline, and run() returned then
}

TEST_CASE("sleepers with equal deadlines wake first-in, first-out") {
  EventLoop loop(LoopOptions::virtual_time());
  Log log;
  const TimePoint deadline = loop.now() + 5ms;
  for (int i = 0; i < 6; ++i) loop.spawn(sleep_until_then_log(deadline, &log, std::to_string(i)));
  loop.run();
  CHECK(log == Log{"0", "1", "2", "3", "4", "5"});
  CHECK(loop.now() == deadline);
}

TEST_CASE("on virtual time, a sleep lasts exactly as long as requested") {
  EventLoop loop(LoopOptions::virtual_time());
  const SleepDurations measured = measure_four_sleeps(loop);
  CHECK(measured.elapsed_1ms == 1ms);
  CHECK(measured.elapsed_10ms == 10ms);
  CHECK(measured.elapsed_25ms == 25ms);
  CHECK(measured.woke_in_time);
}

// The real clock: the kernel may wake us late, never early. (The one test
// here that takes real time, about 25 ms.)
TEST_CASE("a sleep lasts at least as long as requested") {
  EventLoop loop;
  const SleepDurations measured = measure_four_sleeps(loop);
  CHECK(measured.elapsed_1ms >= 1ms);
  CHECK(measured.elapsed_10ms >= 10ms);
  CHECK(measured.elapsed_25ms >= 25ms);
  CHECK(measured.woke_in_time);
}

TEST_CASE("a deadline in the past still suspends: the sleeper goes to the back of the line") {
  EventLoop loop;
  Log log;
  loop.spawn(sleep_in_the_past(&log));
  loop.spawn(yield_once(&log));
  loop.run();
  CHECK(log == Log{"sleeper before", "yielder before", "yielder after", "sleeper after"});
}

TEST_CASE("destroying a suspended sleeper removes its timer from the heap") {
  ExpectNoLeaks no_leaks;
  EventLoop loop(LoopOptions::virtual_time());
  Log log;
  SECTION("the only sleeper: run() then has nothing to wait for") {
    {
      StartedTask sleeper = start_now(sleep_for_and_log(1h, &log, "sleeper"));
      CHECK_FALSE(sleeper.done());
      CHECK(LifetimeCounter::alive == no_leaks.alive_before + 1);
    }
    CHECK(LifetimeCounter::alive == no_leaks.alive_before);
    const TimePoint before = loop.now();
    loop.run();  // returns at once: no timer is left
    CHECK(log.empty());
    CHECK(loop.now() == before);  // had the timer stayed, virtual time would have jumped an hour
  }
  SECTION("sleepers in the middle of the heap: the others still wake in order") {
    std::vector<std::optional<StartedTask>> sleepers;
    const TimePoint base = loop.now();
    for (int i = 1; i <= 7; ++i) {
      sleepers.emplace_back(
          start_now(sleep_until_then_log(base + i * 1ms, &log, std::to_string(i))));
    }
    sleepers[1].reset();  // "2"
    sleepers[3].reset();  // "4"
    sleepers[5].reset();  // "6"
    loop.run();
    CHECK(log == Log{"1", "3", "5", "7"});
    CHECK(loop.now() == base + 7ms);
    for (const auto& sleeper : sleepers) CHECK((!sleeper || sleeper->done()));
  }
}

// On virtual time every deadline is start + 1..50 ms: some 20,000 tasks share
// each one, so the ties (first-in, first-out) get a thorough test too.
TEST_CASE("a million sleeping tasks all wake, each exactly at its deadline, in deadline order") {
  constexpr std::uint32_t count = 1'000'000;
  EventLoop loop(LoopOptions::virtual_time());
  MillionSleepers record;
  record.deadlines.resize(count);
  record.wake_order.reserve(count);
  std::mt19937 random{20240601};
  std::uniform_int_distribution<int> milliseconds{1, 50};
  for (std::uint32_t i = 0; i < count; ++i) {
    loop.spawn(sleep_and_record(i, std::chrono::milliseconds{milliseconds(random)}, &record));
  }
  loop.run();
  CHECK(loop.spawned_task_count() == 0);
  REQUIRE(record.wake_order.size() == count);
  CHECK(record.wakes_off_deadline == 0);

  // Every task woke exactly once, in (deadline, start order) order: tasks
  // started in index order, so equal deadlines must wake by index.
  std::vector<bool> woke(count, false);
  std::size_t duplicates = 0;
  std::size_t out_of_order = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const std::uint32_t index = record.wake_order[k];
    if (woke[index]) ++duplicates;
    woke[index] = true;
    if (k > 0) {
      const std::uint32_t previous = record.wake_order[k - 1];
      if (std::tie(record.deadlines[previous], previous) >=
          std::tie(record.deadlines[index], index))
        ++out_of_order;
    }
  }
  CHECK(duplicates == 0);
  CHECK(out_of_order == 0);
}

TEST_CASE("TimerHeap: random inserts and removals, pops in (deadline, insertion) order") {
  using corolab::detail::TimerHeap;
  TimerHeap heap;  // declared first: the nodes leave it when they die
  constexpr int node_count = 300;
  std::vector<std::unique_ptr<TestTimer>> nodes;
  for (int i = 0; i < node_count; ++i) {
    nodes.push_back(std::make_unique<TestTimer>());
    nodes.back()->id = i;
  }

  // The model: (deadline, insertion number, id), in pop order.
  std::set<std::tuple<TimePoint, std::uint64_t, int>> model;
  std::vector<std::uint64_t> inserted_as(node_count);
  std::uint64_t insertions = 0;
  std::mt19937 random{7};
  std::size_t mismatches = 0;
  auto check_front = [&] {
    if (heap.size() != model.size()) ++mismatches;
    if (!model.empty() && heap.next_deadline() != std::get<0>(*model.begin())) ++mismatches;
  };
  auto pop_and_compare = [&] {
    TestTimer& popped = static_cast<TestTimer&>(heap.pop());
    if (popped.id != std::get<2>(*model.begin()) || popped.in_heap()) ++mismatches;
    model.erase(model.begin());
  };

  for (int step = 0; step < 50'000; ++step) {
    const int id = static_cast<int>(random() % node_count);
    TestTimer& node = *nodes[static_cast<std::size_t>(id)];
    const unsigned choice = random() % 4;
    if (!node.in_heap()) {
      // Few distinct deadlines: plenty of ties, which must pop FIFO.
      const TimePoint deadline = TimePoint{} + std::chrono::milliseconds(random() % 40);
      insert(heap, node, deadline);
      inserted_as[static_cast<std::size_t>(id)] = insertions++;
      model.emplace(deadline, inserted_as[static_cast<std::size_t>(id)], id);
      if (!node.in_heap()) ++mismatches;
    } else if (choice == 0) {
      heap.remove(node);
      model.erase({node.deadline, inserted_as[static_cast<std::size_t>(id)], id});
      if (node.in_heap()) ++mismatches;
    } else if (choice == 1) {
      pop_and_compare();
    }
    check_front();
  }
  CHECK(mismatches == 0);
  CHECK(heap.size() > 100);  // the random walk did keep a real heap

  // A node destroyed while in the heap leaves it.
  for (auto& node : nodes) {
    if (node->in_heap() && node->id % 2 == 0) {
      model.erase({node->deadline, inserted_as[static_cast<std::size_t>(node->id)], node->id});
      node.reset();
      check_front();
    }
  }
  CHECK(mismatches == 0);

  std::size_t drained = 0;
  while (!heap.empty()) {
    pop_and_compare();
    ++drained;
  }
  CHECK(model.empty());
  CHECK(drained > 0);
  CHECK(mismatches == 0);
}

// --- TimerHeap on its own: small cases whose failures say what went wrong ---

namespace {

using corolab::detail::TimerHeap;
using Ids = std::vector<int>;

// `count` timers numbered 0, 1, 2, ... (a TimerNode cannot be copied or
// moved: the heap points at it).
std::vector<std::unique_ptr<TestTimer>> numbered_timers(int count) {
  std::vector<std::unique_ptr<TestTimer>> timers;
  for (int id = 0; id < count; ++id) {
    timers.push_back(std::make_unique<TestTimer>());
    timers.back()->id = id;
  }
  return timers;
}

TimePoint at_ms(long milliseconds) { return TimePoint{} + std::chrono::milliseconds(milliseconds); }

// Pops everything; the ids in pop order.
Ids pop_all(TimerHeap& heap) {
  Ids order;
  while (!heap.empty()) order.push_back(static_cast<TestTimer&>(heap.pop()).id);
  return order;
}

}  // namespace

TEST_CASE("TimerHeap: timers pop in deadline order, whatever the insertion order") {
  TimerHeap heap;  // declared first: the timers leave it when they die
  auto timers = numbered_timers(9);
  const long deadlines_ms[] = {40, 10, 80, 30, 0, 70, 20, 60, 50};  // timer i: deadlines_ms[i]
  for (int i = 0; i < 9; ++i)
    insert(heap, *timers[static_cast<std::size_t>(i)], at_ms(deadlines_ms[i]));
  CHECK(heap.size() == 9);
  CHECK(heap.next_deadline().time_since_epoch() == 0ms);
  CHECK(pop_all(heap) == Ids{4, 1, 6, 3, 0, 8, 7, 5, 2});
}

TEST_CASE("TimerHeap: timers with equal deadlines pop first-in, first-out") {
  TimerHeap heap;
  auto timers = numbered_timers(7);
  for (int id : {3, 0, 6, 1, 5}) insert(heap, *timers[static_cast<std::size_t>(id)], at_ms(5));
  insert(heap, *timers[2], at_ms(9));
  insert(heap, *timers[4], at_ms(1));
  CHECK(pop_all(heap) == Ids{4, 3, 0, 6, 1, 5, 2});
}

TEST_CASE("TimerHeap: a removed timer never pops, and the others keep their order") {
  TimerHeap heap;
  auto timers = numbered_timers(10);
  for (int id = 0; id < 10; ++id)
    insert(heap, *timers[static_cast<std::size_t>(id)], at_ms(100 - 10 * id));
  heap.remove(*timers[9]);  // the earliest: at the root
  heap.remove(*timers[4]);  // one in the middle
  heap.remove(*timers[0]);  // the latest
  CHECK_FALSE(timers[9]->in_heap());
  CHECK(heap.size() == 7);
  CHECK(heap.next_deadline().time_since_epoch() == 20ms);
  CHECK(pop_all(heap) == Ids{8, 7, 6, 5, 3, 2, 1});
}

TEST_CASE("TimerHeap: 1,000 random deadlines pop in order") {
  TimerHeap heap;
  auto timers = numbered_timers(1000);
  std::mt19937 random{1000};
  for (auto& timer : timers) insert(heap, *timer, at_ms(static_cast<long>(random() % 5000)));
  std::size_t popped = 0;
  std::size_t out_of_order = 0;  // popped before an earlier deadline
  std::size_t wrong_front = 0;   // next_deadline() was not the deadline of the timer pop() returned
  TimePoint previous = TimePoint::min();
  while (!heap.empty()) {
    const TimePoint front = heap.next_deadline();
    const TimePoint deadline = static_cast<TestTimer&>(heap.pop()).deadline;
    if (deadline != front) ++wrong_front;
    if (deadline < previous) ++out_of_order;
    previous = deadline;
    ++popped;
  }
  CHECK(popped == 1000);
  CHECK(out_of_order == 0);
  CHECK(wrong_front == 0);
}

namespace {
corolab::Task<void> sleep_until_the_beginning_of_time(bool* woke) {
  co_await corolab::sleep_until(corolab::TimePoint::min());
  *woke = true;
}
}  // namespace

// The loop computes how long to block from the earliest deadline; one at the
// very beginning of time must not overflow that computation (UBSan checks).
TEST_CASE("a deadline at TimePoint::min() wakes at once without overflow") {
  bool woke = false;
  corolab::sync_wait(sleep_until_the_beginning_of_time(&woke));
  CHECK(woke);
}
