// Lesson 03 stage: generators at work.
//
//   1. a lazy, endless sequence (Fibonacci) with the lesson's own Generator;
//   2. a pipeline of generators, each pulling from the one before: nothing
//      is computed that is not asked for;
//   3. recursion with `co_yield elements_of(...)` (Python's `yield from`):
//      an in-order walk of a tree.
#include <fmt/format.h>

#include <corolab/generator.hpp>
#include <cstdint>
#include <memory>

#include "generator.hpp"

namespace {

// Unsigned: past F(93) the sum wraps around modulo 2^64, which is defined.
// A signed `long` would overflow at F(93): undefined behaviour.
lesson03::Generator<std::uint64_t> fibonacci() {
  std::uint64_t a = 0, b = 1;
  while (true) {
    co_yield a;
    a = std::exchange(b, a + b);
  }
}

// #region pipeline
corolab::Generator<int> naturals_from(int first) {
  for (int n = first;; ++n) {
    fmt::print("  (computing {})\n", n);
    co_yield n;
  }
}

bool is_prime(int n) {
  for (int d = 2; d * d <= n; ++d) {
    if (n % d == 0) return false;
  }
  return n >= 2;
}

// Stages of a pipeline are generators too: each pulls from the one before
// it (taken by value: the stage owns its source, and frees it when done).
corolab::Generator<int> primes_in(corolab::Generator<int> numbers) {
  for (int n : numbers) {
    if (is_prime(n)) co_yield n;
  }
}

corolab::Generator<int> first(int count, corolab::Generator<int> numbers) {
  if (count <= 0) co_return;
  for (int n : numbers) {
    co_yield n;
    if (--count == 0) co_return;  // stop pulling: nothing more is computed
  }
}
// #endregion pipeline

// #region tree
struct Tree {
  int value;
  std::unique_ptr<Tree> left, right;
};

corolab::Generator<int> in_order(const Tree* tree) {
  if (tree == nullptr) co_return;
  co_yield corolab::elements_of(in_order(tree->left.get()));
  co_yield tree->value;
  co_yield corolab::elements_of(in_order(tree->right.get()));
}
// #endregion tree

std::unique_ptr<Tree> leaf(int value) {
  return std::make_unique<Tree>(Tree{value, nullptr, nullptr});
}

}  // namespace

int main() {
  fmt::print("1. the first 12 Fibonacci numbers, from an endless generator:\n  ");
  int count = 0;
  for (std::uint64_t n : fibonacci()) {
    if (count++ == 12) break;  // leaving the loop destroys the paused frame
    fmt::print("{} ", n);
  }

  fmt::print(
      "\n\n2. the first 3 primes from 20 on, through a pipeline of generators (watch what gets "
      "computed):\n");
  // #region pipeline_use
  for (int prime : first(3, primes_in(naturals_from(20)))) {
    fmt::print("  prime: {}\n", prime);
  }
  // #endregion pipeline_use

  fmt::print("\n3. an in-order walk of a tree, with elements_of (yield from):\n  ");
  Tree root{4, leaf(2), leaf(6)};
  root.left->left = leaf(1);
  root.left->right = leaf(3);
  root.right->right = leaf(7);
  for (int value : in_order(&root)) fmt::print("{} ", value);
  fmt::print("\n");
}
