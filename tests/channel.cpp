// Channel<T>: FIFO delivery, backpressure, waiting on empty, close(),
// rendezvous (capacity 0), try_send / try_receive, many producers and
// consumers, cancellation of waiting senders and receivers, move-only items,
// and item lifetimes when channels and tasks are destroyed.
#include "corolab/channel.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "async_test_helpers.hpp"
#include "corolab/event.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task.hpp"
#include "corolab/task_group.hpp"
#include "corolab/yield.hpp"
#include "lifetime_counter.hpp"

using corolab::Channel;
using corolab::ChannelClosed;
using corolab::EventLoop;
using corolab::OperationCancelled;
using corolab::sync_wait;
using corolab::Task;
using corolab::TaskGroup;
using Log = std::vector<std::string>;

using test_helpers::under_token;
using test_helpers::yield_times;

namespace {

Task<void> send_range(Channel<int>* channel, int first, int count) {
  for (int i = first; i < first + count; ++i) co_await channel->send(i);
}

Task<void> send_range_then_close(Channel<int>* channel, int count) {
  co_await send_range(channel, 0, count);
  channel->close();
}

Task<void> receive_all(Channel<int>* channel, std::vector<int>* received) {
  while (true) {
    std::optional<int> item = co_await channel->receive();
    if (!item) break;
    received->push_back(*item);
  }
}

Task<void> pipe_through(Channel<int>* channel, int count, std::vector<int>* received) {
  TaskGroup group;
  group.spawn(send_range_then_close(channel, count));
  group.spawn(receive_all(channel, received));
  co_await group.join();
}

// Logs "send <v>", then "<v> sent" / "<v> closed" / "<v> cancelled".
Task<void> send_and_log(Channel<int>* channel, Log* log, int value, int yields_first) {
  co_await yield_times(yields_first);
  const std::string text = std::to_string(value);
  log->push_back("send " + text);
  std::string outcome = " sent";
  try {
    co_await channel->send(value);
  } catch (const ChannelClosed&) {
    outcome = " closed";
  } catch (const OperationCancelled&) {
    outcome = " cancelled";
  }
  log->push_back(text + outcome);
}

// Logs "<name> receives", then "<name> got <v>" / "<name> got nothing" /
// "<name> cancelled".
Task<void> receive_and_log(Channel<int>* channel, Log* log, std::string name) {
  log->push_back(name + " receives");
  std::optional<int> item;
  bool cancelled = false;
  try {
    item = co_await channel->receive();
  } catch (const OperationCancelled&) {
    cancelled = true;
  }
  if (cancelled) {
    log->push_back(name + " cancelled");
  } else {
    log->push_back(name + " got " + (item ? std::to_string(*item) : std::string("nothing")));
  }
}

Task<void> close_after_yields(Channel<int>* channel, Log* log, int yields) {
  co_await yield_times(yields);
  log->push_back("close");
  channel->close();
}

Task<void> stop_after_yields(std::stop_source* source, int yields) {
  co_await yield_times(yields);
  source->request_stop();
}

struct Pace {
  int sent = 0;
  int received = 0;
  int max_lead = 0;  // sent - received, seen by the producer after each send
  std::size_t max_size = 0;
  int sent_at_first_receive = -1;
};

Task<void> produce_tracked(Channel<int>* channel, int count, Pace* pace) {
  for (int i = 0; i < count; ++i) {
    co_await channel->send(i);
    ++pace->sent;
    pace->max_lead = std::max(pace->max_lead, pace->sent - pace->received);
    pace->max_size = std::max(pace->max_size, channel->size());
  }
  channel->close();
}

Task<void> consume_slowly(Channel<int>* channel, Pace* pace) {
  while (true) {
    co_await yield_times(3);
    if (pace->sent_at_first_receive < 0) pace->sent_at_first_receive = pace->sent;
    std::optional<int> item = co_await channel->receive();
    if (!item) break;
    ++pace->received;
  }
}

Task<void> fast_producer_slow_consumer(Channel<int>* channel, int count, Pace* pace) {
  TaskGroup group;
  group.spawn(produce_tracked(channel, count, pace));
  group.spawn(consume_slowly(channel, pace));
  co_await group.join();
}

Task<void> receiver_then_sender(Channel<int>* channel, Log* log) {
  TaskGroup group;
  group.spawn(receive_and_log(channel, log, "R"));
  group.spawn(send_and_log(channel, log, 7, 2));
  co_await group.join();
}

Task<void> three_receivers_then_close(Channel<int>* channel, Log* log) {
  TaskGroup group;
  group.spawn(receive_and_log(channel, log, "A"));
  group.spawn(receive_and_log(channel, log, "B"));
  group.spawn(receive_and_log(channel, log, "C"));
  group.spawn(close_after_yields(channel, log, 2));
  co_await group.join();
}

// The channel is full: three senders wait, then the channel is closed.
Task<void> three_senders_then_close(Channel<int>* channel, Log* log) {
  TaskGroup group;
  group.spawn(send_and_log(channel, log, 10, 0));
  group.spawn(send_and_log(channel, log, 11, 0));
  group.spawn(send_and_log(channel, log, 12, 0));
  group.spawn(close_after_yields(channel, log, 2));
  co_await group.join();
}

Task<void> send_one(Channel<int>* channel, int value) { co_await channel->send(value); }

Task<void> send_logged_range_then_close(Channel<int>* channel, Log* log, int count) {
  for (int i = 0; i < count; ++i) {
    log->push_back("send " + std::to_string(i));
    co_await channel->send(i);
    log->push_back("sent " + std::to_string(i));
  }
  channel->close();
}

Task<void> receive_slowly_logged(Channel<int>* channel, Log* log, std::size_t* max_size) {
  while (true) {
    co_await yield_times(3);
    *max_size = std::max(*max_size, channel->size());
    std::optional<int> item = co_await channel->receive();
    if (!item) break;
    log->push_back("got " + std::to_string(*item));
  }
}

Task<void> rendezvous(Channel<int>* channel, Log* log, std::size_t* max_size) {
  TaskGroup group;
  group.spawn(send_logged_range_then_close(channel, log, 3));
  group.spawn(receive_slowly_logged(channel, log, max_size));
  co_await group.join();
}

struct TryResults {
  bool send_with_waiting_receiver = false;
  std::optional<int> received_from_waiting_sender;
  std::size_t size_after_receive = 99;
};

// try_send hands the item to a waiting receiver; try_receive takes from the
// buffer and lets the waiting sender fill the slot it freed.
Task<void> try_operations_with_waiters(Channel<int>* channel, Log* log, TryResults* results) {
  TaskGroup group;
  group.spawn(receive_and_log(channel, log, "R"));
  co_await corolab::yield();  // R waits on the empty channel
  int five = 5;
  results->send_with_waiting_receiver = channel->try_send(five);
  co_await group.join();

  int six = 6;
  channel->try_send(six);  // fills the buffer (capacity 1)
  group.spawn(send_and_log(channel, log, 7, 0));
  co_await corolab::yield();  // 7 waits for room
  results->received_from_waiting_sender = channel->try_receive();
  results->size_after_receive = channel->size();
  co_await group.join();
}

Task<void> produce_tagged(Channel<int>* channel, int producer, int count) {
  for (int i = 0; i < count; ++i) co_await channel->send(producer * count + i);
}

Task<void> producers_then_close(Channel<int>* channel, int producers, int count) {
  TaskGroup group;
  for (int p = 0; p < producers; ++p) group.spawn(produce_tagged(channel, p, count));
  co_await group.join();
  channel->close();
}

Task<void> many_to_many(Channel<int>* channel, int producers, int count,
                        std::vector<std::vector<int>>* per_consumer) {
  TaskGroup group;
  group.spawn(producers_then_close(channel, producers, count));
  for (auto& received : *per_consumer) group.spawn(receive_all(channel, &received));
  co_await group.join();
}

// The channel is full: a cancellable sender waits, then is cancelled.
Task<void> cancel_waiting_sender(Channel<int>* channel, Log* log) {
  std::stop_source source;
  TaskGroup group;
  group.spawn(under_token(send_and_log(channel, log, 2, 0), source.get_token()));
  group.spawn(stop_after_yields(&source, 1));
  co_await group.join();
}

Task<void> cancel_waiting_receiver(Channel<int>* channel, Log* log) {
  std::stop_source source;
  TaskGroup group;
  group.spawn(under_token(receive_and_log(channel, log, "R"), source.get_token()));
  group.spawn(stop_after_yields(&source, 1));
  co_await group.join();
}

Task<void> hand_over_then_stop(Channel<int>* channel, std::stop_source* source, int value) {
  co_await corolab::yield();
  channel->try_send(value);  // straight into the waiting receiver
  source->request_stop();
}

Task<void> take_then_stop(Channel<int>* channel, std::stop_source* source,
                          std::optional<int>* taken) {
  co_await corolab::yield();
  *taken = channel->try_receive();  // straight from the waiting sender (capacity 0)
  source->request_stop();
}

Task<void> receiver_handed_an_item_then_stopped(Channel<int>* channel, Log* log) {
  std::stop_source source;
  TaskGroup group;
  group.spawn(under_token(receive_and_log(channel, log, "R"), source.get_token()));
  group.spawn(hand_over_then_stop(channel, &source, 3));
  co_await group.join();
}

Task<void> sender_taken_from_then_stopped(Channel<int>* channel, Log* log,
                                          std::optional<int>* taken) {
  std::stop_source source;
  TaskGroup group;
  group.spawn(under_token(send_and_log(channel, log, 4, 0), source.get_token()));
  group.spawn(take_then_stop(channel, &source, taken));
  co_await group.join();
}

using Box = std::unique_ptr<int>;

Task<void> send_boxes_then_close(Channel<Box>* channel, int count) {
  for (int i = 0; i < count; ++i) {
    Box box = std::make_unique<int>(i);
    co_await channel->send(std::move(box));
  }
  channel->close();
}

Task<void> receive_boxes(Channel<Box>* channel, std::vector<int>* values) {
  while (true) {
    std::optional<Box> box = co_await channel->receive();
    if (!box) break;
    values->push_back(**box);
  }
}

Task<void> boxes_through(Channel<Box>* channel, int count, std::vector<int>* values) {
  TaskGroup group;
  group.spawn(send_boxes_then_close(channel, count));
  group.spawn(receive_boxes(channel, values));
  co_await group.join();
}

using Counted = LifetimeCounter;

Task<void> send_counted(Channel<Counted>* channel, int count) {
  for (int i = 0; i < count; ++i) {
    Counted item;
    co_await channel->send(std::move(item));
  }
}

Task<void> receive_counted(Channel<Counted>* channel, int* received) {
  std::optional<Counted> item = co_await channel->receive();
  if (item) ++*received;
}

Task<void> send_counted_then_stop_loop(Channel<Counted>* channel, EventLoop* loop) {
  co_await corolab::yield();
  Counted item;
  channel->try_send(item);  // handed to the waiting receiver, which is not resumed yet
  loop->stop();
}

Task<void> hold_item_and_wait(Channel<Counted>* channel, corolab::Event* never_set) {
  std::optional<Counted> item = co_await channel->receive();
  co_await never_set->wait();
}

}  // namespace

// Items come out in the order they went in, whatever the capacity.
TEST_CASE("a channel delivers items in FIFO order") {
  const std::size_t capacity = GENERATE(0u, 1u, 4u, 200u);
  Channel<int> channel{capacity};
  CHECK(channel.capacity() == capacity);
  std::vector<int> received;
  sync_wait(pipe_through(&channel, 100, &received));
  std::vector<int> expected(100);
  for (int i = 0; i < 100; ++i) expected[i] = i;
  CHECK(received == expected);
}

// #region backpressure_test
// With a slow consumer, the producer runs ahead by the capacity and then
// waits: it is never more than `capacity` items ahead, and the buffer never
// grows past it.
TEST_CASE("send waits while the channel is full (backpressure)") {
  Channel<int> channel{2};
  Pace pace;
  sync_wait(fast_producer_slow_consumer(&channel, 10, &pace));
  CHECK(pace.sent == 10);
  CHECK(pace.received == 10);
  CHECK(pace.sent_at_first_receive == 2);
  CHECK(pace.max_lead == 2);
  CHECK(pace.max_size == 2);
}
// #endregion backpressure_test

// A receiver on an empty channel waits until an item is sent.
TEST_CASE("receive waits while the channel is empty") {
  const std::size_t capacity = GENERATE(0u, 2u);
  Channel<int> channel{capacity};
  Log log;
  sync_wait(receiver_then_sender(&channel, &log));
  CHECK(log == Log{"R receives", "send 7", "7 sent", "R got 7"});
}

TEST_CASE("close() wakes all waiting receivers with std::nullopt") {
  Channel<int> channel{2};
  Log log;
  sync_wait(three_receivers_then_close(&channel, &log));
  CHECK(log == Log{"A receives", "B receives", "C receives", "close", "A got nothing",
                   "B got nothing", "C got nothing"});
  CHECK(channel.is_closed());
}

// Waiting senders get ChannelClosed and their items are not delivered; the
// item buffered before close() still is.
TEST_CASE("close() wakes all waiting senders with ChannelClosed") {
  Channel<int> channel{1};
  int one = 1;
  REQUIRE(channel.try_send(one));
  Log log;
  sync_wait(three_senders_then_close(&channel, &log));
  CHECK(log ==
        Log{"send 10", "send 11", "send 12", "close", "10 closed", "11 closed", "12 closed"});
  std::vector<int> rest;
  sync_wait(receive_all(&channel, &rest));
  CHECK(rest == std::vector<int>{1});
}

TEST_CASE("items buffered before close() are received, then std::nullopt") {
  Channel<int> channel{3};
  sync_wait(send_range(&channel, 1, 3));
  channel.close();
  CHECK(channel.size() == 3);
  std::vector<int> received;
  sync_wait(receive_all(&channel, &received));
  CHECK(received == std::vector<int>{1, 2, 3});
  CHECK_FALSE(sync_wait(channel.receive()).has_value());
  CHECK_FALSE(channel.try_receive().has_value());
}

TEST_CASE("send on a closed channel throws ChannelClosed") {
  Channel<int> channel{4};
  channel.close();
  CHECK_THROWS_AS(sync_wait(send_one(&channel, 1)), ChannelClosed);
  int two = 2;
  CHECK_THROWS_AS(channel.try_send(two), ChannelClosed);
  CHECK(channel.size() == 0);
}

// Capacity 0: nothing is buffered; each send completes only after a
// receiver has taken its item.
TEST_CASE("a channel of capacity 0 is a rendezvous") {
  Channel<int> channel{0};
  int lonely = 1;
  CHECK_FALSE(channel.try_send(lonely));  // no receiver waiting
  CHECK_FALSE(channel.try_receive().has_value());

  Log log;
  std::size_t max_size = 0;
  sync_wait(rendezvous(&channel, &log, &max_size));
  CHECK(log ==
        Log{"send 0", "got 0", "sent 0", "send 1", "got 1", "sent 1", "send 2", "got 2", "sent 2"});
  CHECK(max_size == 0);
}

TEST_CASE("try_send and try_receive never wait") {
  SECTION("on the buffer") {
    Channel<std::string> channel{2};
    std::string a = "a";
    std::string b = "b";
    std::string c = "c";
    CHECK(channel.try_send(a));
    CHECK(channel.try_send(b));
    CHECK_FALSE(channel.try_send(c));  // full
    CHECK(c == "c");                   // a failed try_send leaves the item alone
    CHECK(channel.size() == 2);
    CHECK(channel.try_receive() == std::optional<std::string>("a"));
    CHECK(channel.try_receive() == std::optional<std::string>("b"));
    CHECK_FALSE(channel.try_receive().has_value());
  }
  SECTION("with tasks waiting") {
    Channel<int> channel{1};
    Log log;
    TryResults results;
    sync_wait(try_operations_with_waiters(&channel, &log, &results));
    CHECK(results.send_with_waiting_receiver);
    CHECK(results.received_from_waiting_sender == std::optional<int>(6));
    CHECK(results.size_after_receive == 1);  // 7 moved into the freed slot
    CHECK(log == Log{"R receives", "R got 5", "send 7", "7 sent"});
    CHECK(channel.try_receive() == std::optional<int>(7));
  }
}

// 4 producers x 1000 items, 3 consumers: every item is received exactly
// once, and each consumer sees each producer's items in order.
TEST_CASE("many producers and consumers: every item is received exactly once") {
  constexpr int producers = 4;
  constexpr int count = 1000;
  Channel<int> channel{8};
  std::vector<std::vector<int>> per_consumer(3);
  sync_wait(many_to_many(&channel, producers, count, &per_consumer));

  std::vector<int> times_received(producers * count, 0);
  for (const auto& received : per_consumer) {
    std::vector<int> last_from(producers, -1);
    for (int item : received) {
      REQUIRE(item >= 0);
      REQUIRE(item < producers * count);
      ++times_received[item];
      CHECK(item > last_from[item / count]);
      last_from[item / count] = item;
    }
  }
  CHECK(std::all_of(times_received.begin(), times_received.end(),
                    [](int times) { return times == 1; }));
}

// A cancelled sender's item is not delivered; a cancelled receiver takes no
// item, so a later item stays in the channel for the next receiver.
TEST_CASE("cancelling a waiting sender or receiver") {
  Log log;
  SECTION("sender: its item is not delivered") {
    Channel<int> channel{1};
    int one = 1;
    REQUIRE(channel.try_send(one));
    sync_wait(cancel_waiting_sender(&channel, &log));
    CHECK(log == Log{"send 2", "2 cancelled"});
    channel.close();
    std::vector<int> rest;
    sync_wait(receive_all(&channel, &rest));
    CHECK(rest == std::vector<int>{1});
  }
  SECTION("receiver: it takes nothing") {
    Channel<int> channel{1};
    sync_wait(cancel_waiting_receiver(&channel, &log));
    CHECK(log == Log{"R receives", "R cancelled"});
    int five = 5;
    CHECK(channel.try_send(five));  // buffered, not handed to the cancelled receiver
    CHECK(channel.size() == 1);
    CHECK(channel.try_receive() == std::optional<int>(5));
  }
}

// A waiter is woken once: an item handed over before the stop request in the
// same tick is delivered, not lost.
TEST_CASE("an item handed over before a stop request in the same tick is delivered") {
  Log log;
  SECTION("to a waiting receiver") {
    Channel<int> channel{1};
    sync_wait(receiver_handed_an_item_then_stopped(&channel, &log));
    CHECK(log == Log{"R receives", "R got 3"});
    CHECK(channel.size() == 0);
  }
  SECTION("from a waiting sender") {
    Channel<int> channel{0};
    std::optional<int> taken;
    sync_wait(sender_taken_from_then_stopped(&channel, &log, &taken));
    CHECK(taken == std::optional<int>(4));
    CHECK(log == Log{"send 4", "4 sent"});
  }
}

TEST_CASE("a channel carries move-only items") {
  const std::size_t capacity = GENERATE(0u, 1u, 3u);
  Channel<Box> channel{capacity};
  std::vector<int> values;
  sync_wait(boxes_through(&channel, 5, &values));
  CHECK(values == std::vector<int>{0, 1, 2, 3, 4});

  Channel<Box> one_slot{1};
  Box first = std::make_unique<int>(1);
  Box second = std::make_unique<int>(2);
  CHECK(one_slot.try_send(first));
  CHECK_FALSE(one_slot.try_send(second));
  REQUIRE(second != nullptr);  // not taken
  CHECK(*second == 2);
  std::optional<Box> received = one_slot.try_receive();
  REQUIRE(received.has_value());
  CHECK(**received == 1);
}

// Items are destroyed exactly once wherever they are when their owner goes:
// in a channel's buffer, in a waiting sender, in a receiver that was handed
// one but never resumed, in a suspended task's local.
TEST_CASE("items are neither leaked nor destroyed twice") {
  ExpectNoLeaks no_leaks;
  const int alive_before = LifetimeCounter::alive;

  SECTION("a channel destroyed with buffered items") {
    {
      Channel<Counted> channel{3};
      sync_wait(send_counted(&channel, 3));
      CHECK(channel.size() == 3);
      CHECK(LifetimeCounter::alive == alive_before + 3);
    }
    CHECK(LifetimeCounter::alive == alive_before);
  }
  SECTION("items received and dropped") {
    Channel<Counted> channel{2};
    sync_wait(send_counted(&channel, 2));
    int received = 0;
    sync_wait(receive_counted(&channel, &received));
    sync_wait(receive_counted(&channel, &received));
    CHECK(received == 2);
    CHECK(LifetimeCounter::alive == alive_before);
  }
  SECTION("a waiting sender destroyed with its item") {
    Channel<Counted> channel{1};
    {
      EventLoop loop;
      loop.spawn(send_counted(&channel, 3));  // one buffered, the second waits
      loop.run();
      CHECK(channel.size() == 1);
      CHECK(LifetimeCounter::alive > alive_before + 1);
    }
    CHECK(channel.size() == 1);
    CHECK(LifetimeCounter::alive == alive_before + 1);  // the buffered one
  }
  SECTION("a receiver handed an item, destroyed before it resumed: the item goes back") {
    Channel<Counted> channel{0};
    int received = 0;
    {
      EventLoop loop;
      loop.spawn(receive_counted(&channel, &received));
      loop.spawn(send_counted_then_stop_loop(&channel, &loop));
      loop.run();
      CHECK(LifetimeCounter::alive == alive_before + 1);  // inside the receiver
    }
    CHECK(received == 0);
    // Nothing is lost: the item is back in the channel for the next receiver.
    CHECK(channel.size() == 1);
    CHECK(LifetimeCounter::alive == alive_before + 1);
  }
  SECTION("a task holding a received item in a local, destroyed") {
    Channel<Counted> channel{1};
    corolab::Event never_set;
    {
      EventLoop loop;
      loop.spawn(send_counted(&channel, 1));
      loop.spawn(hold_item_and_wait(&channel, &never_set));
      loop.run();
      CHECK(channel.size() == 0);
      CHECK(LifetimeCounter::alive == alive_before + 1);
    }
  }
}
