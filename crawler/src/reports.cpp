#include "corolab/crawler/reports.hpp"

#include <fmt/core.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "corolab/text.hpp"

namespace corolab::crawler {

namespace {

double milliseconds(Duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

const char* colour_of(Outcome outcome) {
  switch (outcome) {
    case Outcome::fetched: return "palegreen";
    case Outcome::redirect: return "lightblue";
    case Outcome::http_error:
    case Outcome::network_error:
    case Outcome::too_large: return "salmon";
    case Outcome::blocked_by_robots: return "gold";
    default: return "lightgrey";
  }
}

}  // namespace

void JsonLinesWriter::on_page(const PageRecord& record) {
  nlohmann::json line = {
      {"url", record.url},           {"final_url", record.final_url},
      {"status", record.status},     {"content_type", record.content_type},
      {"depth", record.depth},       {"parent", record.parent},
      {"bytes", record.bytes},       {"time_ms", milliseconds(record.time)},
      {"error", record.error},       {"outcome", to_string(record.outcome)},
      {"links", record.links_found},
  };
  line["noindex"] = record.noindex;
  line["canonical"] = record.canonical;
  // Invalid UTF-8 in a URL or error text is replaced, never a crash.
  out_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n' << std::flush;
}

CsvWriter::CsvWriter(std::ostream& out, bool write_header) : out_(out) {
  if (write_header)
    out_ << "url,final_url,status,content_type,depth,parent,bytes,time_ms,error,outcome,links,"
            "noindex,canonical\n";
}

void CsvWriter::on_page(const PageRecord& record) {
  out_ << csv_field(record.url) << ',' << csv_field(record.final_url) << ',' << record.status << ','
       << csv_field(record.content_type) << ',' << record.depth << ',' << csv_field(record.parent)
       << ',' << record.bytes << ',' << milliseconds(record.time) << ',' << csv_field(record.error)
       << ',' << to_string(record.outcome) << ',' << record.links_found << ','
       << (record.noindex ? "true" : "false") << ',' << csv_field(record.canonical) << '\n'
       << std::flush;
}

void CrawlCollector::on_page(const PageRecord& record) {
  outcomes_[record.url] = record.outcome;
  if (record.outcome == Outcome::fetched && !record.noindex) pages_.push_back(record.url);
  const bool broken =
      record.outcome == Outcome::http_error || record.outcome == Outcome::network_error;
  if (broken) {
    broken_.push_back(record.url);
    failures_[record.url] = record.status != 0 ? std::to_string(record.status) : record.error;
  }
}

void CrawlCollector::on_link(const std::string& from, const std::string& to) {
  if (keep_links_) edges_.emplace(from, to);
}

void CrawlCollector::write_dot(std::ostream& out) const {
  out << "digraph crawl {\n  rankdir=LR;\n  node [shape=box, style=filled, fontsize=9];\n";
  for (const auto& [url, outcome] : outcomes_) {
    out << "  \"" << text::escape_markup(url) << "\" [fillcolor=" << colour_of(outcome)
        << ", tooltip=\"" << to_string(outcome) << "\"];\n";
  }
  for (const auto& [from, to] : edges_) {
    if (outcomes_.count(to) == 0) continue;  // duplicates of pages outside the crawl
    out << "  \"" << text::escape_markup(from) << "\" -> \"" << text::escape_markup(to) << "\";\n";
  }
  out << "}\n";
}

void CrawlCollector::write_sitemap(std::ostream& out) const {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const std::string& page : pages_)
    out << "  <url><loc>" << text::escape_markup(page) << "</loc></url>\n";
  out << "</urlset>\n";
}

void CrawlCollector::write_broken_links(std::ostream& out) const {
  for (const std::string& url : broken_) {
    out << url << "  (" << failures_.at(url) << ")\n";
    for (const auto& [from, to] : edges_) {
      if (to == url) out << "    linked from " << from << '\n';
    }
  }
}

void print_summary(std::FILE* out, const CrawlSummary& summary) {
  const double seconds = std::chrono::duration<double>(summary.elapsed).count();
  fmt::print(
      out,
      "{} URLs in {:.2f} s ({:.1f} pages/s), {} requests, {:.1f} MiB, at most {} in flight{}\n",
      summary.urls, seconds, seconds > 0 ? summary.count(Outcome::fetched) / seconds : 0.0,
      summary.requests, static_cast<double>(summary.bytes) / (1024.0 * 1024.0),
      summary.max_in_flight, summary.interrupted ? " (interrupted)" : "");
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    if (summary.outcomes[i] == 0) continue;
    fmt::print(
        out, "  {:<18} {:>7}{}\n", to_string(static_cast<Outcome>(i)), summary.outcomes[i],
        static_cast<Outcome>(i) == Outcome::duplicate ? "  (links to URLs already seen)" : "");
  }
}

}  // namespace corolab::crawler
