// 3. Ping-pong: two tasks wake each other in turn, through an Event and
// through a Channel. One round trip is two wake-ups (ping, then pong).
//
// Asio has no event type, so the Asio event is the usual stand-in: a
// steady_timer that never expires, whose cancel() wakes the waiter, plus a
// flag so that a set() before the wait is not lost. The Asio channel is
// asio::experimental::channel<void(asio::error_code, int)> (Asio 1.22).
// Both channels have capacity 1.

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/channel.hpp>
#include <asio/io_context.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <corolab/channel.hpp>
#include <corolab/event.hpp>
#include <corolab/event_loop.hpp>
#include <corolab/task.hpp>

#include "bench.hpp"

namespace {

// --- corolab ----------------------------------------------------------------

corolab::Task<void> event_pinger(corolab::Event* ping, corolab::Event* pong, long count) {
  for (long i = 0; i < count; ++i) {
    ping->set();
    co_await pong->wait();
    pong->reset();
  }
}

corolab::Task<void> event_ponger(corolab::Event* ping, corolab::Event* pong, long count) {
  for (long i = 0; i < count; ++i) {
    co_await ping->wait();
    ping->reset();
    pong->set();
  }
}

corolab::Task<void> channel_pinger(corolab::Channel<int>* ping, corolab::Channel<int>* pong,
                                   long count) {
  for (long i = 0; i < count; ++i) {
    co_await ping->send(static_cast<int>(i));
    const std::optional<int> reply = co_await pong->receive();
    if (!reply) throw std::logic_error("ping-pong: closed");
  }
}

corolab::Task<void> channel_ponger(corolab::Channel<int>* ping, corolab::Channel<int>* pong,
                                   long count) {
  for (long i = 0; i < count; ++i) {
    const std::optional<int> value = co_await ping->receive();
    co_await pong->send(*value);
  }
}

double corolab_events(long count) {
  corolab::EventLoop loop;
  corolab::Event ping;
  corolab::Event pong;
  const bench::Clock::time_point start = bench::Clock::now();
  loop.spawn(event_pinger(&ping, &pong, count));
  loop.spawn(event_ponger(&ping, &pong, count));
  loop.run();
  return bench::seconds_since(start) * 1e9 / static_cast<double>(count);
}

double corolab_channels(long count) {
  corolab::EventLoop loop;
  corolab::Channel<int> ping{1};
  corolab::Channel<int> pong{1};
  const bench::Clock::time_point start = bench::Clock::now();
  loop.spawn(channel_pinger(&ping, &pong, count));
  loop.spawn(channel_ponger(&ping, &pong, count));
  loop.run();
  return bench::seconds_since(start) * 1e9 / static_cast<double>(count);
}

// --- Asio -------------------------------------------------------------------

// An event made of a timer that never expires: cancel() wakes the waiter.
struct AsioEvent {
  explicit AsioEvent(asio::io_context& context)
      : timer(context, asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
  bool is_set = false;
  void set() {
    is_set = true;
    timer.cancel();
  }
};

asio::awaitable<void> wait_for(AsioEvent* event) {
  if (event->is_set) co_return;
  asio::error_code cancelled;  // the wake-up arrives as operation_aborted
  auto token = asio::redirect_error(asio::use_awaitable, cancelled);
  co_await event->timer.async_wait(token);
}

asio::awaitable<void> asio_event_pinger(AsioEvent* ping, AsioEvent* pong, long count) {
  for (long i = 0; i < count; ++i) {
    ping->set();
    co_await wait_for(pong);
    pong->is_set = false;
  }
}

asio::awaitable<void> asio_event_ponger(AsioEvent* ping, AsioEvent* pong, long count) {
  for (long i = 0; i < count; ++i) {
    co_await wait_for(ping);
    ping->is_set = false;
    pong->set();
  }
}

using AsioChannel = asio::experimental::channel<void(asio::error_code, int)>;

asio::awaitable<void> asio_channel_pinger(AsioChannel* ping, AsioChannel* pong, long count) {
  const asio::error_code no_error;
  for (long i = 0; i < count; ++i) {
    co_await ping->async_send(no_error, static_cast<int>(i), asio::use_awaitable);
    const int reply = co_await pong->async_receive(asio::use_awaitable);
    (void)reply;
  }
}

asio::awaitable<void> asio_channel_ponger(AsioChannel* ping, AsioChannel* pong, long count) {
  const asio::error_code no_error;
  for (long i = 0; i < count; ++i) {
    const int value = co_await ping->async_receive(asio::use_awaitable);
    co_await pong->async_send(no_error, value, asio::use_awaitable);
  }
}

double asio_events(long count) {
  asio::io_context context;
  AsioEvent ping{context};
  AsioEvent pong{context};
  const bench::Clock::time_point start = bench::Clock::now();
  asio::co_spawn(context, asio_event_pinger(&ping, &pong, count), asio::detached);
  asio::co_spawn(context, asio_event_ponger(&ping, &pong, count), asio::detached);
  context.run();
  return bench::seconds_since(start) * 1e9 / static_cast<double>(count);
}

double asio_channels(long count) {
  asio::io_context context;
  AsioChannel ping{context, 1};
  AsioChannel pong{context, 1};
  const bench::Clock::time_point start = bench::Clock::now();
  asio::co_spawn(context, asio_channel_pinger(&ping, &pong, count), asio::detached);
  asio::co_spawn(context, asio_channel_ponger(&ping, &pong, count), asio::detached);
  context.run();
  return bench::seconds_since(start) * 1e9 / static_cast<double>(count);
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = bench::smoke_mode(argc, argv);
  const long count = smoke ? 10'000 : 2'000'000;
  const int repeats = smoke ? 1 : 3;
  const double corolab_event = bench::best_of(repeats, [&] { return corolab_events(count); });
  const double asio_event = bench::best_of(repeats, [&] { return asio_events(count); });
  bench::print_row("ping-pong through an Event (round trip)", "ns", corolab_event, asio_event, 0);
  const double corolab_channel = bench::best_of(repeats, [&] { return corolab_channels(count); });
  const double asio_channel = bench::best_of(repeats, [&] { return asio_channels(count); });
  bench::print_row("ping-pong through a Channel (round trip)", "ns", corolab_channel, asio_channel,
                   0);
}
