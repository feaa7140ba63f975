// The backend registry: which reactors exist here, and which one to use.
#include "corolab/reactor.hpp"

#include <array>
#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "watch_table.hpp"

namespace corolab {

std::unique_ptr<Reactor> make_poll_reactor();
#if defined(__linux__)
std::unique_ptr<Reactor> make_epoll_reactor();
#endif
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
#define COROLAB_HAS_KQUEUE 1
std::unique_ptr<Reactor> make_kqueue_reactor();
#endif

std::string_view to_string(ReactorKind kind) noexcept {
  switch (kind) {
    case ReactorKind::epoll: return "epoll";
    case ReactorKind::poll: return "poll";
    case ReactorKind::kqueue: return "kqueue";
  }
  return "unknown";
}

std::span<const ReactorKind> available_reactor_kinds() noexcept {
#if defined(__linux__)
  static constexpr std::array kinds{ReactorKind::epoll, ReactorKind::poll};
#elif defined(COROLAB_HAS_KQUEUE)
  static constexpr std::array kinds{ReactorKind::kqueue, ReactorKind::poll};
#else
  static constexpr std::array kinds{ReactorKind::poll};
#endif
  return kinds;  // the first one is the best
}

ReactorKind default_reactor_kind() {
  const char* requested = std::getenv("COROLAB_REACTOR");
  if (requested == nullptr || *requested == '\0') return available_reactor_kinds().front();
  std::string names;
  for (ReactorKind kind : available_reactor_kinds()) {
    if (to_string(kind) == requested) return kind;
    names += names.empty() ? "" : ", ";
    names += to_string(kind);
  }
  throw std::invalid_argument("COROLAB_REACTOR=" + std::string(requested) +
                              " is not available here (available: " + names + ")");
}

std::unique_ptr<Reactor> make_reactor(ReactorKind kind) {
  switch (kind) {
    case ReactorKind::poll: return make_poll_reactor();
#if defined(__linux__)
    case ReactorKind::epoll: return make_epoll_reactor();
#endif
#if defined(COROLAB_HAS_KQUEUE)
    case ReactorKind::kqueue: return make_kqueue_reactor();
#endif
    default: break;
  }
  throw std::invalid_argument("reactor backend '" + std::string(to_string(kind)) +
                              "' is not available on this platform");
}

namespace detail {
int timeout_to_milliseconds(std::optional<std::chrono::nanoseconds> timeout) noexcept {
  if (!timeout) return -1;  // block until something happens
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*timeout).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}
}  // namespace detail

}  // namespace corolab
