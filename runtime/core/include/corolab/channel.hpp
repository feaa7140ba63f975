#pragma once
// Channel<T>: a bounded queue between coroutines.
//
//   corolab::Channel<Order> orders{16};
//   co_await orders.send(order);                  // waits while the channel is full
//   std::optional<Order> next = co_await orders.receive();  // waits while empty
//   orders.close();                               // no more sends
//
// The bound is the point: a fast producer is slowed to the pace of its
// consumers (backpressure) instead of filling memory. receive() returns
// std::nullopt once the channel is closed and drained; send() on a closed
// channel throws ChannelClosed. close() wakes every waiting sender and
// receiver. Capacity 0 makes a rendezvous: each send waits for a receiver.

#include <coroutine>
#include <cstddef>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "corolab/cancellation.hpp"
#include "corolab/detail/intrusive_list.hpp"
#include "corolab/detail/waiter.hpp"

namespace corolab {

class ChannelClosed : public std::logic_error {
 public:
  ChannelClosed() : std::logic_error("send on a closed channel") {}
};

template <typename T>
class Channel {
 public:
  explicit Channel(std::size_t capacity) : capacity_(capacity) {}
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t size() const noexcept { return buffer_.size(); }
  bool is_closed() const noexcept { return closed_; }

  class [[nodiscard]] SendAwaiter : public detail::Waiter {
   public:
    SendAwaiter(Channel& channel, T value) : channel_(channel), value_(std::move(value)) {}

    bool await_ready() {
      if (channel_.closed_) return true;  // await_resume throws ChannelClosed
      delivered_ = channel_.try_send_from(value_);
      return delivered_;
    }

    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> suspended) {
      if (!start_waiting(suspended, detail::stop_token_of(suspended))) return false;
      channel_.senders_.push_back(*this);
      return true;
    }

    void await_resume() {
      finish_waiting();
      if (!delivered_) throw ChannelClosed();
    }

    const char* kind() const noexcept override { return "Channel send"; }
    std::string describe() const override { return channel_.queue_place(channel_.senders_, *this); }

   private:
    friend class Channel;
    Channel& channel_;
    T value_;
    bool delivered_ = false;
  };

  class [[nodiscard]] ReceiveAwaiter : public detail::Waiter {
   public:
    explicit ReceiveAwaiter(Channel& channel) noexcept : channel_(channel) {}
    // Handed an item, but destroyed before it could run: the item goes back
    // to the front of the channel rather than vanish.
    ~ReceiveAwaiter() {
      if (is_woken() && item_.has_value()) channel_.give_back(std::move(*item_));
    }

    bool await_ready() {
      item_ = channel_.try_receive();
      return item_.has_value() || channel_.closed_;
    }

    template <typename Promise>
    bool await_suspend(std::coroutine_handle<Promise> suspended) {
      if (!start_waiting(suspended, detail::stop_token_of(suspended))) return false;
      channel_.receivers_.push_back(*this);
      return true;
    }

    std::optional<T> await_resume() {
      finish_waiting();
      return std::move(item_);
    }

    const char* kind() const noexcept override { return "Channel receive"; }
    std::string describe() const override {
      return channel_.queue_place(channel_.receivers_, *this);
    }

   private:
    friend class Channel;
    Channel& channel_;
    std::optional<T> item_;
  };

  SendAwaiter send(T value) { return SendAwaiter{*this, std::move(value)}; }
  ReceiveAwaiter receive() noexcept { return ReceiveAwaiter{*this}; }

  // Non-waiting variants: false / std::nullopt instead of waiting.
  bool try_send(T& value) {
    if (closed_) throw ChannelClosed();
    return try_send_from(value);
  }

  std::optional<T> try_receive() {
    if (!buffer_.empty()) {
      std::optional<T> item{std::move(buffer_.front())};
      buffer_.pop_front();
      // A slot just freed up: the longest-waiting sender may fill it.
      if (!senders_.empty()) {
        SendAwaiter& sender = senders_.pop_front();
        buffer_.push_back(std::move(sender.value_));
        sender.delivered_ = true;
        sender.wake();
      }
      return item;
    }
    if (!senders_.empty()) {  // capacity 0: take straight from a waiting sender
      SendAwaiter& sender = senders_.pop_front();
      sender.delivered_ = true;
      sender.wake();
      return std::move(sender.value_);
    }
    return std::nullopt;
  }

  void close() noexcept {
    closed_ = true;
    // Receivers waiting means the buffer is empty: they get std::nullopt.
    while (!receivers_.empty()) receivers_.pop_front().wake();
    // Senders still waiting were not delivered: they get ChannelClosed.
    while (!senders_.empty()) senders_.pop_front().wake();
  }

 private:
  // Hands `value` to a waiting receiver, or buffers it if there is room.
  bool try_send_from(T& value) {
    if (!receivers_.empty()) {
      ReceiveAwaiter& receiver = receivers_.pop_front();
      receiver.item_.emplace(std::move(value));
      receiver.wake();
      return true;
    }
    if (buffer_.size() < capacity_) {
      buffer_.push_back(std::move(value));
      return true;
    }
    return false;
  }

  // An undelivered item returns to the head of the line (to a waiting
  // receiver if there is one). The buffer may exceed capacity by one then.
  void give_back(T item) {
    if (!receivers_.empty()) {
      ReceiveAwaiter& receiver = receivers_.pop_front();
      receiver.item_.emplace(std::move(item));
      receiver.wake();
      return;
    }
    buffer_.push_front(std::move(item));
  }

  // For dump_tasks: "Channel receive (2 ahead)".
  template <typename Awaiter>
  static std::string queue_place(const detail::IntrusiveList<Awaiter>& queue, const Awaiter& me) {
    std::size_t ahead = 0;
    queue.for_each([&](const Awaiter& waiter) {
      if (&waiter == &me) return false;
      ++ahead;
      return true;
    });
    return std::string(me.kind()) + " (" + std::to_string(ahead) + " ahead)";
  }

  std::size_t capacity_;
  std::deque<T> buffer_;
  bool closed_ = false;
  detail::IntrusiveList<SendAwaiter> senders_;
  detail::IntrusiveList<ReceiveAwaiter> receivers_;
};

}  // namespace corolab
