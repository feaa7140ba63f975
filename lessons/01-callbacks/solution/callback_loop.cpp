// Lesson 01: the callback loop. Not the exercise: read it, then use it.
#include "callback_loop.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace lesson01 {

namespace {

// For the trace: what poll() said about an fd, " (fd 7: readable)".
std::string describe(const pollfd& ready) {
  std::string what;
  if (ready.revents & POLLIN) what += " readable";
  if (ready.revents & POLLOUT) what += " writable";
  if (ready.revents & POLLERR) what += " error";
  if (ready.revents & POLLHUP) what += " hang-up";
  return fmt::format(" (fd {}:{})", ready.fd, what);
}

}  // namespace

void CallbackLoop::watch(int fd, short events, std::string name, Callback callback) {
  watches_[fd] = Watch{events, std::move(name), std::move(callback), next_id_++};
}

void CallbackLoop::unwatch(int fd) { watches_.erase(fd); }

void CallbackLoop::call_soon(std::string name, Callback callback) {
  soon_.push_back(Soon{std::move(name), std::move(callback)});
}

void CallbackLoop::call(const std::string& name, const Callback& callback,
                        const std::string& detail) {
  if (trace_) {
    const auto since_start = std::chrono::steady_clock::now() - started_;
    trace_(fmt::format("{:7.1f} ms  {}{}",
                       std::chrono::duration<double, std::milli>(since_start).count(), name,
                       detail));
  }
  callback();
}

// How long poll() may wait: not at all if callbacks are queued, else until
// it is time to give up.
int CallbackLoop::poll_timeout_ms(std::chrono::steady_clock::time_point give_up_at) const {
  if (!soon_.empty()) return 0;
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(give_up_at - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    throw std::runtime_error(
        fmt::format("CallbackLoop: gave up, {} fds still watched", watches_.size()));
  }
  return static_cast<int>(left.count());
}

void CallbackLoop::run(std::chrono::milliseconds give_up_after) {
  started_ = std::chrono::steady_clock::now();
  const auto give_up_at = started_ + give_up_after;
  while (!watches_.empty() || !soon_.empty()) {
    // What was queued before this turn; what these callbacks queue waits for the next.
    for (const Soon& soon : std::exchange(soon_, {})) call(soon.name, soon.callback, "");

    // #region poll
    std::vector<pollfd> fds;
    std::vector<std::uint64_t> ids;
    for (const auto& [fd, watch] : watches_) {
      fds.push_back(pollfd{fd, watch.events, 0});
      ids.push_back(watch.id);
    }
    // The only place this thread ever waits: for all the fds at once.
    if (::poll(fds.data(), fds.size(), poll_timeout_ms(give_up_at)) < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    // #endregion poll

    // #region dispatch
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const auto found = watches_.find(fds[i].fd);
      // Skip an fd that a callback of this turn unwatched (or replaced).
      if (found == watches_.end() || found->second.id != ids[i]) continue;
      // A copy: the callback may unwatch or re-watch its own fd, which
      // would destroy the std::function while it runs.
      const Watch watch = found->second;
      call(watch.name, watch.callback, describe(fds[i]));
    }
    // #endregion dispatch
  }
}

}  // namespace lesson01
