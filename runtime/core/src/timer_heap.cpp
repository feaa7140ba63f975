#include "corolab/detail/timer_heap.hpp"

#include <fmt/core.h>

#include <cassert>
#include <chrono>
#include <utility>

#include "corolab/event_loop.hpp"

namespace corolab::detail {

void TimerNode::detach() noexcept {
  if (heap_ != nullptr) heap_->remove(*this);
}

std::string TimerNode::describe() const { return describe_deadline(kind() ? kind() : "timer"); }

// For dump_tasks: the deadline as seen from now on the loop's clock, so that
// a test on virtual time reads exact numbers ("sleep until +120.0 ms").
std::string TimerNode::describe_deadline(std::string_view what) const {
  if (heap_ == nullptr) return fmt::format("{} (due)", what);
  const Duration left = heap_->deadline_of(*this) - EventLoop::current().now();
  return fmt::format("{} until {:+.1f} ms", what,
                     std::chrono::duration<double, std::milli>(left).count());
}

void TimerHeap::insert(TimerNode& node, TimePoint deadline) {
  assert(!node.in_heap());
  node.heap_ = this;
  entries_.push_back(Entry{deadline, next_sequence_++, &node});
  node.index_ = static_cast<std::uint32_t>(entries_.size() - 1);
  sift_up(node.index_);
}

void TimerHeap::remove(TimerNode& node) noexcept {
  assert(node.heap_ == this);
  const std::size_t index = node.index_;
  const Entry last = entries_.back();
  entries_.pop_back();
  node.heap_ = nullptr;
  if (last.node == &node) return;  // it was the last slot: nothing to repair
  // Fill the hole with the last entry, then restore the heap order around it.
  place(last, index);
  sift_up(index);
  sift_down(last.node->index_);
}

TimerNode& TimerHeap::pop() noexcept {
  TimerNode& earliest = *entries_.front().node;
  remove(earliest);
  return earliest;
}

void TimerHeap::sift_up(std::size_t index) noexcept {
  // #exercise sift_up: move the entry at `index` up, past every parent that is later than it
  // Later parents move down into the hole; the entry is written once, at the end.
  const Entry entry = entries_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / arity;
    if (!earlier(entry, entries_[parent])) break;
    place(entries_[parent], index);
    index = parent;
  }
  place(entry, index);
  // #starter
  // // For now the entry stays where it is: the heap is an unsorted array,
  // // and pop() takes whichever timer happens to be first.
  // (void)index;
  // #endexercise
}

void TimerHeap::sift_down(std::size_t index) noexcept {
  // #exercise sift_down: move the entry at `index` down, past every child that is earlier than it
  const Entry entry = entries_[index];
  const std::size_t count = entries_.size();
  while (true) {
    // The earliest of up to `arity` children.
    const std::size_t first = arity * index + 1;
    if (first >= count) break;
    const std::size_t end = first + arity < count ? first + arity : count;
    std::size_t child = first;
    for (std::size_t other = first + 1; other < end; ++other) {
      if (earlier(entries_[other], entries_[child])) child = other;
    }
    if (!earlier(entries_[child], entry)) break;
    place(entries_[child], index);
    index = child;
  }
  place(entry, index);
  // #starter
  // // For now the entry stays where it is (see sift_up).
  // (void)index;
  // #endexercise
}

}  // namespace corolab::detail
