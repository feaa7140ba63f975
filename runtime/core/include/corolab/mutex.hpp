#pragma once
// Mutex: mutual exclusion between coroutines, across suspension points.
//
//   auto lock = co_await mutex.lock();   // a scoped guard
//   ... co_await freely; no other task enters ...
//
// A std::mutex would block the whole loop thread (and every coroutine on
// it); this one suspends only the coroutine that has to wait. It is a
// semaphore with one permit, plus a guard that releases it.

#include "corolab/semaphore.hpp"

namespace corolab {

class Mutex {
 public:
  // Unlocks the mutex when it goes out of scope: the mutex's one permit.
  using Guard = Semaphore::Permit;

  class [[nodiscard]] LockAwaiter : public Semaphore::AcquireAwaiter {
   public:
    explicit LockAwaiter(Mutex& mutex) noexcept : AcquireAwaiter(mutex.permit_), mutex_(mutex) {}
    Guard await_resume() {
      AcquireAwaiter::await_resume();
      return Guard{mutex_.permit_};
    }
    const char* kind() const noexcept override { return "Mutex"; }

   private:
    Mutex& mutex_;
  };

  LockAwaiter lock() noexcept { return LockAwaiter{*this}; }
  bool try_lock() noexcept { return permit_.try_acquire(); }
  void unlock() noexcept { permit_.release(); }
  bool is_locked() const noexcept { return permit_.available() == 0; }

 private:
  Semaphore permit_{1};
};

}  // namespace corolab
