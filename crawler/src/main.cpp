// corolab-crawl: a concurrent web crawler on the corolab runtime.
//
//   corolab-crawl http://127.0.0.1:8080/ --concurrency 32 --graph site.dot
//
// Maps a site, reports what happened to every URL it found (one JSON line
// each), and lists broken links. Ctrl-C stops cleanly and leaves a journal
// that --resume continues from. Exit codes: 0 success, 1 finished with
// errors (broken links), 2 usage error, 130 interrupted.

#include <fmt/core.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <fstream>
#include <memory>

#include "corolab/crawler/crawler.hpp"
#include "corolab/crawler/journal.hpp"
#include "corolab/crawler/progress.hpp"
#include "corolab/crawler/reports.hpp"
#include "corolab/signals.hpp"
#include "corolab/sync_wait.hpp"
#include "corolab/task_group.hpp"
#include "demo.hpp"

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
  std::string scope = "host";
  std::vector<std::string> include, exclude;
  double delay_seconds = 0, max_time_seconds = 0, timeout_seconds = 20;
  double robots_max_age_seconds = 24 * 60 * 60;
  bool ignore_robots = false, ignore_nofollow = false;
  bool quiet = false;
  bool demo = false;
  crawler::DemoOptions demo_options;
};

void define_options(CLI::App& app, Settings& s) {
  app.add_option("urls", s.crawl.seeds, "Where to start (http or https URLs)");
  app.add_option("-c,--concurrency", s.crawl.concurrency, "Requests in flight at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--per-host", s.crawl.per_host, "Requests in flight per host at most")
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
  app.add_option("--graph", s.graph, "Write the link graph here (Graphviz DOT)");
  app.add_option("--sitemap", s.sitemap,
                 "Write a sitemap.xml of the pages found here (not those marked noindex)");
  app.add_option("--broken-links", s.broken_links, "Write the broken links report here");
  app.add_option("--journal", s.journal, "Where an interrupted crawl leaves its journal")
      ->capture_default_str();
  app.add_option("--resume", s.resume, "Continue the crawl recorded in this journal");
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
  app.footer(
      "robots.txt, as RFC 9309 says: a 4xx answer means no rules; 5xx, network errors and "
      "429 (a 4xx, but a server error to Google's crawlers, and to this one) disallow the "
      "whole host; up to 5 redirects are followed, to any host (more: no rules); the first "
      "500 KiB are read; it is fetched again after --robots-max-age. Crawl-delay is obeyed, "
      "though RFC 9309 does not define it.\n"
      "A page's own directives (meta robots, X-Robots-Tag, rel=nofollow): links marked "
      "nofollow are not followed and their URLs end as outcome 'nofollow'; noindex pages "
      "are crawled, marked in the records, and left out of --sitemap.");
}

// Turns the command line's plain values into crawl options. Throws
// std::invalid_argument for what CLI11 could not check.
void finish_settings(Settings& s) {
  using seconds = std::chrono::duration<double>;
  s.crawl.delay = std::chrono::duration_cast<corolab::Duration>(seconds(s.delay_seconds));
  s.crawl.max_time = std::chrono::duration_cast<corolab::Duration>(seconds(s.max_time_seconds));
  s.crawl.timeout = std::chrono::duration_cast<corolab::Duration>(seconds(s.timeout_seconds));
  s.crawl.obey_robots = !s.ignore_robots;
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
  if (!s.demo && s.crawl.seeds.empty() && s.resume.empty()) {
    throw std::invalid_argument(
        "give at least one URL to start from (or --resume JOURNAL, or --demo)");
  }
  for (const std::string& seed : s.crawl.seeds) {
    if (!crawler::normalize_url(seed))
      throw std::invalid_argument("not an http or https URL: '" + seed + "'");
  }
}

// The output files. Records are written as they happen, so an interrupted
// crawl leaves valid files; when resuming, records are appended.
class Outputs {
 public:
  // The link graph is kept only for the reports that need it: memory then
  // grows with the pages, not with the links.
  explicit Outputs(const Settings& s)
      : settings_(s), collector_(!s.graph.empty() || !s.broken_links.empty()) {
    const auto mode = s.resume.empty() ? std::ios::trunc : std::ios::app;
    std::ostream* records = &std::cout;
    if (s.output != "-") {
      file_.open(s.output, std::ios::out | mode);
      if (!file_) throw std::runtime_error("cannot write " + s.output);
      records = &file_;
    }
    if (s.format == "csv") {
      writer_ = std::make_unique<crawler::CsvWriter>(*records, s.resume.empty());
    } else {
      writer_ = std::make_unique<crawler::JsonLinesWriter>(*records);
    }
    sinks_.add(*writer_);
    sinks_.add(collector_);
  }

  crawler::CrawlSink& sink() { return sinks_; }

  void write_reports() const {
    write_file(settings_.graph, [&](std::ostream& out) { collector_.write_dot(out); });
    write_file(settings_.sitemap, [&](std::ostream& out) { collector_.write_sitemap(out); });
    write_file(settings_.broken_links,
               [&](std::ostream& out) { collector_.write_broken_links(out); });
  }
  std::size_t broken_links() const { return collector_.broken_link_count(); }

 private:
  template <typename Write>
  static void write_file(const std::string& path, Write write) {
    if (path.empty()) return;
    std::ofstream out(path, std::ios::trunc);
    write(out);
    if (!out) throw std::runtime_error("cannot write " + path);
  }

  const Settings& settings_;
  std::ofstream file_;
  std::unique_ptr<crawler::CrawlSink> writer_;
  crawler::CrawlCollector collector_;
  crawler::FanOut sinks_;
};

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

Task<int> crawl(Settings settings) {
  // #region resume
  crawler::Journal resumed;
  if (!settings.resume.empty()) {
    resumed = crawler::read_journal(settings.resume);
    if (settings.crawl.seeds.empty()) settings.crawl.seeds = resumed.seeds;
  }
  Outputs outputs(settings);
  crawler::Crawler site_crawler(settings.crawl, outputs.sink());
  if (!settings.resume.empty()) site_crawler.restore(resumed.seen, resumed.frontier);
  // #endregion resume

  corolab::TaskGroup helpers;
  if (!settings.quiet)
    helpers.spawn(crawler::show_progress(&site_crawler, "crawl", stderr), "progress");
  helpers.spawn(stop_on_signals(&site_crawler), "signals");
  crawler::CrawlSummary summary = co_await site_crawler.run();
  helpers.cancel();
  co_await helpers.join();

  outputs.write_reports();
  if (!settings.quiet) crawler::print_summary(stderr, summary);
  // #region journal
  if (summary.interrupted) {
    crawler::write_journal(settings.journal, {settings.crawl.seeds, site_crawler.seen_hashes(),
                                              site_crawler.remaining()});
    fmt::print(stderr, "interrupted: {} URLs left; continue with: --resume {}\n",
               site_crawler.remaining().size(), settings.journal);
    co_return 130;
  }
  // #endregion journal
  if (!settings.quiet && outputs.broken_links() > 0) {
    fmt::print(stderr, "{} broken links{}\n", outputs.broken_links(),
               settings.broken_links.empty() ? " (--broken-links FILE lists them)"
                                             : ": see " + settings.broken_links);
  }
  co_return outputs.broken_links() > 0 ? 1 : 0;
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
  try {
    app.parse(argc, argv);
    finish_settings(settings);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);  // prints help, or the error
    return code == 0 ? 0 : 2;
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "corolab-crawl: {}\nRun with --help for more information.\n", error.what());
    return 2;
  }
  raise_file_limit();
  try {
    if (settings.demo) return corolab::sync_wait(crawler::run_demo(settings.demo_options));
    return corolab::sync_wait(crawl(settings));
  } catch (const std::exception& error) {
    fmt::print(stderr, "corolab-crawl: {}\n", error.what());
    return 1;
  }
}
