#include "corolab/detail/timer_heap.hpp"

#include <cassert>
#include <utility>

namespace corolab::detail {

void TimerNode::detach() noexcept {
  if (heap_ != nullptr) heap_->remove(*this);
}

void TimerHeap::insert(TimerNode& node, TimePoint deadline) {
  assert(!node.in_heap());
  node.deadline_ = deadline;
  node.sequence_ = next_sequence_++;
  node.heap_ = this;
  nodes_.push_back(&node);
  node.index_ = nodes_.size() - 1;
  sift_up(node.index_);
}

void TimerHeap::remove(TimerNode& node) noexcept {
  assert(node.heap_ == this);
  std::size_t index = node.index_;
  TimerNode* last = nodes_.back();
  nodes_.pop_back();
  node.heap_ = nullptr;
  if (last == &node) return;  // it was the last slot: nothing to repair
  // Fill the hole with the last node, then restore the heap order around it.
  place(last, index);
  sift_up(index);
  sift_down(last->index_);
}

TimerNode& TimerHeap::pop() noexcept {
  TimerNode& earliest = *nodes_.front();
  remove(earliest);
  return earliest;
}

void TimerHeap::sift_up(std::size_t index) noexcept {
  TimerNode* node = nodes_[index];
  while (index > 0) {
    std::size_t parent = (index - 1) / 2;
    if (!earlier(*node, *nodes_[parent])) break;
    place(nodes_[parent], index);
    index = parent;
  }
  place(node, index);
}

void TimerHeap::sift_down(std::size_t index) noexcept {
  TimerNode* node = nodes_[index];
  const std::size_t count = nodes_.size();
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= count) break;
    if (child + 1 < count && earlier(*nodes_[child + 1], *nodes_[child])) ++child;
    if (!earlier(*nodes_[child], *node)) break;
    place(nodes_[child], index);
    index = child;
  }
  place(node, index);
}

}  // namespace corolab::detail
