// Task<T>: laziness, results, references, exceptions, symmetric transfer,
// and frame lifetimes.
#include "corolab/task.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>

#include "corolab/sync_wait.hpp"
#include "lifetime_counter.hpp"

using corolab::sync_wait;
using corolab::Task;

namespace {

Task<int> forty_two() { co_return 42; }

Task<int> add_one(Task<int> inner) {
  int value = co_await std::move(inner);
  co_return value + 1;
}

Task<void> set_flag(bool* flag) {
  *flag = true;
  co_return;
}

Task<std::unique_ptr<int>> move_only_result() { co_return std::make_unique<int>(7); }

Task<int&> element_of(int* array, int index) { co_return array[index]; }

Task<int> throws_runtime_error() {
  throw std::runtime_error("boom");
  co_return 0;
}

Task<int> catches_child_error() {
  try {
    co_return co_await throws_runtime_error();
  } catch (const std::runtime_error& e) {
    co_return std::string(e.what()) == "boom" ? 1 : 2;
  }
}

Task<void> counted(int* runs) {
  LifetimeCounter in_frame;
  ++*runs;
  co_return;
}

Task<int> synchronous_child() { co_return 1; }

Task<long> await_many_synchronous_children(long count) {
  long sum = 0;
  for (long i = 0; i < count; ++i) {
    int value = co_await synchronous_child();
    sum += value;
  }
  co_return sum;
}

}  // namespace

TEST_CASE("a task is lazy: nothing runs until it is awaited") {
  bool ran = false;
  Task<void> task = set_flag(&ran);
  CHECK_FALSE(ran);
  sync_wait(std::move(task));
  CHECK(ran);
}

TEST_CASE("a task returns values, move-only values and references") {
  CHECK(sync_wait(forty_two()) == 42);
  CHECK(sync_wait(add_one(add_one(forty_two()))) == 44);
  CHECK(*sync_wait(move_only_result()) == 7);

  int numbers[] = {10, 20, 30};
  int& second = sync_wait(element_of(numbers, 1));
  CHECK(&second == &numbers[1]);
}

TEST_CASE("an exception thrown in a task is rethrown in its awaiter") {
  CHECK_THROWS_WITH(sync_wait(throws_runtime_error()), "boom");
  CHECK(sync_wait(catches_child_error()) == 1);
}

TEST_CASE("frames and their locals are destroyed exactly once") {
  ExpectNoLeaks no_leaks;
  int runs = 0;
  SECTION("a task that ran to completion") {
    sync_wait(counted(&runs));
    CHECK(runs == 1);
  }
  SECTION("a task that was never started") {
    { Task<void> never_started = counted(&runs); }
    CHECK(runs == 0);
  }
  SECTION("a moved-from task owns nothing") {
    Task<void> first = counted(&runs);
    Task<void> second = std::move(first);
    CHECK_FALSE(first.valid());
    CHECK(second.valid());
    first = std::move(second);
    sync_wait(std::move(first));
    CHECK(runs == 1);
  }
}

TEST_CASE("ten million synchronous awaits do not overflow the stack (symmetric transfer)") {
  constexpr long count = 10'000'000;
  CHECK(sync_wait(await_many_synchronous_children(count)) == count);
}
