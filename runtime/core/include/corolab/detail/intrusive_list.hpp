#pragma once
// An intrusive, doubly linked, circular list.
//
// Why intrusive: a waiting coroutine's bookkeeping lives inside its own frame
// (in the awaiter), so waiting never allocates, and a node can unlink itself in
// O(1) without knowing which list holds it. That is what makes cancellation
// and destroying a suspended coroutine cheap and safe.

#include <cassert>

namespace corolab::detail {

class ListHook {
 public:
  ListHook() = default;
  ListHook(const ListHook&) = delete;
  ListHook& operator=(const ListHook&) = delete;
  // A node that dies while linked takes itself out of its list.
  ~ListHook() { unlink(); }

  bool is_linked() const noexcept { return next_ != this; }

  void unlink() noexcept {
    prev_->next_ = next_;
    next_->prev_ = prev_;
    prev_ = next_ = this;
  }

 private:
  template <typename T>
  friend class IntrusiveList;

  void insert_before(ListHook& position) noexcept {
    assert(!is_linked());
    prev_ = position.prev_;
    next_ = &position;
    position.prev_->next_ = this;
    position.prev_ = this;
  }

  ListHook* prev_ = this;
  ListHook* next_ = this;
};

// A list of T, where T derives from ListHook. The list owns nothing.
template <typename T>
class IntrusiveList {
 public:
  IntrusiveList() = default;
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;
  ~IntrusiveList() { clear(); }

  bool empty() const noexcept { return !head_.is_linked(); }

  void push_back(T& node) noexcept { static_cast<ListHook&>(node).insert_before(head_); }

  T& front() noexcept {
    assert(!empty());
    return static_cast<T&>(*head_.next_);
  }

  T& pop_front() noexcept {
    T& node = front();
    node.unlink();
    return node;
  }

  // Moves every node of `other` to the back of this list, in O(1).
  void splice_back(IntrusiveList& other) noexcept {
    if (other.empty()) return;
    ListHook* first = other.head_.next_;
    ListHook* last = other.head_.prev_;
    other.head_.prev_ = other.head_.next_ = &other.head_;
    first->prev_ = head_.prev_;
    last->next_ = &head_;
    head_.prev_->next_ = first;
    head_.prev_ = last;
  }

  // Calls fn(node) for each node, front to back; fn returns false to stop
  // early. fn must not link or unlink nodes. (For dump_tasks, which reads.)
  template <typename Fn>
  void for_each(Fn fn) const {
    for (const ListHook* at = head_.next_; at != &head_;) {
      const ListHook* next = at->next_;
      if (!fn(static_cast<T&>(const_cast<ListHook&>(*at)))) return;
      at = next;
    }
  }

  // Unlinks every node (the nodes themselves are not touched otherwise).
  void clear() noexcept {
    while (!empty()) head_.next_->unlink();
  }

 private:
  ListHook head_;  // the sentinel: the list is empty when it points to itself
};

}  // namespace corolab::detail
