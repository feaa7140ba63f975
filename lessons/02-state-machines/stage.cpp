// Lesson 02 stage: state machines at work.
//
//   1. FetchMachine fetches the demo site's home page over a real loopback
//      socket; a poll() loop does what the machine asks and reports what
//      happened, and every step is printed;
//   2. the same machine against a port where nothing listens: it fails, and
//      says why;
//   3. the hand-written switch coroutine: one value per call, the loops
//      picking up where they left off.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "background_site.hpp"
#include "fetch_machine.hpp"
#include "run_expander.hpp"

namespace {

using lesson02::Event;
using lesson02::FetchMachine;
using lesson02::Want;

// A non-blocking socket with a connect to 127.0.0.1:port under way.
int start_connect(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connect(fd, reinterpret_cast<const sockaddr*>(&address),
          sizeof address);  // EINPROGRESS: poll says when
  return fd;
}

// The driver: waits for what the machine wants, does the I/O, and tells the
// machine what happened. All the fetch's logic is in the machine.
void drive(FetchMachine& machine, int fd) {
  std::array<char, 256> buffer;  // small on purpose: the response comes in pieces
  Want want = machine.next();
  while (want.kind != Want::Kind::finished) {
    const bool writing = want.kind == Want::Kind::write;
    pollfd watched{fd, static_cast<short>(writing ? POLLOUT : POLLIN), 0};
    poll(&watched, 1, -1);

    Event event = Event::closed();
    std::string error;
    int socket_error = 0;
    socklen_t length = sizeof socket_error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length);  // a failed connect shows here
    if (socket_error != 0) {
      error = std::strerror(socket_error);
      event = Event::error(error);
    } else if (writing) {
      const ssize_t n = send(fd, want.bytes.data(), want.bytes.size(), MSG_NOSIGNAL);
      event = n >= 0 ? Event::writable(static_cast<std::size_t>(n))
                     : Event::error(error = std::strerror(errno));
    } else {
      const ssize_t n = recv(fd, buffer.data(), buffer.size(), 0);
      if (n > 0) event = Event::readable({buffer.data(), static_cast<std::size_t>(n)});
      if (n < 0) event = Event::error(error = std::strerror(errno));
    }

    const lesson02::State before = machine.state;
    want = machine.step(event);
    fmt::print("  {:<26} {:>10} -> {:<10} then {}\n", to_string(event), to_string(before),
               to_string(machine.state), to_string(want));
  }
}

void fetch(std::uint16_t port, const char* target) {
  FetchMachine machine("127.0.0.1", target);
  fmt::print("  {:<26} {:>10}    then {}\n", "(start)", to_string(machine.state),
             to_string(machine.next()));
  const int fd = start_connect(port);
  drive(machine, fd);
  close(fd);
  if (machine.state == lesson02::State::done) {
    fmt::print("  => status {}, {} bytes of body\n", machine.status, machine.body().size());
  } else {
    fmt::print("  => failed: {}\n", machine.failure);
  }
}

}  // namespace

int main() {
  {
    corolab::demo_site::SiteOptions options;
    options.pages = 20;
    BackgroundSite site(options);  // its own thread: this one runs a plain poll() loop
    fmt::print("1. GET / from the demo site on 127.0.0.1:{}, one event at a time:\n", site.port());
    fetch(site.port(), "/");
  }

  fmt::print("\n2. the same machine, against a port where nothing listens:\n");
  ClosedPort closed;
  fetch(closed.port(), "/");

  fmt::print("\n3. the switch coroutine expanding \"3a2b1c\", one call at a time:\n");
  lesson02::RunExpander expander("3a2b1c");
  for (int call = 1;; ++call) {
    const std::optional<char> c = expander.resume();
    if (!c) break;
    fmt::print("  call {}: '{}'\n", call, *c);
  }
  fmt::print("  ordinary loop: \"{}\"\n", lesson02::expand_runs("3a2b1c"));
}
