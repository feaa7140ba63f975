// COROLAB_TRACE: the loop's trace (runtime/core/include/corolab/detail/tracer.hpp)
// and its SVG rendering (tools/trace-svg).
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "corolab/corolab.hpp"
#include "corolab/detail/tracer.hpp"
#include "temporary_folder.hpp"
#include "trace_svg.hpp"

using namespace std::chrono_literals;
using corolab::EventLoop;
using corolab::LoopOptions;
using corolab::Task;
using nlohmann::json;

namespace {

// A trace file in a folder of the test's own, removed at the end of the scope.
struct TempFile {
  TemporaryFolder folder;
  std::filesystem::path path;
  explicit TempFile(const std::string& name)
      : folder("trace-" + name), path(folder.path / "trace.json") {}
};

// Sleeps and yields, twice: five runs, with a timer and a yield between.
Task<void> napper(corolab::Duration nap) {
  for (int i = 0; i < 2; ++i) {
    co_await corolab::sleep_for(nap);
    co_await corolab::yield();
  }
}

Task<void> spawner() {
  co_await corolab::yield();
  EventLoop::current().spawn(napper(1ms), "delta");
}

// Three named tasks on virtual time (fast, and the same every run).
void run_three_tasks(LoopOptions options) {
  EventLoop loop(std::move(options));
  loop.spawn(napper(10ms), "alpha");
  loop.spawn(napper(20ms), "beta");
  loop.spawn(napper(30ms), "gamma");
  loop.run();
}

LoopOptions traced(const TempFile& file) {
  LoopOptions options = LoopOptions::virtual_time();
  options.trace_file = file.path.string();
  return options;
}

json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

struct Rows {
  std::map<std::string, int> tid_of;           // by row name
  std::map<int, std::vector<json>> events_of;  // by tid, in file order
};

Rows rows_of(const json& trace) {
  Rows rows;
  for (const json& e : trace.at("traceEvents")) {
    if (e["ph"] == "M" && e["name"] == "thread_name") rows.tid_of[e["args"]["name"]] = e["tid"];
    if (e["ph"] != "M") rows.events_of[e["tid"]].push_back(e);
  }
  return rows;
}

// The events of one row with phase `ph` (and category `cat`), by time.
std::vector<json> select(const std::vector<json>& events, const std::string& ph,
                         const std::string& cat) {
  std::vector<json> out;
  for (const json& e : events) {
    if (e["ph"] == ph && (cat.empty() || e.value("cat", "") == cat)) out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return a["ts"].get<double>() < b["ts"].get<double>();
  });
  return out;
}

}  // namespace

TEST_CASE("a traced loop writes one row per task, with its runs and waits in order") {
  TempFile file("rows");
  run_three_tasks(traced(file));

  const json trace = read_json(file.path);  // parses: the loop finished the file
  const Rows rows = rows_of(trace);
  REQUIRE(rows.tid_of.size() == 3);
  for (const std::string name : {"alpha", "beta", "gamma"}) {
    INFO("row " << name);
    REQUIRE(rows.tid_of.contains(name));
    const std::vector<json>& events = rows.events_of.at(rows.tid_of.at(name));

    // Started, woken by the timer, back from yield, by the timer, from yield.
    const std::vector<json> runs = select(events, "X", "run");
    REQUIRE(runs.size() == 5);
    for (const json& run : runs) CHECK(run["name"] == name);

    std::vector<std::string> waits;
    for (const json& wait : select(events, "X", "wait")) waits.push_back(wait["name"]);
    const std::string timer = name == "alpha"  ? "timer 10 ms"
                              : name == "beta" ? "timer 20 ms"
                                               : "timer 30 ms";
    CHECK(waits == std::vector<std::string>{"ready to start", timer, "yield (ready queue)", timer,
                                            "yield (ready queue)"});

    // Runs and waits take turns, each wait ending where the next run begins.
    const std::vector<json> all = select(events, "X", "");
    for (std::size_t i = 1; i < all.size(); ++i) {
      CHECK(all[i]["cat"] != all[i - 1]["cat"]);
      CHECK(all[i]["ts"].get<double>() >=
            all[i - 1]["ts"].get<double>() + all[i - 1]["dur"].get<double>() - 0.01);
    }
    CHECK(select(events, "i", "timer").size() == 2);
  }
}

TEST_CASE("a trace shows a spawn as an arrow from the spawner to the task's first run") {
  TempFile file("spawn");
  {
    EventLoop loop(traced(file));
    loop.spawn(spawner(), "parent");
    loop.run();
  }
  const Rows rows = rows_of(read_json(file.path));
  REQUIRE(rows.tid_of.contains("parent"));
  REQUIRE(rows.tid_of.contains("delta"));
  const std::vector<json>& parent = rows.events_of.at(rows.tid_of.at("parent"));
  const std::vector<json>& child = rows.events_of.at(rows.tid_of.at("delta"));
  REQUIRE(select(parent, "i", "spawn").size() == 1);
  CHECK(select(parent, "i", "spawn")[0]["name"] == "spawn delta");
  REQUIRE(select(parent, "s", "spawn").size() == 1);
  REQUIRE(select(child, "f", "spawn").size() == 1);
  CHECK(select(parent, "s", "spawn")[0]["id"] == select(child, "f", "spawn")[0]["id"]);
  // The arrow lands where delta first runs.
  CHECK(select(child, "f", "spawn")[0]["ts"] == select(child, "X", "run")[0]["ts"]);
}

TEST_CASE("a trace names what a coroutine waits for in a primitive and on an fd") {
  TempFile file("waits");
  {
    EventLoop loop(traced(file));
    corolab::sync_wait([]() -> Task<void> {  // (captures nothing)
      int fds[2];
      REQUIRE(::pipe(fds) == 0);
      corolab::Event event;
      corolab::TaskGroup group;
      group.spawn([](corolab::Event* e) -> Task<void> { co_await e->wait(); }(&event), "waiter");
      group.spawn([](int fd) -> Task<void> { co_await corolab::wait_readable(fd); }(fds[0]),
                  "reader");
      co_await corolab::yield();
      event.set();
      REQUIRE(::write(fds[1], "x", 1) == 1);
      co_await group.join();
      ::close(fds[0]);
      ::close(fds[1]);
    }());
  }
  const Rows rows = rows_of(read_json(file.path));
  REQUIRE(rows.tid_of.contains("sync_wait"));
  const auto waits_of = [&](const std::string& name) {
    std::vector<std::string> waits;
    for (const json& wait : select(rows.events_of.at(rows.tid_of.at(name)), "X", "wait")) {
      waits.push_back(wait["name"]);
    }
    return waits;
  };
  CHECK(waits_of("waiter") ==
        std::vector<std::string>{"ready to start", "queued: Event::WaitAwaiter"});
  REQUIRE(waits_of("reader").size() == 2);
  CHECK(waits_of("reader")[1].starts_with("fd "));
  CHECK(waits_of("reader")[1].ends_with(" readable"));
  CHECK(select(rows.events_of.at(rows.tid_of.at("reader")), "i", "io").size() == 1);
}

TEST_CASE("nothing is recorded when tracing is off") {
  TempFile file("off");
  ::unsetenv("COROLAB_TRACE");
  LoopOptions options = LoopOptions::virtual_time();
  CHECK(options.trace_file.empty());
  {
    EventLoop loop(options);
    CHECK(loop.tracer() == nullptr);
  }
  run_three_tasks(options);
  CHECK_FALSE(std::filesystem::exists(file.path));
}

TEST_CASE("COROLAB_TRACE turns tracing on for every new loop") {
  TempFile file("env");
  ::setenv("COROLAB_TRACE", file.path.c_str(), 1);
  run_three_tasks(LoopOptions::virtual_time());
  ::unsetenv("COROLAB_TRACE");
  CHECK(rows_of(read_json(file.path)).tid_of.size() == 3);
}

namespace {

std::vector<std::string> row_labels(const std::string& svg) {
  std::vector<std::string> labels;
  for (auto at = svg.find(R"(class="label">)"); at != std::string::npos;
       at = svg.find(R"(class="label">)", at + 1)) {
    const auto begin = at + std::string_view(R"(class="label">)").size();
    labels.push_back(svg.substr(begin, svg.find('<', begin) - begin));
  }
  return labels;
}

}  // namespace

TEST_CASE("the SVG of a trace has one labelled row per task") {
  TempFile file("svg");
  run_three_tasks(traced(file));
  corolab::trace_svg::Options options;
  options.title = "three tasks";
  const std::string svg = corolab::trace_svg::render(read_json(file.path), options);
  CHECK(svg.starts_with("<svg"));
  CHECK(svg.find(">three tasks</text>") != std::string::npos);
  CHECK(row_labels(svg) == std::vector<std::string>{"alpha", "beta", "gamma"});
  CHECK_THROWS_AS(corolab::trace_svg::render(json::object()), std::invalid_argument);
}

TEST_CASE("the SVG of a trace leaves out the rows it is told to hide, and says so") {
  TempFile file("svg-hide");
  run_three_tasks(traced(file));
  corolab::trace_svg::Options options;
  options.hide = {"be", "zeta"};
  const std::string svg = corolab::trace_svg::render(read_json(file.path), options);
  CHECK(row_labels(svg) == std::vector<std::string>{"alpha", "gamma"});
  CHECK(svg.find("and 1 row of tasks named be, zeta..., not shown (--hide)") != std::string::npos);
}

TEST_CASE("a second loop traced to the same file writes a numbered file of its own") {
  TempFile file("twice");
  const std::filesystem::path second = file.folder.path / "trace.2.json";
  run_three_tasks(traced(file));
  {
    EventLoop loop(traced(file));
    REQUIRE(loop.tracer() != nullptr);
    CHECK(loop.tracer()->path() == second.string());
  }
  CHECK(rows_of(read_json(file.path)).tid_of.size() == 3);
  CHECK(rows_of(read_json(second)).tid_of.empty());
}
