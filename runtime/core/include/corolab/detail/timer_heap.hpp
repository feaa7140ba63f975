#pragma once
// A min-heap of timers, ordered by deadline, then by arrival.
//
// Each timer remembers its own index in the heap, so cancelling one is a
// removal in O(log n) instead of a search; and the tie-break on arrival order
// makes timers with equal deadlines fire first-in, first-out.
//
// Two choices made for speed with many timers (a million sleeping tasks):
// * The sort key (deadline, arrival) is stored in the heap's array, next to
//   the pointer to the timer, so comparing two entries reads the array only.
//   With the key in the timer itself (that is, in a coroutine frame somewhere
//   in memory), every comparison was a cache miss.
// * Each entry has four children instead of two: half as many levels to
//   walk when the earliest timer is removed, and the four children sit side
//   by side in memory.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/clock.hpp"
#include "corolab/detail/waiter.hpp"

namespace corolab::detail {

class TimerHeap;

// A waiter that is woken at a deadline. Sleep awaiters derive from it.
class TimerNode : public Waiter {
 public:
  bool in_heap() const noexcept { return heap_ != nullptr; }

  // The loop took it out of the heap: the deadline has come. A node that
  // also waits elsewhere (IoWaitUntil) leaves that place too.
  virtual void on_timer_fired() noexcept { wake(); }

  std::string describe() const override;  // "sleep until +120.0 ms" (dump_tasks)

 protected:
  // "<what> until +120.0 ms": the deadline, from now.
  std::string describe_deadline(std::string_view what) const;

  TimerNode() = default;
  ~TimerNode() { detach(); }  // a destroyed sleeper leaves the heap

  void detach() noexcept override;

 private:
  friend class TimerHeap;
  // Small, because a timer node sits in the frame of every sleeping
  // coroutine: the deadline is kept in the heap's entry only, and a 32-bit
  // index fits in the padding at the end of Waiter.
  std::uint32_t index_ = 0;
  TimerHeap* heap_ = nullptr;
};

class TimerHeap {
 public:
  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }
  TimePoint next_deadline() const noexcept { return entries_.front().deadline; }
  TimePoint deadline_of(const TimerNode& node) const noexcept {
    return entries_[node.index_].deadline;
  }

  void insert(TimerNode& node, TimePoint deadline);
  void remove(TimerNode& node) noexcept;

  // Removes and returns the earliest timer.
  TimerNode& pop() noexcept;

 private:
  struct Entry {
    TimePoint deadline;
    std::uint64_t sequence;  // arrival order: equal deadlines fire FIFO
    TimerNode* node;
  };
  static constexpr std::size_t arity = 4;

  static bool earlier(const Entry& a, const Entry& b) noexcept {
    if (a.deadline != b.deadline) return a.deadline < b.deadline;
    return a.sequence < b.sequence;
  }
  void place(const Entry& entry, std::size_t index) noexcept {
    entries_[index] = entry;
    entry.node->index_ = static_cast<std::uint32_t>(index);
  }
  void sift_up(std::size_t index) noexcept;
  void sift_down(std::size_t index) noexcept;

  std::vector<Entry> entries_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace corolab::detail
