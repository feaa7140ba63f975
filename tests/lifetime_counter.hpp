#pragma once
// Counts constructions and destructions, to prove that coroutine frames and
// the values in them are neither leaked nor destroyed twice.

#include <catch2/catch.hpp>

struct LifetimeCounter {
  static inline int alive = 0;
  static inline int created = 0;

  LifetimeCounter() { ++alive, ++created; }
  LifetimeCounter(const LifetimeCounter&) { ++alive, ++created; }
  LifetimeCounter(LifetimeCounter&&) noexcept { ++alive, ++created; }
  LifetimeCounter& operator=(const LifetimeCounter&) = default;
  LifetimeCounter& operator=(LifetimeCounter&&) = default;
  ~LifetimeCounter() {
    REQUIRE(alive > 0);  // a second destruction would drive it below zero
    --alive;
  }
};

// Checks at the end of a scope that every counter created in it is gone.
struct ExpectNoLeaks {
  int alive_before = LifetimeCounter::alive;
  ~ExpectNoLeaks() { CHECK(LifetimeCounter::alive == alive_before); }
};
