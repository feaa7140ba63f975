// The crawler against the demo site, whose graph is the truth: what it
// fetched, what became of every fault, the counts, Retry-After, stop and
// resume, and the command line's usage errors. Politeness and backoff are
// timed against a scripted server (corolab::testing::ScriptedServer).
//
// The site's server runs in the crawler's loop. Crawls of the site with
// faults (a slow page, a 429 with Retry-After: 1, retried 500s) run on
// virtual time: the crawler's sleeps (Retry-After, backoff) and the
// server's (latency, slow chunks) take no real time, and the loop's clock
// says exactly how long they lasted. (libcurl's own timeouts use the real
// clock; none of them fires here.)
#include "corolab/crawler/crawler.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

#include "corolab/corolab.hpp"
#include "corolab/crawler/reports.hpp"
#include "corolab/demo_site/site_paths.hpp"
#include "corolab/demo_site/site_server.hpp"
#include "corolab/testing/scripted_server.hpp"
#include "crawl_recorder.hpp"

using namespace std::chrono_literals;
using corolab::Duration;
using corolab::Task;
using corolab::TimePoint;
using corolab::crawler::Crawler;
using corolab::crawler::CrawlOptions;
using corolab::crawler::CrawlSummary;
using corolab::crawler::Outcome;
using corolab::crawler::PageRecord;
using corolab::testing::Reply;
using corolab::testing::ScriptedServer;
namespace site = corolab::demo_site;

namespace {

using Recorder = CrawlRecorder;

CrawlOptions test_options(const std::string& base_url) {
  CrawlOptions options;
  options.seeds = {base_url + "/"};
  options.concurrency = 16;
  options.per_host = 16;
  options.backoff = 10ms;
  options.timeout = 5s;
  options.max_body_size = 1024 * 1024;
  return options;
}

site::SiteOptions small_site(bool faults) {
  site::SiteOptions options;
  options.pages = 60;
  options.faults = faults;
  options.huge_body_size = 4 * 1024 * 1024;
  return options;
}

struct CrawlResult {
  CrawlSummary summary;
  std::vector<PageRecord> records;
};

Task<CrawlResult> crawl_site(site::SiteServer* served, CrawlOptions options) {
  corolab::TaskGroup server;
  server.spawn(served->serve());
  Recorder recorder;
  Crawler crawler(std::move(options), recorder);
  CrawlSummary summary = co_await crawler.run();
  served->stop();
  co_await server.join();
  co_return CrawlResult{summary, std::move(recorder.records)};
}

// The crawler's outcome for each of the site's.
Outcome expected_outcome(site::Outcome truth) {
  switch (truth) {
    case site::Outcome::ok:
    case site::Outcome::slow:
    case site::Outcome::server_error_then_ok:
    case site::Outcome::too_many_requests_then_ok: return Outcome::fetched;
    case site::Outcome::not_found: return Outcome::http_error;
    case site::Outcome::redirect:
    case site::Outcome::redirect_loop: return Outcome::redirect;
    case site::Outcome::too_large: return Outcome::too_large;
    case site::Outcome::not_html: return Outcome::not_html;
    case site::Outcome::reset: return Outcome::network_error;
    case site::Outcome::disallowed: return Outcome::blocked_by_robots;
    case site::Outcome::out_of_scope: return Outcome::out_of_scope;
  }
  return Outcome::limit_reached;
}

bool was_requested(Outcome outcome) {
  return outcome != Outcome::blocked_by_robots && outcome != Outcome::out_of_scope &&
         outcome != Outcome::limit_reached;
}

// URL -> outcome, with the site's base URL cut off, so crawls of two
// servers (two ports) can be compared.
std::map<std::string, Outcome> by_target(const std::vector<PageRecord>& records,
                                         const std::string& base) {
  std::map<std::string, Outcome> outcomes;
  for (const PageRecord& record : records) {
    std::string key = record.url.starts_with(base) ? record.url.substr(base.size()) : record.url;
    CHECK(outcomes.emplace(key, record.outcome).second);  // one record per URL, never two
  }
  return outcomes;
}

const PageRecord& record_of(const std::vector<PageRecord>& records, const std::string& url) {
  for (const PageRecord& record : records) {
    if (record.url == url) return record;
  }
  FAIL("no record for " << url);
  throw std::logic_error("unreachable");
}

// Part one stops after `stop_after` records; part two resumes from what
// part one left, on the same server.
Task<std::vector<PageRecord>> crawl_in_two_parts(site::SiteServer* served, std::size_t stop_after) {
  corolab::TaskGroup server;
  server.spawn(served->serve());
  Recorder first;
  first.stop_after = stop_after;
  Crawler part_one(test_options(served->base_url()), first);
  first.crawler = &part_one;
  CrawlSummary summary = co_await part_one.run();
  CHECK(summary.interrupted);
  CHECK(first.in_flight_at_stop > 1);  // the stop came with other requests under way
  CHECK_FALSE(part_one.remaining().empty());

  Recorder second;
  Crawler part_two(test_options(served->base_url()), second);
  part_two.restore(part_one.seen_hashes(), part_one.remaining());
  co_await part_two.run();
  served->stop();
  co_await server.join();

  std::vector<PageRecord> all = std::move(first.records);
  all.insert(all.end(), second.records.begin(), second.records.end());
  co_return all;
}

// Crawls the scripted server's site, serving it for as long as the crawl runs.
Task<CrawlSummary> crawl_scripted(ScriptedServer* server, CrawlOptions options,
                                  Recorder* recorder) {
  Crawler crawler(std::move(options), *recorder);
  Task<CrawlSummary> crawling = crawler.run();
  Task<CrawlSummary> serving = server->serve_during(std::move(crawling));
  CrawlSummary summary = co_await std::move(serving);
  co_return summary;
}

#ifdef COROLAB_CRAWL_PATH  // (lesson 15 builds these tests without the program)
int run_crawl_program(const std::string& arguments) {
  const std::string command =
      std::string(COROLAB_CRAWL_PATH) + " " + arguments + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
#endif

}  // namespace

TEST_CASE(
    "the crawl finds exactly what a polite crawler should, and every fault lands in its outcome") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  site::SiteServer served(small_site(true));
  const site::SiteGraph& truth = served.site().graph();
  CrawlResult result = corolab::sync_wait(crawl_site(&served, test_options(served.base_url())));

  std::set<std::string> requested;
  for (const PageRecord& record : result.records) {
    if (was_requested(record.outcome)) requested.insert(record.url);
  }
  CHECK(requested == truth.polite_crawl());

  for (const PageRecord& record : result.records) {
    const site::Node* node = truth.find(record.url);
    CAPTURE(record.url, record.error);
    REQUIRE(node != nullptr);
    CHECK(record.outcome == expected_outcome(node->outcome));
  }
  // The loop is reported on the hop that closes it.
  const PageRecord& loop_b = record_of(result.records, truth.url_of(site::fault_paths::loop_b));
  CHECK(loop_b.error == "redirect loop");
}

TEST_CASE("the summary's counts add up: one outcome per URL") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  site::SiteServer served(small_site(true));
  CrawlResult result = corolab::sync_wait(crawl_site(&served, test_options(served.base_url())));
  std::size_t total = 0;
  for (std::size_t i = 0; i < corolab::crawler::kOutcomeCount; ++i) {
    if (static_cast<Outcome>(i) != Outcome::duplicate) total += result.summary.outcomes[i];
  }
  CHECK(total == result.summary.urls);
  CHECK(result.summary.urls == result.records.size());
  CHECK(result.summary.count(Outcome::duplicate) > 0);  // pages link to each other a lot
  CHECK(result.summary.max_in_flight > 1);
}

// The workers are the bound: N of them, each with one URL at a time, never
// have more than N requests in flight; and however many there are, the
// crawl ends when the frontier is empty and no worker is busy.
TEST_CASE("N workers keep at most N requests in flight, and any N crawls the same pages") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  site::SiteOptions options = small_site(false);
  options.latency = 5ms;  // so that requests overlap
  std::map<int, CrawlResult> results;
  for (int workers : {1, 4}) {
    site::SiteServer served(options);
    CrawlOptions crawl = test_options(served.base_url());
    crawl.concurrency = workers;
    results[workers] = corolab::sync_wait(crawl_site(&served, crawl));
    CAPTURE(workers);
    CHECK(results[workers].summary.max_in_flight == static_cast<std::size_t>(workers));
    CHECK(results[workers].summary.count(Outcome::fetched) > 60);
  }
  CHECK(results[1].summary.urls == results[4].summary.urls);
  CHECK(results[1].summary.count(Outcome::fetched) == results[4].summary.count(Outcome::fetched));
}

// On virtual time the two requests take no time at all, so the page's time
// is exactly the wait between them.
TEST_CASE("429 with Retry-After: the retry waits as asked (measured on the loop's clock)") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  site::SiteServer served(small_site(true));
  CrawlResult result = corolab::sync_wait(crawl_site(&served, test_options(served.base_url())));
  const PageRecord& limited =
      record_of(result.records, served.site().graph().url_of(site::fault_paths::rate_limited));
  CHECK(limited.outcome == Outcome::fetched);
  CHECK(limited.time == 1s);  // Retry-After: 1
  CHECK(served.site().request_count(site::fault_paths::rate_limited) == 2);
}

TEST_CASE("limits: --max-pages and --max-depth end URLs as limit_reached") {
  corolab::EventLoop loop;
  site::SiteServer served(small_site(false));
  CrawlOptions options = test_options(served.base_url());
  SECTION("max pages") {
    options.max_pages = 10;
    CrawlResult result = corolab::sync_wait(crawl_site(&served, options));
    std::size_t requested = 0;
    for (const PageRecord& record : result.records)
      requested += was_requested(record.outcome) ? 1 : 0;
    CHECK(requested == 10);
    CHECK(result.summary.count(Outcome::limit_reached) > 0);
  }
  SECTION("max depth") {
    options.max_depth = 1;
    CrawlResult result = corolab::sync_wait(crawl_site(&served, options));
    for (const PageRecord& record : result.records) {
      if (was_requested(record.outcome)) CHECK(record.depth <= 1);
    }
    CHECK(result.summary.count(Outcome::limit_reached) > 0);
  }
  SECTION("exclude") {
    options.exclude.emplace_back("/section-");
    CrawlResult result = corolab::sync_wait(crawl_site(&served, options));
    for (const PageRecord& record : result.records) {
      if (record.url.find("/section-") != std::string::npos)
        CHECK(record.outcome == Outcome::out_of_scope);
    }
  }
}

TEST_CASE("stopped, then resumed from what it left, equals an uninterrupted crawl") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  site::SiteOptions options = small_site(true);
  options.latency = 5ms;  // so that requests are in flight when the stop comes
  site::SiteServer uninterrupted_site(options);
  CrawlResult whole = corolab::sync_wait(
      crawl_site(&uninterrupted_site, test_options(uninterrupted_site.base_url())));

  site::SiteServer interrupted_site(options);
  std::vector<PageRecord> parts = corolab::sync_wait(crawl_in_two_parts(&interrupted_site, 30));
  CHECK(by_target(parts, interrupted_site.base_url()) ==
        by_target(whole.records, uninterrupted_site.base_url()));
}

// Exact on virtual time, with no jitter: robots.txt asks for 2 s between
// requests, so the pages are requested 0, 2, 4 and 6 s after it; a page that
// fails twice is retried after the backoff (250 ms), then after twice that.
TEST_CASE(
    "Crawl-delay spaces the requests to a host, and failed requests are retried after a doubling "
    "backoff") {
  corolab::EventLoop loop(corolab::LoopOptions::virtual_time());
  ScriptedServer server;
  server.script("/robots.txt", {Reply::ok("User-agent: *\nCrawl-delay: 2\n")});
  server.script("/",
                {Reply::ok(R"(<a href="/a">a</a> <a href="/b">b</a> <a href="/flaky">flaky</a>)")
                     .header("Content-Type", "text/html")});
  server.script("/a", {Reply::ok("a").header("Content-Type", "text/html")});
  server.script("/b", {Reply::ok("b").header("Content-Type", "text/html")});
  server.script("/flaky", {Reply::with_status(503), Reply::with_status(503),
                           Reply::ok("at last").header("Content-Type", "text/html")});
  CrawlOptions options;
  options.seeds = {server.url("/")};
  options.concurrency = 4;
  options.per_host = 4;
  options.jitter = 0;
  options.backoff = 250ms;
  Recorder recorder;
  const CrawlSummary summary = corolab::sync_wait(crawl_scripted(&server, options, &recorder));
  CHECK(summary.count(Outcome::fetched) == 4);

  REQUIRE(server.requests_to("/robots.txt").size() == 1);
  const TimePoint start = server.requests_to("/robots.txt")[0].arrived;
  std::vector<Duration> first_requests;  // after robots.txt, in order
  for (const char* target : {"/", "/a", "/b", "/flaky"}) {
    REQUIRE_FALSE(server.requests_to(target).empty());
    first_requests.push_back(server.requests_to(target)[0].arrived - start);
  }
  std::sort(first_requests.begin(),
            first_requests.end());  // the links may take their turns in any order
  CHECK(first_requests == std::vector<Duration>{0s, 2s, 4s, 6s});

  const std::vector<corolab::testing::ReceivedRequest> flaky = server.requests_to("/flaky");
  REQUIRE(flaky.size() == 3);
  CHECK(flaky[1].arrived - flaky[0].arrived == 250ms);
  CHECK(flaky[2].arrived - flaky[1].arrived == 500ms);
  CHECK(record_of(recorder.records, server.url("/flaky")).time == 750ms);
}

namespace {

Reply html(std::string body) {
  return Reply::ok(std::move(body)).header("Content-Type", "text/html");
}

// A site whose pages say nofollow and noindex in each way there is. /d is
// linked with nofollow from / but followed from /a; /b, /c and /f only ever
// with nofollow.
void script_directives_site(ScriptedServer* server) {
  server->script("/", {html(R"(<a href="/a">a</a> <a href="/b" rel="nofollow">b</a>)"
                            R"(<a href="/c" rel="external NOFOLLOW">c</a>)"
                            R"(<a href="/d" rel="nofollow">d</a> <a href="/x">x</a>)")});
  server->script("/a", {html(R"(<meta name="robots" content="noindex">)"
                             R"(<link rel="canonical" href="/a-canonical"><a href="/d">d</a>)")});
  server->script("/d", {html(R"(<meta name="corolab" content="NOFOLLOW"><a href="/f">f</a>)")});
  server->script("/x", {html(R"(<a href="/g">g</a>)")
                            .header("X-Robots-Tag", "otherbot: nofollow")
                            .header("X-Robots-Tag", "corolab: noindex")});
  server->script("/g", {html("the end").header("X-Robots-Tag", "none")});
}

}  // namespace

TEST_CASE("nofollow links are not followed, each such URL ends as nofollow, and counts add up") {
  corolab::EventLoop loop;
  ScriptedServer server;
  script_directives_site(&server);
  CrawlOptions options;
  options.seeds = {server.url("/")};
  options.user_agent = "corolab/1.0";  // its product token, "corolab", names us in meta and headers
  Recorder recorder;
  const CrawlSummary summary = corolab::sync_wait(crawl_scripted(&server, options, &recorder));

  const std::map<std::string, Outcome> outcomes = by_target(recorder.records, server.url(""));
  const std::map<std::string, Outcome> expected = {
      {"/", Outcome::fetched},   {"/a", Outcome::fetched},  {"/d", Outcome::fetched},
      {"/x", Outcome::fetched},  {"/g", Outcome::fetched},  {"/b", Outcome::nofollow},
      {"/c", Outcome::nofollow}, {"/f", Outcome::nofollow},
  };
  CHECK(outcomes == expected);
  for (const char* never : {"/b", "/c", "/f"}) CHECK(server.requests_to(never).empty());
  CHECK(summary.count(Outcome::nofollow) == 3);
  std::size_t total = 0;
  for (std::size_t i = 0; i < corolab::crawler::kOutcomeCount; ++i) {
    if (static_cast<Outcome>(i) != Outcome::duplicate) total += summary.outcomes[i];
  }
  CHECK(total == summary.urls);
  CHECK(summary.urls == recorder.records.size());
  CHECK(summary.count(Outcome::duplicate) == 1);        // /d: linked twice, crawled once
  CHECK(summary.requests == server.requests().size());  // robots.txt included

  CHECK(record_of(recorder.records, server.url("/a")).noindex);
  CHECK(record_of(recorder.records, server.url("/a")).canonical == server.url("/a-canonical"));
  CHECK(record_of(recorder.records, server.url("/x")).noindex);  // "corolab: noindex"
  CHECK(record_of(recorder.records, server.url("/g")).noindex);  // "none"
  CHECK_FALSE(record_of(recorder.records, server.url("/d")).noindex);
  CHECK(record_of(recorder.records, server.url("/")).links_found == 5);  // nofollow ones too
}

TEST_CASE("with nofollow ignored (--ignore-nofollow), every link is followed") {
  corolab::EventLoop loop;
  ScriptedServer server;
  script_directives_site(&server);
  CrawlOptions options;
  options.seeds = {server.url("/")};
  options.user_agent = "corolab/1.0";
  options.obey_nofollow = false;
  Recorder recorder;
  const CrawlSummary summary = corolab::sync_wait(crawl_scripted(&server, options, &recorder));
  CHECK(summary.count(Outcome::nofollow) == 0);
  for (const char* target : {"/b", "/c", "/f"}) CHECK(server.requests_to(target).size() == 1);
}

TEST_CASE("the sitemap leaves out the noindex pages, and records carry noindex and canonical") {
  corolab::EventLoop loop;
  ScriptedServer server;
  script_directives_site(&server);
  CrawlOptions options;
  options.seeds = {server.url("/")};
  options.user_agent = "corolab/1.0";
  Recorder recorder;
  corolab::sync_wait(crawl_scripted(&server, options, &recorder));

  corolab::crawler::CrawlCollector collector;
  std::ostringstream jsonl;
  corolab::crawler::JsonLinesWriter json_writer(jsonl);
  std::ostringstream csv;
  corolab::crawler::CsvWriter csv_writer(csv);
  for (const PageRecord& record : recorder.records) {
    collector.on_page(record);
    json_writer.on_page(record);
    csv_writer.on_page(record);
  }
  std::ostringstream sitemap;
  collector.write_sitemap(sitemap);
  const auto listed = [&](const std::string& path) {
    return sitemap.str().find("<loc>" + server.url(path) + "</loc>") != std::string::npos;
  };
  CHECK(listed("/"));
  CHECK(listed("/d"));
  CHECK_FALSE(listed("/a"));  // noindex
  CHECK_FALSE(listed("/x"));
  CHECK_FALSE(listed("/g"));

  std::istringstream lines(jsonl.str());
  std::size_t noindex_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto json = nlohmann::json::parse(line);
    if (json["noindex"].get<bool>()) ++noindex_lines;
    if (json["url"] == server.url("/a")) CHECK(json["canonical"] == server.url("/a-canonical"));
  }
  CHECK(noindex_lines == 3);
  CHECK(csv.str().starts_with(
      "url,final_url,status,content_type,depth,parent,bytes,time_ms,error,outcome,links,noindex,"
      "canonical\n"));
  CHECK(csv.str().find("," + server.url("/a-canonical") + "\n") != std::string::npos);
}

TEST_CASE("records are valid JSON lines with every field") {
  corolab::EventLoop loop;
  site::SiteServer served(small_site(false));
  CrawlResult result = corolab::sync_wait(crawl_site(&served, test_options(served.base_url())));
  std::ostringstream out;
  corolab::crawler::JsonLinesWriter writer(out);
  for (const PageRecord& record : result.records) writer.on_page(record);
  std::istringstream lines(out.str());
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    const auto json = nlohmann::json::parse(line);
    for (const char* key :
         {"url", "final_url", "status", "content_type", "depth", "parent", "bytes", "time_ms",
          "error", "outcome", "links", "noindex", "canonical"}) {
      CHECK(json.contains(key));
    }
    ++count;
  }
  CHECK(count == result.records.size());
}

#ifdef COROLAB_CRAWL_PATH
TEST_CASE("bad command lines get a clear message and exit code 2") {
  CHECK(run_crawl_program("--help") == 0);
  CHECK(run_crawl_program("") == 2);  // no URL
  CHECK(run_crawl_program("--no-such-option http://127.0.0.1/") == 2);
  CHECK(run_crawl_program("--concurrency 0 http://127.0.0.1/") == 2);
  CHECK(run_crawl_program("ftp://127.0.0.1/") == 2);
  CHECK(run_crawl_program("--include '(' http://127.0.0.1/") == 2);
  CHECK(run_crawl_program("--scope planet http://127.0.0.1/") == 2);
  CHECK(run_crawl_program("--robots-max-age 0 http://127.0.0.1/") == 2);
  CHECK(run_crawl_program("--robots-max-age 1e30 http://127.0.0.1/") == 2);  // would overflow
  // A shared crawl: a wrong Redis URL, a Redis nobody answers at, a missing --crawl-id.
  CHECK(run_crawl_program("--redis foo://x --crawl-id a http://127.0.0.1/") == 2);
  CHECK(run_crawl_program("--redis redis://127.0.0.1:1/0 --crawl-id a http://127.0.0.1/") == 2);
  CHECK(run_crawl_program("--redis redis://127.0.0.1:1/0 http://127.0.0.1/") == 2);
  CHECK(run_crawl_program("--redis redis://127.0.0.1:1/0 --crawl-id a --resume x") == 2);
}
#endif
