// Stop and resume: what the crawler counts as left, when a stop is a finish,
// the journal's round trip, and corolab-crawl's --resume end to end: the
// crawl's options kept, reports of the whole crawl, a finished journal.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "background_site.hpp"
#include "corolab/corolab.hpp"
#include "corolab/crawler/crawler.hpp"
#include "corolab/crawler/journal.hpp"
#include "corolab/demo_site/site_server.hpp"
#include "corolab/testing/scripted_server.hpp"
#include "crawl_recorder.hpp"
#include "temporary_folder.hpp"

using namespace std::chrono_literals;
using corolab::Task;
using corolab::crawler::Crawler;
using corolab::crawler::CrawlOptions;
using corolab::crawler::CrawlSummary;
using corolab::crawler::Journal;
using corolab::crawler::Outcome;
using corolab::crawler::PageRecord;
using corolab::testing::Reply;
using corolab::testing::ScriptedServer;
namespace site = corolab::demo_site;

namespace {

using Recorder = CrawlRecorder;

CrawlOptions options_for(const std::string& base_url) {
  CrawlOptions options;
  options.seeds = {base_url + "/"};
  options.concurrency = 8;
  options.per_host = 2;  // so that workers wait for their host's turn
  options.timeout = 5s;
  return options;
}

struct Part {
  CrawlSummary summary;
  std::vector<PageRecord> records;
  std::vector<std::uint64_t> seen;
  std::vector<corolab::crawler::QueuedUrl> left;
  std::size_t pages_requested = 0;
  std::size_t queued_at_end = 0;
};

// One part of a crawl: from the start, or from where `before` stopped.
Task<Part> crawl_part(CrawlOptions options, std::size_t stop_after, const Part* before) {
  Recorder recorder;
  recorder.stop_after = stop_after;
  Crawler crawler(std::move(options), recorder);
  recorder.crawler = &crawler;
  if (before != nullptr) crawler.restore(before->seen, before->left, before->pages_requested);
  Part part;
  part.summary = co_await crawler.run();
  part.records = std::move(recorder.records);
  part.seen = crawler.seen_hashes();
  part.left = crawler.remaining();
  part.pages_requested = crawler.pages_requested();
  part.queued_at_end = crawler.progress().queued;
  co_return part;
}

// A crawl of the demo site in two parts, the first stopped after
// `stop_after` records (0: one part only).
Task<std::vector<Part>> crawl_site(site::SiteServer* served, CrawlOptions options,
                                   std::size_t stop_after) {
  corolab::TaskGroup server;
  server.spawn(served->serve());
  std::vector<Part> parts;
  parts.push_back(co_await crawl_part(options, stop_after, nullptr));
  if (stop_after > 0) {
    Part second = co_await crawl_part(options, 0, &parts.front());
    parts.push_back(std::move(second));
  }
  served->stop();
  co_await server.join();
  co_return parts;
}

site::SiteOptions latent_site() {
  site::SiteOptions options;
  options.pages = 60;
  options.latency = 5ms;  // so that requests are in flight when the stop comes
  return options;
}

std::size_t requested(const std::vector<PageRecord>& records) {
  std::size_t count = 0;
  for (const PageRecord& record : records) {
    count += record.outcome != Outcome::limit_reached && record.outcome != Outcome::out_of_scope &&
             record.outcome != Outcome::blocked_by_robots;
  }
  return count;
}

}  // namespace

TEST_CASE("after a stop, the progress line counts as queued every URL left for the journal") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  site::SiteServer served(latent_site());
  const Part part = corolab::sync_wait(crawl_site(&served, options_for(served.base_url()), 20))[0];
  REQUIRE(part.summary.interrupted);
  REQUIRE_FALSE(part.left.empty());
  CHECK(part.queued_at_end == part.left.size());  // not the empty frontier's 0
}

TEST_CASE("a stop that leaves nothing to do is a finished crawl, not an interrupted one") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  ScriptedServer server;
  server.script("/", {Reply::ok("no links here").header("Content-Type", "text/html")});
  CrawlOptions options;
  options.seeds = {server.url("/")};
  options.obey_robots = false;
  Recorder recorder;
  recorder.stop_after = 1;  // the last record: stopped with nothing left
  Crawler crawler(options, recorder);
  recorder.crawler = &crawler;
  Task<CrawlSummary> crawling = crawler.run();
  const CrawlSummary summary = corolab::sync_wait(server.serve_during(std::move(crawling)));
  CHECK(recorder.records.size() == 1);
  CHECK(crawler.remaining().empty());
  CHECK_FALSE(summary.interrupted);
}

TEST_CASE("a resumed part counts the pages before it towards --max-pages") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  std::size_t in_one_go = 0;
  {
    site::SiteServer served(latent_site());
    CrawlOptions options = options_for(served.base_url());
    options.max_pages = 30;
    in_one_go = requested(corolab::sync_wait(crawl_site(&served, options, 0))[0].records);
  }
  REQUIRE(in_one_go == 30);
  site::SiteServer served(latent_site());
  CrawlOptions options = options_for(served.base_url());
  options.max_pages = 30;
  const std::vector<Part> parts = corolab::sync_wait(crawl_site(&served, options, 12));
  const Part& first = parts.at(0);
  const Part& second = parts.at(1);
  REQUIRE(first.summary.interrupted);
  CAPTURE(first.pages_requested, requested(first.records), second.pages_requested,
          first.left.size());
  CHECK(requested(first.records) + requested(second.records) == 30);
  CHECK_FALSE(second.summary.interrupted);
}

TEST_CASE("the journal keeps the options, the URLs left, the budget spent and the reports") {
  TemporaryFolder folder("journal");
  const std::string path = (folder.path / "crawl.journal").string();
  Journal journal;
  journal.options = {{"--max-depth", {"1"}}, {"urls", {"http://a.test/", "http://b.test/"}}};
  journal.seen = {1, 2, 3};
  corolab::crawler::QueuedUrl left;
  left.url = "http://a.test/next";
  left.parts = *corolab::crawler::split_url(left.url);
  left.depth = 1;
  left.parent = "http://a.test/";
  journal.frontier = {left};
  journal.pages_requested = 7;
  journal.elapsed = 2500ms;
  journal.reports.urls = {{.url = "http://a.test/",
                           .outcome = Outcome::http_error,
                           .status = 404,
                           .parent = "",
                           .error = "x"}};
  journal.reports.links = {{"http://a.test/", "http://a.test/next"}};
  journal.reports.links_kept = true;
  corolab::crawler::write_journal(path, journal);

  const Journal read = corolab::crawler::read_journal(path);
  CHECK(read.options == journal.options);
  CHECK_FALSE(read.finished);
  CHECK(read.seen == journal.seen);
  REQUIRE(read.frontier.size() == 1);
  CHECK(read.frontier[0].url == left.url);
  CHECK(read.frontier[0].parts.path_and_query == "/next");
  CHECK(read.pages_requested == 7);
  CHECK(read.elapsed == 2500ms);
  REQUIRE(read.reports.urls.size() == 1);
  CHECK(read.reports.urls[0].outcome == Outcome::http_error);
  CHECK(read.reports.urls[0].status == 404);
  CHECK(read.reports.links == journal.reports.links);
  CHECK(read.reports.links_kept);

  corolab::crawler::mark_journal_finished(path, journal.options);
  const Journal finished = corolab::crawler::read_journal(path);
  CHECK(finished.finished);
  CHECK(finished.options == journal.options);
  CHECK(finished.frontier.empty());

  const std::string none = (folder.path / "none.journal").string();
  corolab::crawler::mark_journal_finished(none, journal.options);  // no journal: none made
  CHECK_FALSE(std::filesystem::exists(none));
}

#ifdef COROLAB_CRAWL_PATH
namespace {

// corolab-crawl, started with `arguments`; its output goes to `log`.
pid_t start_crawl(const std::vector<std::string>& arguments, const std::string& log) {
  std::vector<std::string> words{COROLAB_CRAWL_PATH};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("cannot start corolab-crawl");
  return pid;
}

int exit_code(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run_crawl(const std::vector<std::string>& arguments, const std::string& log) {
  return exit_code(start_crawl(arguments, log));
}

std::string contents(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t line_count(const std::filesystem::path& path) {
  const std::string text = contents(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// url -> outcome; a URL recorded twice fails the test.
std::map<std::string, std::string> outcomes_in(const std::filesystem::path& records) {
  std::map<std::string, std::string> outcomes;
  std::istringstream lines(contents(records));
  std::string line;
  while (std::getline(lines, line)) {
    const auto json = nlohmann::json::parse(line);
    const auto url = json.at("url").get<std::string>();
    CHECK(outcomes.emplace(url, json.at("outcome").get<std::string>()).second);
  }
  return outcomes;
}

}  // namespace

// The crawl's options: two levels deep (without robots.txt, whose sitemap
// would bring every page in at depth 1), polite (one request at a time, 50 ms
// apart), with reports. Part one is interrupted with Ctrl-C (SIGINT).
TEST_CASE("corolab-crawl --resume keeps the crawl's options and reports on the whole crawl") {
  site::SiteOptions site_options;
  site_options.latency = 5ms;
  BackgroundSite served(site_options);
  TemporaryFolder folder("resume-cli");
  auto file = [&](const std::string& name) { return (folder.path / name).string(); };
  const std::string log = file("log.txt");
  const std::vector<std::string> crawl{served.base_url() + "/",
                                       "--ignore-robots",
                                       "--max-depth",
                                       "2",
                                       "--delay",
                                       "0.05",
                                       "--jitter",
                                       "0",
                                       "--per-host",
                                       "1",
                                       "-c",
                                       "4",
                                       "--graph",
                                       file("part.dot"),
                                       "--sitemap",
                                       file("part.xml"),
                                       "-o",
                                       file("part.jsonl"),
                                       "--journal",
                                       file("crawl.journal")};
  const pid_t first = start_crawl(crawl, log);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (line_count(file("part.jsonl")) < 10 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ::kill(first, SIGINT);
  REQUIRE(exit_code(first) == 130);
  const std::size_t lines_in_part_one = line_count(file("part.jsonl"));

  // What the crawl is may not change; how fast it goes may, and is announced.
  CHECK(run_crawl({"--resume", file("crawl.journal"), "--max-depth", "3"}, log) == 2);
  CHECK(contents(log).find("--max-depth 3 contradicts the crawl being resumed, which has "
                           "--max-depth 2") != std::string::npos);
  const auto start = std::chrono::steady_clock::now();
  CHECK(run_crawl({"--resume", file("crawl.journal"), "-c", "2"}, log) == 0);
  const double resume_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(contents(log).find("resuming with --concurrency 2 (the crawl had --concurrency 4)") !=
        std::string::npos);

  // The same crawl, uninterrupted.
  std::vector<std::string> whole = crawl;
  for (std::string& word : whole) {
    if (word.find("part.") != std::string::npos) word.replace(word.find("part."), 5, "whole.");
  }
  REQUIRE(run_crawl(whole, log) == 0);

  const auto parts = outcomes_in(file("part.jsonl"));
  CHECK(parts == outcomes_in(file("whole.jsonl")));
  const auto deeper = std::count_if(parts.begin(), parts.end(), [](const auto& entry) {
    return entry.second == "limit_reached";
  });
  CHECK(deeper > 0);  // --max-depth 2 was kept: it stopped links
  // The delay was kept: one request every 50 ms at best.
  std::size_t requested_after = 0;
  for (const auto& [url, outcome] : parts) requested_after += outcome == "fetched";
  requested_after -= std::min(requested_after, lines_in_part_one);
  CHECK(resume_seconds >= 0.05 * static_cast<double>(requested_after) * 0.9);
  // The reports of the two parts are those of the uninterrupted crawl.
  CHECK(contents(file("part.xml")) == contents(file("whole.xml")));
  CHECK(contents(file("part.dot")) == contents(file("whole.dot")));

  // Finished: resuming again does nothing, and says so.
  const std::size_t records = line_count(file("part.jsonl"));
  CHECK(run_crawl({"--resume", file("crawl.journal")}, log) == 0);
  CHECK(contents(log).find("is finished: nothing left to resume") != std::string::npos);
  CHECK(line_count(file("part.jsonl")) == records);
}

// SIGQUIT asks a running crawl what it waits for (corolab::dump_tasks_on):
// the dump names the workers, and the crawl goes on to its normal end.
TEST_CASE("corolab-crawl prints its tasks on SIGQUIT and crawls on to the end") {
  site::SiteOptions site_options;
  site_options.latency = 5ms;
  BackgroundSite served(site_options);
  TemporaryFolder folder("task-dump-cli");
  auto file = [&](const std::string& name) { return (folder.path / name).string(); };
  const std::string log = file("log.txt");
  const pid_t crawl =
      start_crawl({served.base_url() + "/", "--ignore-robots", "--max-depth", "2", "--delay",
                   "0.02", "--jitter", "0", "--per-host", "1", "-c", "3", "-o",
                   file("records.jsonl"), "--journal", file("crawl.journal"), "--quiet"},
                  log);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (line_count(file("records.jsonl")) < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ::kill(crawl, SIGQUIT);
  REQUIRE(exit_code(crawl) == 0);
  const std::string printed = contents(log);
  INFO(printed);
  CHECK(printed.find("corolab: ") == 0);  // the dump's first line: "corolab: N live tasks"
  CHECK(printed.find(" live tasks\n") != std::string::npos);
  for (const char* worker : {"task 'worker 1': ", "task 'worker 2': ", "task 'worker 3': "})
    CHECK(printed.find(worker) != std::string::npos);
  CHECK(printed.find("task 'task dump (SIGQUIT)': running") != std::string::npos);
  CHECK(printed.find("interrupted") == std::string::npos);
  CHECK(line_count(file("records.jsonl")) > 5);
}
#endif
