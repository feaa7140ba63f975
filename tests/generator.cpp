// Generator<T>: range-for, std::ranges, laziness, nested generators
// (elements_of), exceptions, and frame lifetimes.
#include "corolab/generator.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <iterator>
#include <ranges>
#include <stdexcept>
#include <string>
#include <vector>

#include "lifetime_counter.hpp"

using corolab::elements_of;
using corolab::Generator;

namespace {

Generator<int> count_to(int n) {
  for (int i = 1; i <= n; ++i) co_yield i;
}

Generator<int> naturals() {
  for (int i = 0;; ++i) co_yield i;
}

Generator<int> nothing() { co_return; }

Generator<std::string> words() {
  co_yield std::string("alpha");  // a temporary: it lives until we are resumed
  std::string second = "beta";
  co_yield second;
}

Generator<int> sets_flag_then_yields(bool* started) {
  *started = true;
  co_yield 1;
}

template <typename T>
std::vector<T> collect(Generator<T> generator) {
  std::vector<T> values;
  for (const T& value : generator) values.push_back(value);
  return values;
}

// A tree, walked depth first (pre-order) by a recursive generator.
struct Node {
  int value;
  std::vector<Node> children;
};

Generator<int> walk(const Node* node) {
  co_yield node->value;
  for (const Node& child : node->children) co_yield elements_of(walk(&child));
}

// Yields depth, depth-1, ..., 0: each level nests the next one.
Generator<int> countdown_nested(int depth) {
  LifetimeCounter frame;
  co_yield depth;
  if (depth > 0) co_yield elements_of(countdown_nested(depth - 1));
}

// Three levels: outer yields 1, then middle's values, then 5.
Generator<int> inner_level() {
  LifetimeCounter frame;
  co_yield 3;
  co_yield 4;
}
Generator<int> middle_level() {
  LifetimeCounter frame;
  co_yield 2;
  co_yield elements_of(inner_level());
}
Generator<int> outer_level() {
  LifetimeCounter frame;
  co_yield 1;
  co_yield elements_of(middle_level());
  co_yield 5;
}

Generator<int> inner_throws() {
  LifetimeCounter frame;
  co_yield 3;
  throw std::runtime_error("inner failed");
}
Generator<int> middle_passes_error_on() {
  LifetimeCounter frame;
  co_yield 2;
  co_yield elements_of(inner_throws());
  co_yield 99;  // never reached
}
Generator<int> outer_passes_error_on() {
  LifetimeCounter frame;
  co_yield 1;
  co_yield elements_of(middle_passes_error_on());
  co_yield 99;  // never reached
}

Generator<int> middle_catches_error() {
  LifetimeCounter frame;
  bool caught = false;
  try {
    co_yield elements_of(inner_throws());
  } catch (const std::runtime_error&) {
    caught = true;  // (no co_yield allowed inside a handler)
  }
  if (caught) co_yield -1;
  co_yield 4;
}

Generator<int> throws_before_first_yield() {
  throw std::runtime_error("failed at once");
  co_return;
}

Generator<int> with_empty_children() {
  co_yield elements_of(nothing());
  co_yield 1;
  co_yield elements_of(nothing());
  co_yield 2;
}

Generator<int> with_default_constructed_child() {
  co_yield 1;
  co_yield elements_of(Generator<int>{});
  co_yield 2;
}

}  // namespace

static_assert(std::ranges::input_range<Generator<int>>);
static_assert(std::ranges::view<Generator<int>>);
static_assert(std::input_iterator<Generator<int>::iterator>);
static_assert(std::sentinel_for<std::default_sentinel_t, Generator<int>::iterator>);

TEST_CASE("a generator works with range-for") {
  CHECK(collect(count_to(4)) == std::vector<int>{1, 2, 3, 4});
  CHECK(collect(words()) == std::vector<std::string>{"alpha", "beta"});
}

// clang <= 15 cannot instantiate libstdc++'s range adaptors at all, whatever
// the range (llvm/llvm-project#44178), so only other compilers build the
// std::views part. The concepts above and the algorithms below work everywhere.
#if defined(__clang__) && __clang_major__ < 16 && defined(__GLIBCXX__)
#define COROLAB_CAN_USE_STD_VIEWS 0
#else
#define COROLAB_CAN_USE_STD_VIEWS 1
#endif

TEST_CASE("a generator is a std::ranges input range, usable with views on an infinite sequence") {
#if COROLAB_CAN_USE_STD_VIEWS
  auto even = [](int i) { return i % 2 == 0; };
  auto square = [](int i) { return i * i; };
  std::vector<int> values;
  for (int value : naturals() | std::views::filter(even) | std::views::transform(square) |
                       std::views::take(4)) {
    values.push_back(value);
  }
  CHECK(values == std::vector<int>{0, 4, 16, 36});
#endif

  Generator<int> numbers = naturals();
  auto found = std::ranges::find_if(numbers, [](int i) { return i * i > 50; });
  CHECK(*found == 8);
  CHECK(std::ranges::distance(count_to(7)) == 7);
}

TEST_CASE("a generator is lazy: its body does not run before begin()") {
  bool started = false;
  Generator<int> generator = sets_flag_then_yields(&started);
  CHECK_FALSE(started);
  auto it = generator.begin();
  CHECK(started);
  CHECK(*it == 1);
  ++it;
  CHECK(it == generator.end());
}

TEST_CASE("an empty generator yields nothing") {
  CHECK(collect(nothing()).empty());
  CHECK(collect(Generator<int>{}).empty());  // default-constructed
  // Empty children are skipped and the parent goes on.
  CHECK(collect(with_empty_children()) == std::vector<int>{1, 2});
}

// NestedAwaiter::await_ready explicitly lets an empty child through.
TEST_CASE("elements_of a default-constructed (empty) generator yields nothing") {
  CHECK(collect(with_default_constructed_child()) == std::vector<int>{1, 2});
}

TEST_CASE("elements_of yields a nested generator's elements: a recursive tree walk") {
  // 1 has children 2, 5, 6; 2 has 3 and 4; 6 has 7; 7 has 8.
  const Node tree{
      1, {Node{2, {Node{3, {}}, Node{4, {}}}}, Node{5, {}}, Node{6, {Node{7, {Node{8, {}}}}}}}};
  CHECK(collect(walk(&tree)) == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});

  ExpectNoLeaks no_leaks;
  CHECK(collect(outer_level()) == std::vector<int>{1, 2, 3, 4, 5});
}

TEST_CASE("10,000 levels of nested generators work, and every frame is freed") {
  ExpectNoLeaks no_leaks;
  const int created_before = LifetimeCounter::created;
  constexpr int depth = 10'000;
  int expected = depth;
  bool in_order = true;
  for (int value : countdown_nested(depth)) {
    in_order = in_order && value == expected;
    --expected;
  }
  CHECK(in_order);
  CHECK(expected == -1);  // saw depth, ..., 0
  CHECK(LifetimeCounter::created - created_before == depth + 1);
}

TEST_CASE("an exception thrown in a nested generator propagates out of the iteration") {
  ExpectNoLeaks no_leaks;
  SECTION("through every level to the consumer") {
    std::vector<int> seen;
    auto iterate = [&seen] {
      for (int value : outer_passes_error_on()) seen.push_back(value);
    };
    CHECK_THROWS_WITH(iterate(), "inner failed");
    CHECK(seen == std::vector<int>{1, 2, 3});
  }
  SECTION("a parent generator can catch its child's exception and go on") {
    CHECK(collect(middle_catches_error()) == std::vector<int>{3, -1, 4});
  }
  SECTION("thrown before the first yield: begin() throws") {
    Generator<int> generator = throws_before_first_yield();
    CHECK_THROWS_WITH(generator.begin(), "failed at once");
  }
}

TEST_CASE("destroying a generator mid-iteration destroys every frame exactly once") {
  ExpectNoLeaks no_leaks;
  const int alive_before = LifetimeCounter::alive;
  SECTION("suspended in the root") {
    Generator<int> generator = outer_level();
    auto it = generator.begin();
    CHECK(*it == 1);
    CHECK(LifetimeCounter::alive - alive_before == 1);
  }
  SECTION("suspended two levels down (the innermost generator is the leaf)") {
    Generator<int> generator = outer_level();
    auto it = generator.begin();
    ++it;  // 2, in middle_level
    ++it;  // 3, in inner_level
    CHECK(*it == 3);
    CHECK(LifetimeCounter::alive - alive_before == 3);
  }
  SECTION("breaking out of a range-for inside the nesting") {
    for (int value : outer_level()) {
      if (value == 4) {
        CHECK(LifetimeCounter::alive - alive_before == 3);
        break;
      }
    }
  }
  // Unlike iterating, destroying a suspended chain recurses once per level
  // (~Generator -> destroy -> ~NestedAwaiter -> ~Generator ...), so it needs
  // O(depth) stack: 10,000 levels overflow 8 MB under clang's ASan build.
  SECTION("suspended 1,000 levels down") {
    Generator<int> generator = countdown_nested(1'000);
    auto it = generator.begin();
    for (int i = 0; i < 1'000; ++i) ++it;
    CHECK(*it == 0);
    CHECK(LifetimeCounter::alive - alive_before == 1'001);
  }
  SECTION("a generator that was never started") {
    { Generator<int> generator = outer_level(); }
    CHECK(LifetimeCounter::alive == alive_before);
  }
  SECTION("a moved-from generator owns nothing") {
    Generator<int> first = outer_level();
    Generator<int> second = std::move(first);
    CHECK(first.begin() == first.end());
    first = std::move(second);
    auto it = first.begin();
    CHECK(*it == 1);
  }
}
