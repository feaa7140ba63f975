#include "curl_multi_bridge.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <mutex>
#include <stdexcept>
#include <string>

#include "corolab/sleep.hpp"
#include "transfer.hpp"

namespace corolab::http {

namespace {

void initialise_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("curl_global_init failed");
  });
}

Task<void> sleep_until_task(TimePoint deadline) { co_await sleep_until(deadline); }

// Lesson 14's starters stand in noexcept functions, which cannot throw: they
// spawn a task that fails instead, and the loop rethrows its error from the
// test's sync_wait. (The finished bridge never calls this.)
[[maybe_unused]] Task<void> fail_with(std::string message) {
  throw std::logic_error(message);
  co_return;
}
[[maybe_unused]] void not_written_yet(std::string message) {
  EventLoop::current().spawn(fail_with(std::move(message)), "lesson 14 starter");
}

}  // namespace

// The reactor watches are one-shot, curl's wishes are standing orders:
// a SocketWatch re-arms after each readiness for as long as curl wants.
class CurlMultiBridge::SocketWatch {
 public:
  SocketWatch(CurlMultiBridge& bridge, curl_socket_t fd) : bridge_(bridge), fd_(fd) {}

  // curl's CURL_POLL_IN / OUT / INOUT: watch what is wanted, drop the rest.
  void want(bool read, bool write) {
    bridge_.tell({.kind = BridgeEvent::Kind::watch, .fd = fd_, .read = read, .write = write});
    reader_.wanted = read;
    writer_.wanted = write;
    arm();
  }
  void arm() {
    reader_.arm(bridge_.reactor_, fd_);
    writer_.arm(bridge_.reactor_, fd_);
  }
  void disarm() noexcept {
    reader_.disarm(bridge_.reactor_, fd_);
    writer_.disarm(bridge_.reactor_, fd_);
  }

 private:
  struct Direction final : IoCallback {
    Direction(SocketWatch& owner, IoDirection direction) : owner(owner), direction(direction) {}
    void arm(Reactor& reactor, curl_socket_t fd) {
      if (wanted && !armed)
        reactor.watch(fd, direction, *this);
      else if (!wanted && armed)
        reactor.unwatch(fd, direction);
      armed = wanted;
    }
    void disarm(Reactor& reactor, curl_socket_t fd) noexcept {
      if (armed) reactor.unwatch(fd, direction);
      armed = false;
    }
    void on_io_ready() noexcept override {
      armed = false;  // the reactor forgot this watch when it fired
      // Do not touch `this` after this call: curl may remove the socket.
      owner.bridge_.on_socket_ready(owner.fd_, direction);
    }
    SocketWatch& owner;
    IoDirection direction;
    bool wanted = false;
    bool armed = false;
  };

  CurlMultiBridge& bridge_;
  curl_socket_t fd_;
  Direction reader_{*this, IoDirection::read};
  Direction writer_{*this, IoDirection::write};
};

CurlMultiBridge::CurlMultiBridge(const ClientOptions& options)
    : multi_((initialise_curl_once(), curl_multi_init())),
      reactor_(EventLoop::current().reactor()) {
  if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMultiBridge::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMultiBridge::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, options.max_total_connections);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, options.max_host_connections);
  timer_task_.spawn(run_timer(), "curl timer");
}

CurlMultiBridge::~CurlMultiBridge() {
  // Every transfer is gone by now (each one is owned by an awaiting
  // coroutine). curl_multi_cleanup closes the cached connections through our
  // close callback, so the reactor forgets them first.
  curl_multi_cleanup(multi_);
  for (auto& [fd, watch] : sockets_) watch->disarm();
}

void CurlMultiBridge::add(Transfer& transfer) {
  const CURLMcode code = curl_multi_add_handle(multi_, transfer.easy());
  if (code != CURLM_OK)
    throw std::runtime_error(std::string("curl_multi_add_handle: ") + curl_multi_strerror(code));
  transfer.set_added(true);
  added_.insert(&transfer);
  // curl now calls on_timer with 0: the transfer starts on the next tick.
}

void CurlMultiBridge::remove(Transfer& transfer) noexcept {
  if (!transfer.is_added()) return;
  curl_multi_remove_handle(multi_, transfer.easy());
  transfer.set_added(false);
  added_.erase(&transfer);
}

// --- sockets ---------------------------------------------------------------

int CurlMultiBridge::on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
  auto& bridge = *static_cast<CurlMultiBridge*>(user);
  ++bridge.stats_.socket_callbacks;
  if (what == CURL_POLL_REMOVE) {
    bridge.tell({.kind = BridgeEvent::Kind::remove, .fd = fd});
    bridge.stop_watching(fd);
    return 0;
  }
  try {
    bridge.watch_socket(fd, what);
  } catch (const std::exception& error) {
    // Never let an exception cross curl's C code: report, and fail the socket.
    fmt::print(stderr, "corolab: cannot watch curl's socket {}: {}\n", fd, error.what());
    return -1;
  }
  return 0;
}

void CurlMultiBridge::watch_socket(curl_socket_t fd, int what) {
  auto [entry, is_new] = sockets_.try_emplace(fd);
  if (is_new) {
    entry->second = std::make_unique<SocketWatch>(*this, fd);
    if (removed_fds_.erase(fd) > 0) ++stats_.fd_numbers_reused;
  }
  // curl's CURL_POLL_IN / OUT / INOUT: what to wait for, as two wishes.
  const bool read = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
  const bool write = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
  entry->second->want(read, write);
}

void CurlMultiBridge::stop_watching(curl_socket_t fd) noexcept {
  auto entry = sockets_.find(fd);
  if (entry == sockets_.end()) {
    ++stats_.removes_for_unknown_sockets;  // never announced, or already closed and forgotten
    return;
  }
  ++stats_.sockets_removed;
  entry->second->disarm();
  reactor_.forget(fd);
  removed_fds_.insert(fd);
  retired_.push_back(std::move(entry->second));  // its callback may be running right now
  sockets_.erase(entry);
}

int CurlMultiBridge::close_socket(void* user, curl_socket_t fd) {
  auto& bridge = *static_cast<CurlMultiBridge*>(user);
  ++bridge.stats_.sockets_closed;
  bridge.stop_watching(fd);
  bridge.reactor_.forget(fd);  // forget before close: the number is reused at once
  return ::close(fd);
}

void CurlMultiBridge::on_socket_ready(curl_socket_t fd, IoDirection direction) noexcept {
  const bool readable = direction == IoDirection::read;
  tell({.kind = BridgeEvent::Kind::socket_ready, .fd = fd, .read = readable, .write = !readable});
  // #exercise on_socket_ready: tell curl, then re-arm the watch unless curl said REMOVE meanwhile
  socket_action(fd, readable ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
  // The reactor's watch fired once; curl still wants it, unless it said
  // REMOVE during the call: that retired the watch, and socket_action freed
  // it on the way out. So look it up again; hold on to nothing across the call.
  auto entry = sockets_.find(fd);
  if (entry == sockets_.end()) return;
  try {
    entry->second->arm();
  } catch (const std::exception& error) {  // this function is noexcept: report, as on_socket does
    fmt::print(stderr, "corolab: cannot re-watch curl's socket {}: {}\n", fd, error.what());
  }
  // #starter
  // not_written_yet("lesson 14: write on_socket_ready");
  // #endexercise
}

void CurlMultiBridge::socket_action(curl_socket_t fd, int event_mask) noexcept {
  ++action_depth_;
  int still_running = 0;
  const CURLMcode code = curl_multi_socket_action(multi_, fd, event_mask, &still_running);
  --action_depth_;
  if (code != CURLM_OK) fail_every_transfer();
  finish_completed_transfers();
  if (action_depth_ == 0) retired_.clear();
}

void CurlMultiBridge::finish_completed_transfers() noexcept {
  // #exercise finish_completed_transfers: hand every transfer curl has finished to its coroutine
  // One call of curl can finish several transfers: read until the queue is empty.
  int messages_left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &messages_left)) {
    if (message->msg != CURLMSG_DONE) continue;
    Transfer* transfer = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
    const CURLcode result = message->data.result;
    remove(*transfer);          // invalidates `message`
    transfer->on_done(result);  // wakes its coroutine (on a later tick)
  }
  // #starter
  // int messages_left = 0;
  // if (curl_multi_info_read(multi_, &messages_left) != nullptr)
  //   not_written_yet("lesson 14: write finish_completed_transfers");
  // #endexercise
}

// One of our callbacks failed (a socket could not be watched, say): curl
// gives up on the whole multi handle, and would report nothing, ever. Every
// transfer ends with an error instead of waiting forever.
void CurlMultiBridge::fail_every_transfer() noexcept {
  const std::vector<Transfer*> failed(added_.begin(), added_.end());
  for (Transfer* transfer : failed) {
    remove(*transfer);
    transfer->on_done(CURLE_ABORTED_BY_CALLBACK);
  }
}

// --- the timer ---------------------------------------------------------------

int CurlMultiBridge::on_timer(CURLM*, long timeout_ms, void* user) {
  auto& bridge = *static_cast<CurlMultiBridge*>(user);
  if (timeout_ms < 0) ++bridge.stats_.timer_deletes;
  if (timeout_ms == 0) ++bridge.stats_.timer_immediate;
  bridge.tell({.kind = BridgeEvent::Kind::timer, .timeout_ms = timeout_ms});
  try {
    bridge.set_timer(timeout_ms);
  } catch (const std::exception& error) {
    // As in on_socket: no exception may cross curl's C code.
    fmt::print(stderr, "corolab: cannot set curl's timer: {}\n", error.what());
    return -1;
  }
  return 0;
}

void CurlMultiBridge::set_timer(long timeout_ms) {
  if (timeout_ms < 0) {
    timer_deadline_.reset();
  } else {
    timer_deadline_ = EventLoop::current().now() + std::chrono::milliseconds(timeout_ms);
  }
  // Only tell the timer coroutine; it calls curl on a later tick. Calling
  // curl_multi_socket_action from inside this callback is forbidden.
  if (timer_moved_) timer_moved_->request_stop();
  timer_changed_.set();
}

Task<void> CurlMultiBridge::run_timer() {
  while (true) {
    if (!timer_deadline_) {
      co_await timer_changed_.wait();
    }
    timer_changed_.reset();
    if (!timer_deadline_) continue;

    // #region timer_sleeps
    // Sleep until curl's deadline, unless curl moves it first.
    Task<void> sleep = sleep_until_task(*timer_deadline_);
    timer_moved_.emplace();
    sleep.set_stop_token(timer_moved_->get_token());
    bool expired = true;
    try {
      co_await std::move(sleep);
    } catch (const OperationCancelled&) {
      expired = false;
    }
    timer_moved_.reset();
    if (!expired) continue;  // a new deadline: go round again

    ++stats_.timer_fired;
    timer_deadline_.reset();
    tell({.kind = BridgeEvent::Kind::timer_fired});
    socket_action(CURL_SOCKET_TIMEOUT, 0);
    // #endregion timer_sleeps
  }
}

}  // namespace corolab::http
