#include "corolab/crawler/reports.hpp"

#include <fmt/core.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "corolab/crawler/link_graph.hpp"
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

}  // namespace

std::string json_line(const PageRecord& record) {
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
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// json_line's inverse: each field, or its default where it is missing.
std::optional<PageRecord> record_from_json(std::string_view line) {
  const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  try {
    PageRecord record;
    record.url = json.value("url", "");
    record.final_url = json.value("final_url", "");
    record.status = json.value("status", 0);
    record.content_type = json.value("content_type", "");
    record.depth = json.value("depth", 0);
    record.parent = json.value("parent", "");
    record.bytes = json.value("bytes", std::size_t{0});
    record.time = std::chrono::duration_cast<Duration>(
        std::chrono::duration<double, std::milli>(json.value("time_ms", 0.0)));
    record.error = json.value("error", "");
    record.links_found = json.value("links", std::size_t{0});
    record.noindex = json.value("noindex", false);
    record.canonical = json.value("canonical", "");
    const std::optional<Outcome> outcome = outcome_named(json.value("outcome", ""));
    if (record.url.empty() || !outcome) return std::nullopt;
    record.outcome = *outcome;
    return record;
  } catch (const nlohmann::json::exception&) {  // a field of the wrong type
    return std::nullopt;
  }
}

void JsonLinesWriter::on_page(const PageRecord& record) {
  out_ << json_line(record) << '\n' << std::flush;
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
  add({.url = record.url,
       .outcome = record.outcome,
       .status = record.status,
       .parent = record.parent,
       .error = record.error,
       .noindex = record.noindex});
}

// A URL has one outcome; seen again (a resume's restore), the last one counts.
void CrawlCollector::add(ReportedUrl url) {
  auto [entry, added] = urls_.try_emplace(url.url);
  if (!added && is_broken(entry->second.outcome)) --broken_count_;
  if (is_broken(url.outcome)) ++broken_count_;
  entry->second = std::move(url);
}

void CrawlCollector::on_link(const std::string& from, const std::string& to) {
  if (keep_links_) edges_.emplace(from, to);
}

void CrawlCollector::write_dot(std::ostream& out) const { write_link_graph(out, urls_, edges_); }

void CrawlCollector::write_sitemap(std::ostream& out) const {
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const auto& [key, url] : urls_) {
    if (url.outcome == Outcome::fetched && !url.noindex)
      out << "  <url><loc>" << text::escape_markup(key) << "</loc></url>\n";
  }
  out << "</urlset>\n";
}

void CrawlCollector::write_broken_links(std::ostream& out) const {
  for (const auto& [key, url] : urls_) {
    if (!is_broken(url.outcome)) continue;
    out << key << "  (" << (url.status != 0 ? std::to_string(url.status) : url.error) << ")\n";
    for (const auto& [from, to] : edges_) {
      if (to == key) out << "    linked from " << from << '\n';
    }
  }
}

CollectedReports CrawlCollector::collected() const {
  CollectedReports collected;
  collected.links_kept = keep_links_;
  collected.urls.reserve(urls_.size());
  for (const auto& [key, url] : urls_) collected.urls.push_back(url);
  collected.links.assign(edges_.begin(), edges_.end());
  return collected;
}

void CrawlCollector::restore(const CollectedReports& collected) {
  for (const ReportedUrl& url : collected.urls) add(url);
  if (keep_links_) edges_.insert(collected.links.begin(), collected.links.end());
}

namespace {

void print_outcomes(std::FILE* out, const CrawlSummary& summary) {
  for (std::size_t i = 0; i < kOutcomeCount; ++i) {
    if (summary.outcomes[i] == 0) continue;
    fmt::print(
        out, "  {:<18} {:>7}{}\n", to_string(static_cast<Outcome>(i)), summary.outcomes[i],
        static_cast<Outcome>(i) == Outcome::duplicate ? "  (links to URLs already seen)" : "");
  }
}

double pages_per_second(const CrawlSummary& summary) {
  const double seconds = std::chrono::duration<double>(summary.elapsed).count();
  return seconds > 0 ? static_cast<double>(summary.count(Outcome::fetched)) / seconds : 0.0;
}

double mebibytes(std::size_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

}  // namespace

void print_summary(std::FILE* out, const CrawlSummary& summary) {
  fmt::print(
      out,
      "{} URLs in {:.2f} s ({:.1f} pages/s), {} requests, {:.1f} MiB, at most {} in flight{}\n",
      summary.urls, std::chrono::duration<double>(summary.elapsed).count(),
      pages_per_second(summary), summary.requests, mebibytes(summary.bytes), summary.max_in_flight,
      summary.interrupted ? " (interrupted)" : "");
  print_outcomes(out, summary);
}

void print_shared_summary(std::FILE* out, const CrawlSummary& summary) {
  fmt::print(out, "the whole shared crawl: {} URLs in {:.2f} s ({:.1f} pages/s), {:.1f} MiB\n",
             summary.urls, std::chrono::duration<double>(summary.elapsed).count(),
             pages_per_second(summary), mebibytes(summary.bytes));
  print_outcomes(out, summary);
}

}  // namespace corolab::crawler
