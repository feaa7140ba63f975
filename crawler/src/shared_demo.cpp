// The shared demo: several processes crawl the demo site together.
//
// This process serves the demo site and starts a redis-server of its own on
// a free loopback port, then runs itself N times as workers (--redis
// --crawl-id): each takes URLs from the one frontier in Redis and writes
// its own records. It shows how many records each has, and once they have
// all exited, the whole crawl's records, link graph, sitemap and summary,
// read back from Redis by one more run of itself (--collect). What the
// workers do is what any `corolab-crawl --redis` does; nothing here is
// special to the demo.
//
// Ctrl-C: a terminal sends it to its foreground process group. Were the
// workers and redis-server in ours, Redis would stop while the workers give
// their URLs back, and they would wait for it to return. So each child gets
// a process group of its own; the demo passes Ctrl-C on to the workers,
// waits for them, then stops Redis.

#include <fcntl.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "corolab/demo_site/site_server.hpp"
#include "corolab/event_loop.hpp"
#include "corolab/redis/client.hpp"
#include "corolab/redis/errors.hpp"
#include "corolab/signals.hpp"
#include "corolab/sleep.hpp"
#include "corolab/task_group.hpp"
#include "demo.hpp"

extern char** environ;

namespace corolab::crawler {

namespace {

using namespace std::chrono_literals;

// Starts `args` (looked up on PATH) with its output going to `log`, in a
// process group of its own (the terminal's Ctrl-C is not sent to it).
// Returns -1 with errno set if it could not be started (ENOENT: missing).
pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);  // 0: a new group, numbered by its pid
  pid_t pid = -1;
  const int error = ::posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    errno = error;
    return -1;
  }
  return pid;
}

// A port the kernel has free on loopback now. redis-server binds it a
// moment later; if something else took it in between, Redis never answers
// and the demo says so.
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool bound = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  if (fd >= 0) ::close(fd);
  if (!bound) throw std::runtime_error("no free port on loopback for redis-server");
  return ntohs(address.sin_port);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::size_t count_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

// The exit code of a process that has ended, or -1 if it is still running.
int exit_code_if_done(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// SIGTERM, and wait for it to end.
void stop(pid_t pid) {
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
}

struct Worker {
  pid_t pid = -1;
  std::filesystem::path records;
  int exit_code = -1;  // -1: running
};

// Ctrl-C (or SIGTERM) here: each worker still running is told, once, and
// stops as a worker does (it gives its URLs back and exits 130).
Task<void> pass_on_signals(const std::vector<Worker>* workers, bool* interrupted) {
  const std::vector<int> signals{SIGINT, SIGTERM};
  co_await wait_for_signal(signals);
  *interrupted = true;
  fmt::print("\nstopping: the workers give their URLs back\n");
  for (const Worker& worker : *workers) {
    if (worker.exit_code < 0) ::kill(worker.pid, SIGINT);
  }
}

// Waits until Redis answers (10 s at most, or until it exits).
Task<bool> redis_answers(std::string url, pid_t server) {
  const TimePoint deadline = EventLoop::current().now() + 10s;
  while (EventLoop::current().now() < deadline) {
    bool connected = false;
    try {
      redis::Client client = co_await redis::Client::connect(redis::Url::parse(url));
      connected = true;
    } catch (const redis::Error&) {
    }
    if (connected) co_return true;
    if (exit_code_if_done(server) >= 0) co_return false;
    co_await sleep_for(50ms);
  }
  co_return false;
}

// One line, how many records each worker has written: rewritten in place
// on a terminal (`again`), printed once at the end otherwise.
void show_progress(const std::vector<Worker>& workers, bool again) {
  std::string line;
  std::size_t total = 0;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    const std::size_t records = count_lines(workers[i].records);
    total += records;
    line += fmt::format("worker {}: {:>4}{}   ", i + 1, records,
                        workers[i].exit_code >= 0 ? " (done)" : "");
  }
  fmt::print("{}{}total: {:>4} URLs{}", again ? "\r" : "", line, total, again ? "" : "\n");
  std::fflush(stdout);
}

}  // namespace

Task<int> run_shared_demo(DemoOptions options) {
  const std::filesystem::path dir = options.out_dir;
  std::filesystem::create_directories(dir);
  const int port = free_loopback_port();
  const pid_t redis_pid =
      spawn({"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", dir.string()},
            (dir / "redis.log").string());
  if (redis_pid < 0) {
    fmt::print(stderr,
               "corolab-crawl: --workers needs redis-server, which {} (Debian: apt-get install "
               "redis-server)\n",
               errno == ENOENT ? "is not installed" : std::strerror(errno));
    co_return 2;
  }
  const std::string redis_url = "redis://127.0.0.1:" + std::to_string(port);
  const bool ready = co_await redis_answers(redis_url, redis_pid);
  if (!ready) {
    fmt::print(stderr, "corolab-crawl: redis-server did not answer on port {}; see {}\n", port,
               (dir / "redis.log").string());
    stop(redis_pid);
    co_return 1;
  }

  demo_site::SiteServer site(demo_site_options(options));
  TaskGroup server;
  server.spawn(site.serve(), "demo site");
  const int concurrency = std::max(1, options.concurrency / options.workers);
  fmt::print("demo site: {} ({} pages, {} ms per response{})\n", site.base_url(), options.pages,
             options.latency_ms, options.faults ? ", with a section of faults" : "");
  fmt::print("redis-server: {} (its own, for this demo)\n", redis_url);
  fmt::print("{} workers, each corolab-crawl --redis {}/0 --crawl-id demo -c {}\n\n",
             options.workers, redis_url, concurrency);

  const std::string merged = (dir / "crawl.jsonl").string();
  std::vector<Worker> workers;
  const TimePoint start = EventLoop::current().now();
  for (int i = 1; i <= options.workers; ++i) {
    const std::string name = "worker-" + std::to_string(i);
    Worker worker;
    worker.records = dir / (name + ".jsonl");
    std::vector<std::string> args{options.self,
                                  site.base_url() + "/",
                                  "--quiet",
                                  "-c",
                                  std::to_string(concurrency),
                                  "--redis",
                                  redis_url + "/0",
                                  "--crawl-id",
                                  "demo",
                                  "-o",
                                  worker.records.string(),
                                  "--journal",
                                  (dir / (name + ".journal")).string()};
    worker.pid = spawn(args, (dir / (name + ".log")).string());
    if (worker.pid < 0) {
      const std::string why = std::strerror(errno);
      for (const Worker& started : workers) stop(started.pid);
      stop(redis_pid);
      throw std::runtime_error("cannot start a worker, " + options.self + ": " + why);
    }
    workers.push_back(worker);
  }

  bool interrupted = false;
  TaskGroup signals;
  signals.spawn(pass_on_signals(&workers, &interrupted), "signals");
  const bool on_terminal = ::isatty(STDOUT_FILENO) == 1;
  for (std::size_t running = workers.size(); running > 0;) {
    co_await sleep_for(100ms);
    running = 0;
    for (Worker& worker : workers) {
      if (worker.exit_code < 0) worker.exit_code = exit_code_if_done(worker.pid);
      running += worker.exit_code < 0;
    }
    if (on_terminal) show_progress(workers, true);
  }
  const double seconds = std::chrono::duration<double>(EventLoop::current().now() - start).count();
  show_progress(workers, on_terminal);  // the last count, in place or once
  if (on_terminal) fmt::print("\n");

  signals.cancel();
  co_await signals.join();
  site.stop();
  co_await server.join();

  // The whole crawl, as Redis has it: one more run of this program.
  const std::string graph = (dir / "site.dot").string();
  const std::string sitemap = (dir / "sitemap.xml").string();
  const std::string collected = (dir / "collect.log").string();
  if (!interrupted) {
    const pid_t collector =
        spawn({options.self, "--redis", redis_url + "/0", "--crawl-id", "demo", "--collect",
               "--merged-output", merged, "--graph", graph, "--sitemap", sitemap},
              collected);
    while (collector >= 0 && exit_code_if_done(collector) < 0) co_await sleep_for(50ms);
  }
  stop(redis_pid);  // by its pid: ours, not the machine's Redis

  // Exit 1 from a worker means broken links (the faults section has some).
  bool all_finished = true;
  std::size_t total = 0;
  fmt::print("\n{:<10} {:>6}  {:<6} {}\n", "", "URLs", "exit", "records (exit 1: broken links)");
  for (std::size_t i = 0; i < workers.size(); ++i) {
    const std::size_t records = count_lines(workers[i].records);
    total += records;
    all_finished = all_finished && (workers[i].exit_code == 0 || workers[i].exit_code == 1);
    fmt::print("worker {:<3} {:>6}  {:<6} {}\n", i + 1, records, workers[i].exit_code,
               workers[i].records.string());
  }
  fmt::print("{:<10} {:>6}  in {:.2f} s ({:.0f} URLs/s)\n", "total", total, seconds,
             seconds > 0 ? static_cast<double>(total) / seconds : 0.0);
  if (interrupted) {
    fmt::print("interrupted: the crawl in Redis is left unfinished (and Redis stopped)\n");
    co_return 130;
  }
  fmt::print("merged     {:>6}  {} (each URL once, from Redis)\n", count_lines(merged), merged);
  fmt::print("\nthe whole crawl (corolab-crawl --collect, from Redis; log: {}):\n{}", collected,
             read_file(collected));
  fmt::print(
      "\nfiles:\n  all the records     {}\n  link graph (DOT)    {}\n  sitemap             {}\n",
      merged, graph, sitemap);
  render_svg_if_possible(graph, (dir / "site.svg").string());
  if (!all_finished) {
    fmt::print(stderr, "corolab-crawl: a worker failed; its log is in {}\n", dir.string());
    co_return 1;
  }
  co_return 0;
}

}  // namespace corolab::crawler
