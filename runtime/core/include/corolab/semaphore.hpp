#pragma once
// Semaphore: at most N coroutines past this point at once.
//
//   corolab::Semaphore slots{8};
//   co_await slots.acquire();
//   ... at most 8 tasks here ...
//   slots.release();
//
// Or let scope give it back (Permit), as a lock guard does:
//
//   Semaphore::Permit permit{slots};  // after co_await slots.acquire()
//
// Fair: release() hands the permit straight to the longest waiter, so a
// newcomer can never overtake a coroutine that is already queued.

#include <cstddef>
#include <string>
#include <utility>

#include "corolab/detail/queued_wait.hpp"

namespace corolab {

class Semaphore {
 public:
  explicit Semaphore(std::size_t permits) noexcept : permits_(permits) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  std::size_t available() const noexcept { return permits_; }

  bool try_acquire() noexcept {
    if (permits_ == 0) return false;
    --permits_;
    return true;
  }

  void release() noexcept {
    if (waiters_.empty()) {
      ++permits_;
    } else {
      waiters_.pop_front().wake();  // the permit goes to it directly
    }
  }

  // A permit already acquired, released when it goes out of scope (moved:
  // by its new owner). Mutex::Guard is one.
  class [[nodiscard]] Permit {
   public:
    explicit Permit(Semaphore& semaphore) noexcept : semaphore_(&semaphore) {}
    Permit(Permit&& other) noexcept : semaphore_(std::exchange(other.semaphore_, nullptr)) {}
    Permit& operator=(Permit&&) = delete;
    ~Permit() {
      if (semaphore_ != nullptr) semaphore_->release();
    }

   private:
    Semaphore* semaphore_;
  };

  class [[nodiscard]] AcquireAwaiter : public detail::QueuedWait {
   public:
    explicit AcquireAwaiter(Semaphore& semaphore) noexcept
        : QueuedWait(semaphore.waiters_), semaphore_(semaphore) {}
    // Handed a permit, but destroyed before it could run: give it back, or
    // it would be lost for good.
    ~AcquireAwaiter() {
      if (is_woken()) semaphore_.release();
    }
    bool await_ready() noexcept { return semaphore_.try_acquire(); }
    const char* kind() const noexcept override { return "Semaphore"; }
    // Fair: the permits go in this order, so the place in the queue matters.
    std::string describe() const override {
      return std::string(kind()) + " (" + std::to_string(ahead()) + " ahead)";
    }

   private:
    Semaphore& semaphore_;
  };

  AcquireAwaiter acquire() noexcept { return AcquireAwaiter{*this}; }

 private:
  std::size_t permits_;
  detail::IntrusiveList<detail::Waiter> waiters_;
};

}  // namespace corolab
