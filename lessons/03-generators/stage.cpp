// Lesson 03 stage: generators at work.
//
//   1. a lazy, endless sequence (Fibonacci) with the lesson's own Generator;
//   2. a pipeline: the runtime's Generator is a std::ranges view, so
//      std::views::filter and take compose with it, and nothing is computed
//      that is not asked for;
//   3. recursion with `co_yield elements_of(...)` (Python's `yield from`):
//      an in-order walk of a tree.
#include <fmt/format.h>

#include <corolab/generator.hpp>
#include <memory>
#include <ranges>

#include "generator.hpp"

namespace {

// #region fibonacci
lesson03::Generator<long> fibonacci() {
  long a = 0, b = 1;
  while (true) {
    co_yield a;
    a = std::exchange(b, a + b);
  }
}
// #endregion fibonacci

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

std::unique_ptr<Tree> leaf(int value) { return std::make_unique<Tree>(Tree{value, nullptr, nullptr}); }

}  // namespace

int main() {
  fmt::print("1. the first 12 Fibonacci numbers, from an endless generator:\n  ");
  int count = 0;
  for (long n : fibonacci()) {
    if (count++ == 12) break;  // leaving the loop destroys the paused frame
    fmt::print("{} ", n);
  }

  fmt::print("\n\n2. the first 3 primes from 20 on, through std::views (watch what gets computed):\n");
  // #region pipeline_use
  auto primes = naturals_from(20) | std::views::filter(is_prime)
                | std::views::take(3);
  for (int prime : primes) {
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
