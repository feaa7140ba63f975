// Lesson 03's exercise: the tests your promise type must pass.
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "generator.hpp"
#include "lifetime_counter.hpp"

using lesson03::Generator;

namespace {

Generator<int> count_to(int n) {
  for (int i = 1; i <= n; ++i) co_yield i;
}

Generator<int> naturals() {
  for (int i = 0;; ++i) co_yield i;
}

Generator<int> odd_only(Generator<int> numbers) {
  for (int n : numbers) {
    if (n % 2 == 1) co_yield n;
  }
}

// Coroutine parameters by value: a pointer, not a reference, makes plain
// that the log must outlive the generator.
Generator<int> logged(std::vector<std::string>* log) {
  log->push_back("started");
  co_yield 1;
  log->push_back("resumed");
}

Generator<int> one_then_throw() {
  co_yield 1;
  throw std::runtime_error("out of numbers");
}

Generator<int> naturals_holding_a_local() {
  LifetimeCounter local;
  for (int i = 0;; ++i) co_yield i;
}

template <typename T>
std::vector<T> first(Generator<T>& generator, std::size_t count) {
  std::vector<T> taken;
  for (const T& value : generator) {
    if (taken.size() == count) break;
    taken.push_back(value);
  }
  return taken;
}

}  // namespace

TEST_CASE("a generator yields its values in order") {
  std::vector<int> seen;
  for (int i : count_to(4)) seen.push_back(i);
  CHECK(seen == std::vector{1, 2, 3, 4});
}

TEST_CASE("a generator that yields nothing is an empty range") {
  int iterations = 0;
  for (int i : count_to(0)) iterations += i + 1;
  CHECK(iterations == 0);
}

TEST_CASE("a generator is lazy: its body runs only when a value is asked for") {
  std::vector<std::string> log;
  Generator<int> numbers = logged(&log);
  CHECK(log.empty());
  auto it = numbers.begin();
  CHECK(*it == 1);
  CHECK(log == std::vector<std::string>{"started"});
  ++it;
  CHECK(log == std::vector<std::string>{"started", "resumed"});
}

TEST_CASE("an endless generator stops when its consumer stops") {
  Generator<int> numbers = naturals();
  CHECK(first(numbers, 5) == std::vector{0, 1, 2, 3, 4});
}

TEST_CASE("generators compose into pipelines") {
  Generator<int> odds = odd_only(count_to(9));
  CHECK(first(odds, 100) == std::vector{1, 3, 5, 7, 9});
}

TEST_CASE("an exception in the body reaches the consumer") {
  Generator<int> numbers = one_then_throw();
  auto it = numbers.begin();
  CHECK(*it == 1);
  CHECK_THROWS_WITH(++it, "out of numbers");
}

TEST_CASE("destroying an unfinished generator destroys the locals in its frame") {
  ExpectNoLeaks no_leaks;
  {
    Generator<int> numbers = naturals_holding_a_local();
    CHECK(first(numbers, 3) == std::vector{0, 1, 2});
    CHECK(LifetimeCounter::alive == 1);  // the body is paused, its local alive
  }
  CHECK(LifetimeCounter::alive == 0);
}
