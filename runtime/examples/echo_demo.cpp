// corolab-echo-demo: one thread, one event loop, an echo server and a crowd
// of clients talking to it at the same time over loopback.
//
//   corolab-echo-demo [--clients N] [--messages M]
//
// Every client is a coroutine that connects, sends M messages and checks
// each echo. None of them blocks the thread: while one waits for its reply,
// the loop runs the others. Ctrl-C stops the demo cleanly.
//
// To see it run: COROLAB_TRACE=echo.json corolab-echo-demo --clients 4 --messages 3
// then tools/corolab-trace-svg echo.json echo.svg (see README.md).

#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "corolab/corolab.hpp"
#include "echo_server.hpp"

using namespace std::chrono_literals;

namespace {

struct Options {
  int clients = 1000;
  int messages = 100;
};

struct Stats {
  int clients_done = 0;
  long messages_echoed = 0;
  int connected = 0;
  int peak_connected = 0;
};

constexpr std::size_t kMessageSize = 32;

// One client: connect, then send messages one at a time and check each echo.
corolab::Task<void> client(corolab::SocketAddress server, int id, int messages, Stats* stats) {
  corolab::TcpStream stream = co_await corolab::TcpStream::connect(server);
  stats->peak_connected = std::max(stats->peak_connected, ++stats->connected);
  for (int i = 0; i < messages; ++i) {
    std::string message = fmt::format("client {:5} message {:6}", id, i);
    message.resize(kMessageSize, '.');
    co_await stream.write_all(message);
    std::array<std::byte, kMessageSize> reply;
    co_await stream.read_exact(reply);
    if (std::string_view(reinterpret_cast<const char*>(reply.data()), reply.size()) != message) {
      throw std::runtime_error(fmt::format("client {} got a wrong echo", id));
    }
    ++stats->messages_echoed;
  }
  --stats->connected;
  ++stats->clients_done;
}

// Prints a progress line a few times per second until cancelled.
corolab::Task<void> report_progress(const Options* options, const Stats* stats) {
  const bool terminal = ::isatty(STDOUT_FILENO);
  while (true) {
    co_await corolab::sleep_for(200ms);
    const std::string line = fmt::format(
        "  clients done {:5}/{}  connected {:5}  messages echoed {:8}", stats->clients_done,
        options->clients, stats->connected, stats->messages_echoed);
    if (terminal) {
      fmt::print("\r{}", line);  // redraw the same line
    } else {
      fmt::print("{}\n", line);
    }
    std::fflush(stdout);
  }
}

// Every client is a task of its own, named (the name shows in errors and in
// a COROLAB_TRACE trace).
corolab::Task<void> all_clients(corolab::SocketAddress server, Options options, Stats* stats) {
  corolab::TaskGroup clients;
  for (int id = 0; id < options.clients; ++id) {
    clients.spawn(client(server, id, options.messages, stats), fmt::format("client {}", id));
  }
  co_await clients.join();
}

corolab::Task<void> demo(Options options) {
  auto listener = corolab::TcpListener::bind(corolab::SocketAddress::loopback(0));
  fmt::print("echo server on {}; {} clients x {} messages of {} bytes, all on one thread\n",
             listener.local_address().to_string(), options.clients, options.messages, kMessageSize);

  Stats stats;
  corolab::EventLoop& loop = corolab::EventLoop::current();
  const corolab::TimePoint start = loop.now();
  // The clients race against the server (which never ends on its own), the
  // progress reporter, and Ctrl-C: whichever ends first cancels the others.
  // (The tasks are named first: g++ 12 mishandles some temporaries inside a
  // co_await expression, such as an initializer list.)
  corolab::Task<void> clients = all_clients(listener.local_address(), options, &stats);
  corolab::Task<void> server = corolab::examples::serve_echo(&listener);
  corolab::Task<void> progress = report_progress(&options, &stats);
  corolab::Task<int> ctrl_c = corolab::wait_for_signal(std::vector<int>{SIGINT, SIGTERM});
  auto finished = co_await corolab::when_any(std::move(clients), std::move(server),
                                             std::move(progress), std::move(ctrl_c));
  const double seconds = std::chrono::duration<double>(loop.now() - start).count();
  fmt::print("\n");
  if (finished.index() == 3) {
    fmt::print("interrupted after {:.2f} s; {} messages were echoed\n", seconds,
               stats.messages_echoed);
    co_return;
  }
  fmt::print(
      "done: {} clients, {} messages echoed in {:.2f} s ({:.0f} messages/s), {} connections open "
      "at "
      "the peak, on the {} reactor\n",
      stats.clients_done, stats.messages_echoed, seconds, stats.messages_echoed / seconds,
      stats.peak_connected, to_string(loop.reactor().kind()));
}

// Each client needs two descriptors (its end and the server's end).
void raise_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--clients" || arg == "--messages") && i + 1 < argc) {
      (arg == "--clients" ? options.clients : options.messages) = std::atoi(argv[++i]);
    } else {
      throw std::invalid_argument(fmt::format(
          "unknown argument '{}'\nusage: {} [--clients N] [--messages M]", arg, argv[0]));
    }
  }
  if (options.clients < 1 || options.messages < 1) {
    throw std::invalid_argument("--clients and --messages must be at least 1");
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  raise_file_limit();
  try {
    corolab::sync_wait(demo(options));
  } catch (const std::exception& e) {
    fmt::print(stderr, "echo demo failed: {}\n", e.what());
    return 1;
  }
  return 0;
}
