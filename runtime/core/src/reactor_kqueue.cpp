// The kqueue(2) backend for macOS and the BSDs. It is compiled only there,
// so it cannot run in this project's Linux CI: it is kept deliberately
// simple, one kevent() call per change, with one-shot filters that match the
// reactor's one-shot watches exactly.
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
#include <sys/event.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <vector>

#include "corolab/reactor.hpp"
#include "watch_table.hpp"

namespace corolab {
namespace {

constexpr uintptr_t kWakeIdent = 0;

class KqueueReactor final : public Reactor {
 public:
  KqueueReactor() : kqueue_fd_(::kqueue()), events_(256) {
    if (kqueue_fd_ < 0) throw std::system_error(errno, std::generic_category(), "kqueue");
    struct kevent wake;
    EV_SET(&wake, kWakeIdent, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, nullptr);
    change(wake);
  }
  ~KqueueReactor() override { ::close(kqueue_fd_); }

  ReactorKind kind() const noexcept override { return ReactorKind::kqueue; }

  void watch(int fd, IoDirection direction, IoCallback& callback) override {
    watches_.set(fd, direction, callback);
    struct kevent event;
    EV_SET(&event, fd, filter_for(direction), EV_ADD | EV_ONESHOT, 0, 0, nullptr);
    try {
      change(event);
    } catch (...) {
      watches_.take(fd, direction);
      throw;
    }
  }

  void unwatch(int fd, IoDirection direction) noexcept override {
    if (watches_.take(fd, direction) == nullptr) return;
    struct kevent event;
    EV_SET(&event, fd, filter_for(direction), EV_DELETE, 0, 0, nullptr);
    ::kevent(kqueue_fd_, &event, 1, nullptr, 0, nullptr);  // ENOENT if it already fired: fine
  }

  // Anyone still waiting is woken: their next call on the fd reports the error.
  void forget(int fd) noexcept override {
    const auto watchers = watches_.get(fd);
    unwatch(fd, IoDirection::read);
    unwatch(fd, IoDirection::write);
    if (watchers.reader != nullptr) watchers.reader->on_io_ready();
    if (watchers.writer != nullptr) watchers.writer->on_io_ready();
  }

  std::size_t watch_count() const noexcept override { return watches_.count(); }

  void wake() noexcept override {
    struct kevent trigger;
    EV_SET(&trigger, kWakeIdent, EVFILT_USER, 0, NOTE_TRIGGER, 0, nullptr);
    ::kevent(kqueue_fd_, &trigger, 1, nullptr, 0, nullptr);
  }

  void poll(std::optional<std::chrono::nanoseconds> timeout) override {
    timespec limit{};
    if (timeout) {
      limit.tv_sec = static_cast<time_t>(timeout->count() / 1'000'000'000);
      limit.tv_nsec = static_cast<long>(timeout->count() % 1'000'000'000);
    }
    int count = ::kevent(kqueue_fd_, nullptr, 0, events_.data(), static_cast<int>(events_.size()),
                         timeout ? &limit : nullptr);
    if (count < 0) {
      if (errno == EINTR) return;
      throw std::system_error(errno, std::generic_category(), "kevent");
    }
    for (int i = 0; i < count; ++i) {
      const struct kevent& event = events_[static_cast<std::size_t>(i)];
      if (event.filter == EVFILT_USER) continue;  // just a wake-up
      const auto direction = event.filter == EVFILT_READ ? IoDirection::read : IoDirection::write;
      if (IoCallback* callback = watches_.take(static_cast<int>(event.ident), direction)) {
        callback->on_io_ready();
      }
    }
  }

 private:
  static short filter_for(IoDirection direction) noexcept {
    return direction == IoDirection::read ? EVFILT_READ : EVFILT_WRITE;
  }
  void change(struct kevent& event) {
    if (::kevent(kqueue_fd_, &event, 1, nullptr, 0, nullptr) != 0) {
      throw std::system_error(errno, std::generic_category(), "kevent (register)");
    }
  }

  int kqueue_fd_;
  detail::WatchTable watches_;
  std::vector<struct kevent> events_;
};

}  // namespace

std::unique_ptr<Reactor> make_kqueue_reactor() { return std::make_unique<KqueueReactor>(); }

}  // namespace corolab
#endif
