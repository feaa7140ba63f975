#pragma once
// Where a crawl's results go: each writer is a CrawlSink that sees every
// URL's record (and every link) as it happens, so an interrupted crawl still
// leaves complete, valid files behind.

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corolab/crawler/crawler.hpp"
#include "corolab/crawler/outcome.hpp"

namespace corolab::crawler {

// A record as one JSON object, on one line (no newline at its end).
std::string json_line(const PageRecord& record);
// And back: nullopt for a line that is not such a record.
std::optional<PageRecord> record_from_json(std::string_view line);

// One JSON object per line (JSON Lines), flushed line by line.
class JsonLinesWriter final : public CrawlSink {
 public:
  explicit JsonLinesWriter(std::ostream& out) : out_(out) {}
  void on_page(const PageRecord& record) override;

 private:
  std::ostream& out_;
};

// The same fields as CSV, with a header row (RFC 4180 quoting).
class CsvWriter final : public CrawlSink {
 public:
  explicit CsvWriter(std::ostream& out, bool write_header = true);
  void on_page(const PageRecord& record) override;

 private:
  std::ostream& out_;
};

// A broken link: its URL answered with an error, or not at all.
inline bool is_broken(Outcome outcome) noexcept {
  return outcome == Outcome::http_error || outcome == Outcome::network_error;
}

// What the reports know of one URL.
struct ReportedUrl {
  std::string url;
  Outcome outcome = Outcome::fetched;
  int status = 0;      // 0 when no response arrived
  std::string parent;  // the page where the crawl found it ("" for seeds)
  std::string error;
  bool noindex = false;  // the page asked not to be indexed: not in the sitemap
};

// Everything a collector has seen: the journal carries it over a resume,
// so the reports of a resumed crawl describe the whole crawl.
struct CollectedReports {
  std::vector<ReportedUrl> urls;                           // by URL
  std::vector<std::pair<std::string, std::string>> links;  // only if links_kept
  bool links_kept = false;
};

// Remembers what the report files need; written once the crawl ends.
class CrawlCollector final : public CrawlSink {
 public:
  // The link graph (every link between two pages) is what grows fastest, ten
  // times the pages: without `keep_links` it is not kept, and write_dot and
  // write_broken_links have no edges to write.
  explicit CrawlCollector(bool keep_links = true) : keep_links_(keep_links) {}

  void on_page(const PageRecord& record) override;
  void on_link(const std::string& from, const std::string& to) override;

  // The link graph in Graphviz DOT (link_graph.hpp says how it is drawn).
  void write_dot(std::ostream& out) const;
  // A sitemaps.org <urlset> of the HTML pages fetched, by URL, but those that said
  // noindex.
  void write_sitemap(std::ostream& out) const;
  // Broken links: each failing URL with the pages that link to it.
  void write_broken_links(std::ostream& out) const;
  std::size_t broken_link_count() const noexcept { return broken_count_; }
  std::size_t url_count() const noexcept { return urls_.size(); }

  // For --resume: what was collected so far, and taking it back.
  CollectedReports collected() const;
  void restore(const CollectedReports& collected);
  bool keeps_links() const noexcept { return keep_links_; }

 private:
  void add(ReportedUrl url);

  std::map<std::string, ReportedUrl> urls_;  // url -> what became of it
  bool keep_links_;
  std::set<std::pair<std::string, std::string>> edges_;
  std::size_t broken_count_ = 0;
};

// Sends each record to several sinks.
class FanOut final : public CrawlSink {
 public:
  void add(CrawlSink& sink) { sinks_.push_back(&sink); }
  void on_page(const PageRecord& record) override {
    for (CrawlSink* sink : sinks_) sink->on_page(record);
  }
  void on_link(const std::string& from, const std::string& to) override {
    for (CrawlSink* sink : sinks_) sink->on_link(from, to);
  }

 private:
  std::vector<CrawlSink*> sinks_;
};

// The summary printed at the end: pages, outcomes by kind, bytes, rate.
void print_summary(std::FILE* out, const CrawlSummary& summary);
// A shared crawl's, from its records: the time is since its first process joined;
// requests and concurrency, which each worker counts for itself, are left
// out, and so are duplicates.
void print_shared_summary(std::FILE* out, const CrawlSummary& summary);

}  // namespace corolab::crawler
