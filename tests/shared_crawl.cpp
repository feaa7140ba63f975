// corolab-crawl --redis: three worker processes share one crawl of the demo
// site (with its faults) through a redis-server of the test's own
// (redis_server.hpp). Their records together are the single-process
// crawl's, each URL exactly once; and still are when one worker is killed
// with SIGKILL halfway (the URLs it held go to the others when their lease
// expires, and what it had committed was already kept in Redis), or stopped
// with Ctrl-C (it gives back the URLs it held, and the others go on).
//
// Real time: the processes run at the machine's speed. The waits have
// generous bounds and nothing checks how fast anything went.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "background_site.hpp"
#include "child_process.hpp"
#include "corolab/corolab.hpp"
#include "corolab/redis/client.hpp"
#include "redis_server.hpp"
#include "temporary_folder.hpp"

using namespace std::chrono_literals;
namespace site = corolab::demo_site;
using Outcomes = std::map<std::string, std::string>;  // URL -> outcome

namespace {

site::SiteOptions faulty_site() {
  site::SiteOptions options;
  options.pages = 60;
  options.faults = true;
  options.huge_body_size = 4 * 1024 * 1024;
  options.latency = 20ms;  // so that a worker is killed with pages in hand, well before the end
  return options;
}

std::vector<std::string> crawl_arguments(const BackgroundSite& served, const std::string& output) {
  return {COROLAB_CRAWL_PATH,
          served.base_url() + "/",
          "--quiet",
          "-c",
          "4",
          "--jitter",
          "0",
          "--timeout",
          "5",
          "--max-body",
          "1048576",
          "-o",
          output,
          "--journal",
          output + ".journal"};
}

int exit_code(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Adds each JSON line's URL and outcome; a URL met twice fails the test.
void add_records(Outcomes* outcomes, const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    const auto json = nlohmann::json::parse(line);
    const auto url = json.at("url").get<std::string>();
    INFO(url);
    CHECK(outcomes->emplace(url, json.at("outcome").get<std::string>()).second);
  }
}

// The records the workers' commits kept in Redis: the whole crawl's.
corolab::Task<std::vector<std::string>> records_in_redis(std::string url) {
  auto redis = co_await corolab::redis::Client::connect(corolab::redis::Url::parse(url));
  corolab::redis::Reply list = co_await redis.command("LRANGE", "corolab:demo:records", "0", "-1");
  std::vector<std::string> lines;
  for (const corolab::redis::Reply& line : list.as_array()) lines.push_back(line.as_string());
  co_return lines;
}

std::vector<std::string> records_in(const RedisServer& redis) {
  corolab::EventLoop loop;
  return corolab::sync_wait(records_in_redis(redis.url()));
}

struct SharedCrawl {
  std::vector<pid_t> workers;
  std::vector<std::filesystem::path> outputs;
};

SharedCrawl start_workers(const BackgroundSite& served, const RedisServer& redis,
                          const TemporaryFolder& folder, int count,
                          const std::vector<std::string>& more = {},
                          const std::vector<std::string>& first_only = {}) {
  SharedCrawl crawl;
  for (int i = 1; i <= count; ++i) {
    const std::filesystem::path output = folder.path / ("worker-" + std::to_string(i) + ".jsonl");
    std::vector<std::string> args = crawl_arguments(served, output.string());
    args.insert(args.end(), {"--redis", redis.url() + "/0", "--crawl-id", "demo", "--lease", "1"});
    args.insert(args.end(), more.begin(), more.end());
    if (i == 1) args.insert(args.end(), first_only.begin(), first_only.end());
    crawl.workers.push_back(spawn_logged(args, folder.path / "workers.log"));
    crawl.outputs.push_back(output);
  }
  return crawl;
}

// The reports' file names: "<name>.dot", "<name>.xml", "<name>.txt".
std::vector<std::string> report_arguments(const TemporaryFolder& folder, const std::string& name) {
  const std::string stem = (folder.path / name).string();
  return {"--graph", stem + ".dot", "--sitemap", stem + ".xml", "--broken-links", stem + ".txt"};
}

// A broken links report without each URL's reason: a network error's text
// may differ from one run to the next.
std::vector<std::string> without_reasons(const std::vector<std::string>& lines) {
  std::vector<std::string> kept;
  for (const std::string& line : lines) kept.push_back(line.substr(0, line.find("  (")));
  return kept;
}

// `corolab-crawl --collect`: once the crawl is over, its records in
// merged.jsonl and its reports in collected.*. Returns its pid.
pid_t start_collector(const RedisServer& redis, const TemporaryFolder& folder) {
  std::vector<std::string> collect{COROLAB_CRAWL_PATH,
                                   "--redis",
                                   redis.url() + "/0",
                                   "--crawl-id",
                                   "demo",
                                   "--collect",
                                   "--merged-output",
                                   (folder.path / "merged.jsonl").string()};
  const std::vector<std::string> reports = report_arguments(folder, "collected");
  collect.insert(collect.end(), reports.begin(), reports.end());
  return spawn_logged(collect, folder.path / "collect.log");
}

// The graph and sitemap `name` wrote are those of the single process.
void check_same_reports(const TemporaryFolder& folder, const std::string& name) {
  INFO(name);
  const std::string dot = read_text(folder.path / (name + ".dot"));
  CHECK(dot.find(" -> ") != std::string::npos);
  CHECK(dot == read_text(folder.path / "single.dot"));
  CHECK(read_text(folder.path / (name + ".xml")) == read_text(folder.path / "single.xml"));
  const std::vector<std::string> broken = without_reasons(lines_of(folder.path / (name + ".txt")));
  CHECK(broken.size() > 3);
  CHECK(broken == without_reasons(lines_of(folder.path / "single.txt")));
}

Outcomes single_process_crawl(const BackgroundSite& served, const TemporaryFolder& folder,
                              const std::vector<std::string>& more = {}) {
  const std::filesystem::path output = folder.path / "single.jsonl";
  std::vector<std::string> args = crawl_arguments(served, output.string());
  args.insert(args.end(), more.begin(), more.end());
  const pid_t single = spawn_logged(args, folder.path / "single.log");
  const int code = exit_code(single);
  CHECK((code == 0 || code == 1));  // 1: the faults are broken links
  Outcomes outcomes;
  add_records(&outcomes, lines_of(output));
  return outcomes;
}

}  // namespace

TEST_CASE("three workers sharing a crawl in Redis record what one process does, each URL once") {
  BackgroundSite served(faulty_site());
  RedisServer redis;
  TemporaryFolder folder("shared-crawl");
  const Outcomes single = single_process_crawl(served, folder);
  REQUIRE(single.size() > 60);

  const std::string merged = (folder.path / "merged.jsonl").string();
  SharedCrawl crawl = start_workers(served, redis, folder, 3, {}, {"--merged-output", merged});
  for (pid_t worker : crawl.workers) {
    const int code = exit_code(worker);
    CHECK((code == 0 || code == 1));
  }
  INFO(read_text(folder.path / "workers.log"));
  Outcomes from_files;
  for (const auto& output : crawl.outputs) add_records(&from_files, lines_of(output));
  CHECK(from_files == single);
  Outcomes from_redis;
  add_records(&from_redis, records_in(redis));
  CHECK(from_redis == single);
  Outcomes from_merged;  // worker 1's --merged-output
  add_records(&from_merged, lines_of(merged));
  CHECK(from_merged == single);
}

// The whole crawl's reports come from Redis: the records every worker
// committed, and the links of every page, committed with it. Drawn there by
// `--collect` (a process that crawls nothing), they are the single
// process's, to the byte. A worker that writes them sees the same.
TEST_CASE("a shared crawl's link graph, sitemap and broken links are the single process's") {
  BackgroundSite served(faulty_site());
  RedisServer redis;
  TemporaryFolder folder("shared-crawl-reports");
  single_process_crawl(served, folder, report_arguments(folder, "single"));

  SharedCrawl crawl =
      start_workers(served, redis, folder, 3, {}, report_arguments(folder, "worker"));
  const pid_t collector = start_collector(redis, folder);  // started now, it waits for the end
  for (pid_t worker : crawl.workers) exit_code(worker);
  CHECK(exit_code(collector) == 1);  // the faults section's broken links
  INFO(read_text(folder.path / "workers.log"));
  INFO(read_text(folder.path / "collect.log"));
  CHECK(read_text(folder.path / "collect.log").find("the whole shared crawl: ") !=
        std::string::npos);
  CHECK(lines_of(folder.path / "merged.jsonl").size() ==
        lines_of(folder.path / "single.jsonl").size());

  check_same_reports(folder, "collected");
  check_same_reports(folder, "worker");
}

// --delay holds for the crawl, not for each worker: the site stamps each
// request's arrival, and the three workers' requests to its one host are
// spaced by the delay, robots.txt and the sitemap it names included. (Each
// alone would keep the delay, and the three would ask three times as
// often.) robots.txt and the sitemap are fetched once for the whole crawl.
// How it is checked: a request is stamped when the site's thread gets to
// it, never before it came, but late by as long as that thread waited for
// a core. On a loaded machine (the workers, Redis and other tests on 2
// cores) that was seen to reach 50 ms: two requests a delay apart were
// stamped 0.1 ms apart. So no single gap can be held to the delay. What a
// late stamp cannot do is make a run of requests look faster by more than
// its lateness: any n + 1 consecutive requests span at least n delays,
// less 150 ms allowed for a late first stamp. Workers keeping the delay
// each on their own would fail that by far: 20 requests in a third of the
// 950 ms.
TEST_CASE("three workers keep --delay between requests to a host all together") {
  constexpr auto delay = 50ms;
  constexpr auto late_stamp = 150ms;
  site::SiteOptions options;
  options.pages = 20;
  options.record_arrivals = true;
  BackgroundSite served(options);
  RedisServer redis;
  TemporaryFolder folder("shared-crawl-polite");
  SharedCrawl crawl = start_workers(served, redis, folder, 3, {"--delay", "0.05"});
  for (pid_t worker : crawl.workers) CHECK(exit_code(worker) == 0);
  INFO(read_text(folder.path / "workers.log"));

  const std::vector<site::Arrival> arrivals = served.arrivals();
  const auto requests_for = [&](const std::string& target) {
    return std::count_if(arrivals.begin(), arrivals.end(),
                         [&](const site::Arrival& arrival) { return arrival.target == target; });
  };
  CHECK(requests_for("/robots.txt") == 1);
  CHECK(requests_for("/sitemap.xml") == 1);
  REQUIRE(arrivals.size() > 20);
  // The run of requests that came fastest, against the delays it should span.
  corolab::Duration least_slack = corolab::Duration::max();
  std::string fastest;
  for (std::size_t first = 0; first < arrivals.size(); ++first) {
    for (std::size_t last = first + 1; last < arrivals.size(); ++last) {
      const auto span = arrivals[last].at - arrivals[first].at;
      const auto slack = span - static_cast<int>(last - first) * delay;
      if (slack >= least_slack) continue;
      least_slack = slack;
      fastest =
          std::to_string(last - first + 1) + " requests in " +
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(span).count()) +
          " ms, from " + arrivals[first].target + " to " + arrivals[last].target;
    }
  }
  INFO("the fastest run: " << fastest);
  CHECK(least_slack >= -late_stamp);
}

namespace {

// Three workers; once the first has written 5 records, it gets `signal`.
// Whatever becomes of it, the crawl's records in Redis are the
// single-process crawl's, the files hold no URL twice, and the whole
// crawl's link graph is whole: the links of a page are committed with it.
void crawl_with_one_signalled(int signal) {
  BackgroundSite served(faulty_site());
  RedisServer redis;
  TemporaryFolder folder("shared-crawl-signal");
  const Outcomes single = single_process_crawl(served, folder, report_arguments(folder, "single"));

  SharedCrawl crawl = start_workers(served, redis, folder, 3);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (lines_of(crawl.outputs[0]).size() < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  ::kill(crawl.workers[0], signal);
  const int first = exit_code(crawl.workers[0]);
  if (signal == SIGKILL) {
    CHECK(first == -1);  // killed, not finished
  } else {
    CHECK(first == 130);  // stopped cleanly, its URLs given back, the crawl not over
  }
  for (std::size_t i = 1; i < crawl.workers.size(); ++i) {
    const int code = exit_code(crawl.workers[i]);
    CHECK((code == 0 || code == 1));
  }
  INFO(read_text(folder.path / "workers.log"));
  Outcomes from_redis;
  add_records(&from_redis, records_in(redis));
  CHECK(from_redis == single);
  // What the workers wrote is a part of it, each URL at most once.
  Outcomes from_files;
  for (const auto& output : crawl.outputs) add_records(&from_files, lines_of(output));
  for (const auto& [url, outcome] : from_files) CHECK(from_redis.at(url) == outcome);
  CHECK(exit_code(start_collector(redis, folder)) == 1);  // broken links
  check_same_reports(folder, "collected");
}

}  // namespace

// Redis stops mid-crawl and starts again (with its data: an append-only
// file): the workers say so, wait, and finish the same crawl.
TEST_CASE(
    "Redis stopped and started again mid-crawl: the workers wait, and finish the same crawl") {
  BackgroundSite served(faulty_site());
  RedisServer redis(true);
  TemporaryFolder folder("shared-crawl-restart");
  const Outcomes single = single_process_crawl(served, folder);

  SharedCrawl crawl = start_workers(served, redis, folder, 3);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (lines_of(crawl.outputs[0]).size() < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  redis.stop();
  std::this_thread::sleep_for(300ms);
  redis.start();
  for (pid_t worker : crawl.workers) {
    const int code = exit_code(worker);
    CHECK((code == 0 || code == 1));
  }
  const std::string log = read_text(folder.path / "workers.log");
  INFO(log);
  CHECK(log.find("redis at " + redis.address() + " unreachable") != std::string::npos);
  Outcomes from_redis;
  add_records(&from_redis, records_in(redis));
  CHECK(from_redis == single);
  Outcomes from_files;  // a record whose commit's answer was lost is in Redis only
  for (const auto& output : crawl.outputs) add_records(&from_files, lines_of(output));
  for (const auto& [url, outcome] : from_files) CHECK(from_redis.at(url) == outcome);
}

TEST_CASE("a worker killed with SIGKILL mid-crawl loses nothing: the others finish its URLs") {
  crawl_with_one_signalled(SIGKILL);
}

TEST_CASE("a worker stopped with Ctrl-C mid-crawl gives its URLs back, and the others go on") {
  crawl_with_one_signalled(SIGINT);
}
