#pragma once
// A binary min-heap of timers, ordered by deadline, then by arrival.
//
// Each timer remembers its own index in the heap, so cancelling one is a
// removal in O(log n) instead of a search; and the tie-break on arrival order
// makes timers with equal deadlines fire first-in, first-out.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/detail/waiter.hpp"

namespace corolab::detail {

class TimerHeap;

// A waiter that is woken at a deadline. Sleep awaiters derive from it.
class TimerNode : public Waiter {
 public:
  TimePoint deadline() const noexcept { return deadline_; }
  bool in_heap() const noexcept { return heap_ != nullptr; }

 protected:
  TimerNode() = default;
  ~TimerNode() { detach(); }  // a destroyed sleeper leaves the heap

  void detach() noexcept override;

 private:
  friend class TimerHeap;
  TimePoint deadline_{};
  std::uint64_t sequence_ = 0;
  std::size_t index_ = 0;
  TimerHeap* heap_ = nullptr;
};

class TimerHeap {
 public:
  bool empty() const noexcept { return nodes_.empty(); }
  std::size_t size() const noexcept { return nodes_.size(); }
  TimePoint next_deadline() const noexcept { return nodes_.front()->deadline_; }

  void insert(TimerNode& node, TimePoint deadline);
  void remove(TimerNode& node) noexcept;

  // Removes and returns the earliest timer.
  TimerNode& pop() noexcept;

 private:
  static bool earlier(const TimerNode& a, const TimerNode& b) noexcept {
    if (a.deadline_ != b.deadline_) return a.deadline_ < b.deadline_;
    return a.sequence_ < b.sequence_;
  }
  void place(TimerNode* node, std::size_t index) noexcept {
    nodes_[index] = node;
    node->index_ = index;
  }
  void sift_up(std::size_t index) noexcept;
  void sift_down(std::size_t index) noexcept;

  std::vector<TimerNode*> nodes_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace corolab::detail
