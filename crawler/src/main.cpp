// corolab-crawl: a concurrent web crawler on the corolab runtime.
//
//   corolab-crawl http://127.0.0.1:8080/ --concurrency 32 --graph site.dot
//
// Maps a site, reports what happened to every URL it found (one JSON line
// each), and lists broken links. Ctrl-C stops cleanly and leaves a journal
// that --resume continues from, under the same options (resume_options.hpp).
// With --redis URL --crawl-id NAME it is one worker of a crawl shared in
// Redis (shared_crawl.hpp). Exit codes: 0 success, 1 finished with errors
// (broken links), 2 usage error (a Redis that cannot be reached at the start
// included), 130 interrupted. SIGQUIT (Ctrl-\ or kill -QUIT) prints every task and
// what it waits for (corolab/task_dump.hpp), and the crawl goes on.

#include <fmt/core.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "corolab/crawler/crawler.hpp"
#include "corolab/crawler/journal.hpp"
#include "corolab/crawler/local_frontier.hpp"
#include "corolab/crawler/progress.hpp"
#include "corolab/crawler/reports.hpp"
#include "corolab/signals.hpp"
#include "corolab/sleep.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task_dump.hpp"
#include "corolab/task_group.hpp"
#include "corolab/text.hpp"
#include "demo.hpp"
#include "resume_options.hpp"
#include "shared_crawl.hpp"
#include "shared_reports.hpp"

namespace crawler = corolab::crawler;
using corolab::Task;

namespace {

struct Settings {
  crawler::CrawlOptions crawl;
  std::string output = "crawl.jsonl";
  std::string format = "json";
  std::string graph, sitemap, broken_links;
  std::string journal = "crawl.journal";
  std::string resume;
  crawler::SharedCrawlOptions shared;  // --redis: one worker of a shared crawl
  double lease_seconds = 60;
  std::string merged_output;  // --merged-output: the whole shared crawl's records
  bool collect = false;       // --collect: crawl nothing, wait for the end, report
  std::string scope = "host";
  std::vector<std::string> include, exclude;
  double delay_seconds = 0, max_time_seconds = 0, timeout_seconds = 20;
  double robots_max_age_seconds = 24 * 60 * 60;
  bool ignore_robots = false, ignore_nofollow = false;
  bool quiet = false;
  bool demo = false;
  crawler::DemoOptions demo_options;
  crawler::CommandLineOptions command_line;  // the crawl's options, for its journal
};

void define_options(CLI::App& app, Settings& s) {
  CLI::Option* urls = app.add_option("urls", s.crawl.seeds, "Where to start (http or https URLs)");
  app.add_option("-c,--concurrency", s.crawl.concurrency, "Requests in flight at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--per-host", s.crawl.per_host,
                 "Requests in flight per host at most (with --redis: per worker; --delay "
                 "spaces a host's requests across all workers)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--delay", s.delay_seconds,
                 "Politeness delay between requests to one host, in seconds (raised to "
                 "robots.txt's Crawl-delay, an extension outside RFC 9309)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--jitter", s.crawl.jitter,
                 "The delay and retry backoff vary by +/- this fraction")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--ignore-robots", s.ignore_robots,
               "Do not fetch or obey robots.txt (how it is read: see the end)");
  app.add_option("--robots-max-age", s.robots_max_age_seconds,
                 "Fetch a host's robots.txt again after this many seconds (kept if then "
                 "unreachable)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  app.add_flag("--ignore-nofollow", s.ignore_nofollow,
               "Follow links marked rel=nofollow, and those of pages whose meta robots or "
               "X-Robots-Tag says nofollow (noindex pages stay out of --sitemap either way)");
  app.add_option("--user-agent", s.crawl.user_agent,
                 "User-Agent; its first word is matched against robots.txt")
      ->capture_default_str();
  app.add_option("--max-depth", s.crawl.max_depth,
                 "Links followed from a seed at most (-1: no limit)")
      ->capture_default_str();
  app.add_option("--max-pages", s.crawl.max_pages, "Pages requested at most (0: no limit)")
      ->capture_default_str();
  app.add_option("--max-time", s.max_time_seconds,
                 "Stop taking new URLs after this many seconds (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--scope", s.scope,
                 "Which links to follow: host (the seeds' hosts), domain (their registrable "
                 "domains) or any")
      ->capture_default_str()
      ->check(CLI::IsMember({"host", "domain", "any"}));
  app.add_option("--include", s.include, "Only follow URLs matching one of these regexes");
  app.add_option("--exclude", s.exclude, "Never follow URLs matching any of these regexes");
  app.add_option("--max-tries", s.crawl.max_tries,
                 "Tries per URL for network errors, 408, 429, 500, 502, 503, 504")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  app.add_option("--timeout", s.timeout_seconds, "Seconds allowed for one request")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-body", s.crawl.max_body_size, "Largest body fetched, in bytes")
      ->capture_default_str();
  app.add_option("--cacert", s.crawl.ca_file,
                 "Also trust the CA certificates in this PEM file for https (a CA of your own)")
      ->check(CLI::ExistingFile);
  app.add_option("-o,--output", s.output, "One record per URL goes here ('-': standard output)")
      ->capture_default_str();
  app.add_option("--format", s.format, "Record format: json (JSON Lines) or csv")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "csv"}));
  app.add_option("--graph", s.graph,
                 "Write the link graph here (Graphviz DOT; draw it with: dot -Tsvg FILE -o "
                 "site.svg)");
  app.add_option("--sitemap", s.sitemap,
                 "Write a sitemap.xml of the pages found here (not those marked noindex)");
  app.add_option("--broken-links", s.broken_links, "Write the broken links report here");
  app.add_option("--journal", s.journal,
                 "Where an interrupted crawl leaves its journal (a finished crawl marks it "
                 "finished)")
      ->capture_default_str();
  app.add_option("--resume", s.resume,
                 "Continue the crawl recorded in this journal, under its options. Options given "
                 "again must agree, except those about speed, patience and output files "
                 "(--concurrency --per-host --delay --jitter --max-time --max-tries --timeout "
                 "--output --graph --sitemap --broken-links --journal --quiet), which override. "
                 "Limits and reports cover the whole crawl.");
  CLI::Option* redis =
      app.add_option("--redis", s.shared.redis_url,
                     "Join the crawl shared in this Redis (redis://HOST:PORT/DB) as one of its "
                     "workers: any number of processes, on any machines, with the same --redis "
                     "and --crawl-id share one frontier; each writes its own records (give each "
                     "its own --output)")
          ->excludes("--resume");
  app.add_option("--crawl-id", s.shared.crawl_id, "The shared crawl's name (with --redis)")
      ->needs(redis);
  redis->needs("--crawl-id");
  app.add_option("--lease", s.lease_seconds,
                 "With --redis: a URL taken by a worker that has not finished it after this "
                 "many seconds (it died, or hangs) goes to another worker")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 1e6))
      ->needs(redis);
  app.add_option("--max-deliveries", s.shared.max_deliveries,
                 "With --redis: a URL handed out this many times and never finished (each "
                 "worker that took it died or hung) is recorded as a network_error instead of "
                 "handed out again (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000))
      ->needs(redis);
  app.add_option("--merged-output", s.merged_output,
                 "With --redis: once the crawl is over, write every worker's records here "
                 "(JSON Lines), each URL's once. With --redis, --graph, --sitemap and "
                 "--broken-links cover the whole crawl too, and the summary adds the whole "
                 "crawl's; a worker stopped before the end leaves them to the others")
      ->needs(redis);
  app.add_flag("--collect", s.collect,
               "With --redis: crawl nothing; wait until the shared crawl is over, then write "
               "its --merged-output, --graph, --sitemap and --broken-links and print its "
               "summary (from any machine, after workers that wrote none)")
      ->needs(redis)
      ->excludes(urls);
  app.add_flag("-q,--quiet", s.quiet, "No progress line and no summary");
  app.add_flag("--demo", s.demo,
               "Crawl the embedded demo site twice (sequential, then concurrent) and compare");
  app.add_option("--demo-pages", s.demo_options.pages, "Pages of the demo site")
      ->capture_default_str();
  app.add_option("--demo-latency-ms", s.demo_options.latency_ms,
                 "Latency of the demo site's responses")
      ->capture_default_str();
  app.add_option("--out-dir", s.demo_options.out_dir, "Where the demo writes its files")
      ->capture_default_str();
  app.add_option("--workers", s.demo_options.workers,
                 "With --demo: that many worker processes share the crawl, through a "
                 "redis-server the demo starts (and stops) on a free loopback port")
      ->check(CLI::Range(1, 64))
      ->needs("--demo");
  app.footer(
      "robots.txt, as RFC 9309 says: a 4xx answer means no rules; 5xx, network errors and "
      "429 (a 4xx, but a server error to Google's crawlers, and to this one) disallow the "
      "whole host; up to 5 redirects are followed, to any host (more: no rules); the first "
      "500 KiB are read; it is fetched again after --robots-max-age. Crawl-delay is obeyed, "
      "though RFC 9309 does not define it.\n"
      "A page's own directives (meta robots, X-Robots-Tag, rel=nofollow): links marked "
      "nofollow are not followed and their URLs end as outcome 'nofollow'; noindex pages "
      "are crawled, marked in the records, and left out of --sitemap.\n"
      "A crawl that seems stuck can be asked what it waits for: SIGQUIT (Ctrl-\\, or kill "
      "-QUIT PID) prints every task, what it waits for (a request and its URL, a timer, a "
      "queue) and its async stack on stderr, and the crawl goes on.");
}

// Turns the command line's plain values into crawl options. Throws
// std::invalid_argument for what CLI11 could not check.
void finish_settings(Settings& s) {
  using seconds = std::chrono::duration<double>;
  s.crawl.delay = std::chrono::duration_cast<corolab::Duration>(seconds(s.delay_seconds));
  s.crawl.max_time = std::chrono::duration_cast<corolab::Duration>(seconds(s.max_time_seconds));
  s.crawl.timeout = std::chrono::duration_cast<corolab::Duration>(seconds(s.timeout_seconds));
  s.crawl.obey_robots = !s.ignore_robots;
  s.shared.lease = std::chrono::duration_cast<corolab::Duration>(seconds(s.lease_seconds));
  if (!s.shared.redis_url.empty()) corolab::redis::Url::parse(s.shared.redis_url);  // or throws
  s.crawl.robots_max_age =
      std::chrono::duration_cast<corolab::Duration>(seconds(s.robots_max_age_seconds));
  s.crawl.obey_nofollow = !s.ignore_nofollow;
  s.crawl.scope = s.scope == "any"      ? crawler::Scope::any
                  : s.scope == "domain" ? crawler::Scope::domain
                                        : crawler::Scope::host;
  for (const auto& [patterns, regexes] :
       {std::pair{&s.include, &s.crawl.include}, std::pair{&s.exclude, &s.crawl.exclude}}) {
    for (const std::string& pattern : *patterns) {
      try {
        regexes->emplace_back(pattern);
      } catch (const std::regex_error& error) {
        throw std::invalid_argument("bad regex '" + pattern + "': " + error.what());
      }
    }
  }
  if (!s.demo && !s.collect && s.crawl.seeds.empty() && s.resume.empty()) {
    throw std::invalid_argument(
        "give at least one URL to start from (or --resume JOURNAL, or --demo)");
  }
  for (const std::string& seed : s.crawl.seeds) {
    if (!crawler::normalize_url(seed))
      throw std::invalid_argument("not an http or https URL: '" + seed + "'");
  }
}

// --resume: parse again, the journal's options first, then this command
// line's overrides (resume_options.hpp says which may differ).
void adopt_journal_options(CLI::App& app, Settings& settings, const crawler::Journal& journal) {
  const crawler::ResumedCommandLine resumed = crawler::resumed_command_line(journal, app);
  std::vector<std::string> arguments{"--resume=" + settings.resume};
  arguments.insert(arguments.end(), resumed.arguments.begin(), resumed.arguments.end());
  std::reverse(arguments.begin(), arguments.end());  // CLI11 takes them last first
  settings = Settings{};
  app.parse(arguments);
  if (settings.quiet) return;
  for (const std::string& change : resumed.overrides)
    fmt::print(stderr, "resuming with {}\n", change);
}

// A CSV file starts with its header: a new file, or an empty one when resuming.
bool records_start_empty(const Settings& s) {
  if (s.resume.empty() || s.output == "-") return s.resume.empty();
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(s.output, error);
  return error || size == 0;
}

template <typename Write>
void write_file(const std::string& path, Write write) {
  if (path.empty()) return;
  std::ofstream out(path, std::ios::trunc);
  write(out);
  if (!out) throw std::runtime_error("cannot write " + path);
}

// --graph, --sitemap, --broken-links (those given).
void write_report_files(const Settings& s, const crawler::CrawlCollector& reports) {
  write_file(s.graph, [&](std::ostream& out) { reports.write_dot(out); });
  write_file(s.sitemap, [&](std::ostream& out) { reports.write_sitemap(out); });
  write_file(s.broken_links, [&](std::ostream& out) { reports.write_broken_links(out); });
}

// The output files. Records are written as they happen, so an interrupted
// crawl leaves valid files; when resuming, records are appended, and the
// reports start from what the journal collected.
class Outputs {
 public:
  // The link graph is kept only for the reports that need it: memory then
  // grows with the pages, not with the links. (A shared crawl's are drawn
  // from what Redis kept.)
  explicit Outputs(const Settings& s)
      : settings_(s),
        collector_(s.shared.redis_url.empty() && (!s.graph.empty() || !s.broken_links.empty())) {
    const bool header = records_start_empty(s);  // before the file is opened
    const auto mode = s.resume.empty() ? std::ios::trunc : std::ios::app;
    std::ostream* records = &std::cout;
    if (s.output != "-") {
      file_.open(s.output, std::ios::out | mode);
      if (!file_) throw std::runtime_error("cannot write " + s.output);
      records = &file_;
    }
    if (s.format == "csv") {
      writer_ = std::make_unique<crawler::CsvWriter>(*records, header);
    } else {
      writer_ = std::make_unique<crawler::JsonLinesWriter>(*records);
    }
    sinks_.add(*writer_);
    sinks_.add(collector_);
  }

  crawler::CrawlSink& sink() { return sinks_; }
  void add_sink(crawler::CrawlSink& sink) { sinks_.add(sink); }

  void write_reports() const { write_report_files(settings_, collector_); }
  std::size_t broken_links() const { return collector_.broken_link_count(); }
  std::size_t urls() const { return collector_.url_count(); }

  void restore(const crawler::CollectedReports& reports) { collector_.restore(reports); }
  crawler::CollectedReports collected() const { return collector_.collected(); }

 private:
  const Settings& settings_;
  std::ofstream file_;
  std::unique_ptr<crawler::CrawlSink> writer_;
  crawler::CrawlCollector collector_;
  crawler::FanOut sinks_;
};

// The reports cover the whole crawl, the summary only this run: say both.
void report_broken_links(const Settings& settings, const Outputs& outputs, bool resumed) {
  if (settings.quiet) return;
  if (resumed) fmt::print(stderr, "the whole crawl (all its parts): {} URLs\n", outputs.urls());
  const std::size_t broken = outputs.broken_links();
  if (broken == 0) return;
  fmt::print(stderr, "{}{}\n", corolab::text::count_of(broken, "broken link"),
             settings.broken_links.empty() ? " (--broken-links FILE lists them)"
                                           : ": see " + settings.broken_links);
}

// Ctrl-C once: stop gracefully. Twice: stop now.
Task<void> stop_on_signals(crawler::Crawler* crawl) {
  const std::vector<int> signals{SIGINT, SIGTERM};
  co_await corolab::wait_for_signal(signals);
  fmt::print(stderr,
             "\nstopping: finishing the requests in flight (Ctrl-C again to stop at once)\n");
  crawl->stop();
  co_await corolab::wait_for_signal(signals);
  crawl->stop();
}

// The frontier: this process's own, or, with --redis, the shared crawl's
// (then `shared` too, for its lease renewal). Null when Redis cannot be
// reached (the error is printed).
struct OpenedFrontier {
  std::unique_ptr<crawler::Frontier> frontier;
  crawler::RedisFrontier* shared = nullptr;
  std::unique_ptr<crawler::HostTurns> turns;  // shared politeness, with --redis
  std::unique_ptr<crawler::SharedRobots> robots;
};

Task<OpenedFrontier> open_frontier(crawler::SharedCrawlOptions options) {
  OpenedFrontier opened;
  if (options.redis_url.empty()) {
    opened.frontier = std::make_unique<crawler::LocalFrontier>();
    co_return opened;
  }
  try {
    crawler::SharedCrawl joined = co_await crawler::join_shared_crawl(options);
    opened.shared = joined.frontier.get();
    opened.frontier = std::move(joined.frontier);
    opened.turns = std::move(joined.turns);
    opened.robots = std::move(joined.robots);
  } catch (const corolab::redis::Error& error) {
    fmt::print(stderr, "corolab-crawl: cannot join the crawl in Redis: {}\n", error.what());
  }
  co_return opened;
}

// A shared crawl's records and reports, from Redis, once it is over:
// --merged-output, --graph, --sitemap, --broken-links, and the summary.
// Returns the exit code: 1 if the crawl found broken links.
Task<int> report_whole_crawl(Settings settings, crawler::RedisFrontier* shared) {
  const crawler::SharedCrawlResults results = co_await crawler::read_shared_crawl(shared);
  write_file(settings.merged_output, [&](std::ostream& out) {
    for (const std::string& line : results.lines) out << line << '\n';
  });
  write_report_files(settings, results.reports);
  const std::size_t broken = results.reports.broken_link_count();
  if (!settings.quiet) {
    crawler::print_shared_summary(stderr, results.summary);
    if (broken > 0)
      fmt::print(stderr, "{} in the whole crawl\n", corolab::text::count_of(broken, "broken link"));
  }
  co_return broken > 0 ? 1 : 0;
}

bool wants_whole_crawl(const Settings& s) {
  return !s.merged_output.empty() || !s.graph.empty() || !s.sitemap.empty() ||
         !s.broken_links.empty();
}

// A worker of a shared crawl, at its end. Its own records are in its
// --output; what covers the whole crawl is read from Redis, if asked for.
// Exit code: 130 if stopped before the crawl's end (its URLs given back);
// else as the whole crawl's reports say, or (none asked for) as its own.
Task<int> end_shared_worker(Settings settings, crawler::RedisFrontier* shared,
                            crawler::CrawlSummary own, std::size_t own_broken) {
  if (!settings.quiet) {
    // What sharing cost: round trips to Redis for the frontier (a turn on a
    // host and robots.txt cost their own).
    fmt::print(stderr, "this worker's part of the shared crawl: {} Redis scripts for {} URLs\n",
               shared->round_trips(), own.urls);
  }
  if (!shared->over()) {
    if (!settings.quiet)
      fmt::print(stderr, "stopped: the shared crawl goes on without this worker{}\n",
                 wants_whole_crawl(settings) ? " (its reports are left to the others)" : "");
    co_return 130;
  }
  if (wants_whole_crawl(settings)) {
    const int code = co_await report_whole_crawl(settings, shared);
    co_return code;
  }
  co_return own_broken > 0 ? 1 : 0;
}

// --collect: no crawling; once the shared crawl is over, its reports.
Task<int> collect(Settings settings) {
  OpenedFrontier opened = co_await open_frontier(settings.shared);
  if (!opened.frontier) co_return 2;
  bool waited = false;
  while (true) {
    const bool closed = co_await opened.shared->closed();
    if (closed) break;
    const std::size_t pending = co_await opened.shared->pending_now();
    if (!settings.quiet)
      fmt::print(stderr, "\rwaiting for the shared crawl to end: {} URLs queued or taken   ",
                 pending);
    waited = true;
    co_await corolab::sleep_for(std::chrono::milliseconds(250));
  }
  if (waited && !settings.quiet) fmt::print(stderr, "\n");
  const int code = co_await report_whole_crawl(settings, opened.shared);
  co_return code;
}

Task<int> crawl(Settings settings, std::optional<crawler::Journal> resumed) {
  OpenedFrontier opened = co_await open_frontier(settings.shared);
  if (!opened.frontier) co_return 2;
  crawler::Frontier& frontier = *opened.frontier;
  settings.crawl.shared_turns = opened.turns.get();
  settings.crawl.shared_robots = opened.robots.get();
  // #region resume
  if (resumed)
    settings.crawl.max_time = crawler::time_left(settings.crawl.max_time, resumed->elapsed);
  Outputs outputs(settings);
  crawler::Crawler site_crawler(settings.crawl, outputs.sink(), frontier);
  if (resumed) {
    outputs.restore(resumed->reports);  // the reports describe the whole crawl
    site_crawler.restore(std::move(resumed->seen), std::move(resumed->frontier),
                         resumed->pages_requested);
  }
  // #endregion resume
  std::optional<crawler::SharedLinks> shared_links;  // the whole crawl's link graph
  if (opened.shared != nullptr) outputs.add_sink(shared_links.emplace(*opened.shared));

  corolab::TaskGroup helpers;
  if (!settings.quiet)
    helpers.spawn(crawler::show_progress(&site_crawler, "crawl", stderr), "progress");
  helpers.spawn(stop_on_signals(&site_crawler), "signals");
  if (opened.shared != nullptr) helpers.spawn(opened.shared->keep_leases(), "lease renewal");
  crawler::CrawlSummary summary = co_await site_crawler.run();
  helpers.cancel();
  co_await helpers.join();

  if (!settings.quiet) crawler::print_summary(stderr, summary);
  if (opened.shared != nullptr) {
    const int code =
        co_await end_shared_worker(settings, opened.shared, summary, outputs.broken_links());
    co_return code;
  }
  outputs.write_reports();
  // #region journal
  const corolab::Duration spent =
      summary.elapsed + (resumed ? resumed->elapsed : corolab::Duration{0});
  if (summary.interrupted) {
    crawler::write_journal(settings.journal, {.options = settings.command_line,
                                              .finished = false,
                                              .seen = site_crawler.seen_hashes(),
                                              .frontier = site_crawler.remaining(),
                                              .pages_requested = site_crawler.pages_requested(),
                                              .elapsed = spent,
                                              .reports = outputs.collected()});
    fmt::print(stderr, "interrupted: {} URLs left; continue with: corolab-crawl --resume {}\n",
               site_crawler.remaining().size(), settings.journal);
    co_return 130;
  }
  // Finished: a journal left by an earlier part says so, and resuming it does nothing.
  for (const std::string& path : {settings.journal, settings.resume})
    crawler::mark_journal_finished(path, settings.command_line);
  // #endregion journal
  report_broken_links(settings, outputs, resumed.has_value());
  co_return outputs.broken_links() > 0 ? 1 : 0;
}

// The whole program, crawl or demo, with a task dump on SIGQUIT: a hung crawl
// can be asked what it waits for, and goes on.
Task<int> with_task_dump_on_sigquit(Task<int> program) {
  corolab::TaskGroup dump;
  dump.spawn(corolab::dump_tasks_on(SIGQUIT), "task dump (SIGQUIT)");
  const int code = co_await std::move(program);
  dump.cancel();
  co_await dump.join();
  co_return code;
}

// Each connection is a file descriptor: allow as many as the system does.
void raise_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"corolab-crawl: a concurrent web crawler on the corolab runtime"};
  Settings settings;
  define_options(app, settings);
  std::optional<crawler::Journal> resumed;
  try {
    app.parse(argc, argv);
    if (!settings.resume.empty()) {
      resumed = crawler::read_journal(settings.resume);
      if (resumed->finished) {
        fmt::print(stderr, "corolab-crawl: the crawl in {} is finished: nothing left to resume\n",
                   settings.resume);
        return 0;
      }
      adopt_journal_options(app, settings, *resumed);
    }
    settings.command_line = crawler::given_options(app);
    finish_settings(settings);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);  // prints help, or the error
    return code == 0 ? 0 : 2;
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "corolab-crawl: {}\nRun with --help for more information.\n", error.what());
    return 2;
  } catch (const std::runtime_error& error) {  // a journal that cannot be read
    fmt::print(stderr, "corolab-crawl: {}\n", error.what());
    return 1;
  }
  raise_file_limit();
  try {
    if (settings.demo && settings.demo_options.workers > 0) {
      settings.demo_options.self = std::filesystem::read_symlink("/proc/self/exe").string();
      return corolab::sync_wait(
          with_task_dump_on_sigquit(crawler::run_shared_demo(settings.demo_options)));
    }
    if (settings.demo) {
      return corolab::sync_wait(
          with_task_dump_on_sigquit(crawler::run_demo(settings.demo_options)));
    }
    if (settings.collect) return corolab::sync_wait(collect(settings));
    return corolab::sync_wait(with_task_dump_on_sigquit(crawl(settings, std::move(resumed))));
  } catch (const std::exception& error) {
    fmt::print(stderr, "corolab-crawl: {}\n", error.what());
    return 1;
  }
}
