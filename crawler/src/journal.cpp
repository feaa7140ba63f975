#include "corolab/crawler/journal.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

namespace corolab::crawler {

namespace {

// Version 2 added the options, the budget spent, the reports and `finished`.
constexpr int kJournalVersion = 2;

using Json = nlohmann::json;
using Seconds = std::chrono::duration<double>;

Json reports_to_json(const CollectedReports& reports) {
  Json urls = Json::array();
  for (const ReportedUrl& url : reports.urls) {
    urls.push_back(
        {url.url, to_string(url.outcome), url.status, url.parent, url.error, url.noindex});
  }
  return {{"urls", urls}, {"links", reports.links}, {"links_kept", reports.links_kept}};
}

Outcome outcome_named_or_throw(const std::string& name) {
  if (std::optional<Outcome> outcome = outcome_named(name)) return *outcome;
  throw std::runtime_error("unknown outcome " + name);
}

CollectedReports reports_from_json(const Json& json) {
  CollectedReports reports;
  for (const Json& url : json.at("urls")) {
    reports.urls.push_back({.url = url.at(0).get<std::string>(),
                            .outcome = outcome_named_or_throw(url.at(1).get<std::string>()),
                            .status = url.at(2).get<int>(),
                            .parent = url.at(3).get<std::string>(),
                            .error = url.at(4).get<std::string>(),
                            .noindex = url.at(5).get<bool>()});
  }
  reports.links = json.at("links").get<std::vector<std::pair<std::string, std::string>>>();
  reports.links_kept = json.at("links_kept").get<bool>();
  return reports;
}

QueuedUrl queued_from_json(const Json& item, const std::string& path) {
  QueuedUrl url;
  url.url = item.at("url").get<std::string>();
  std::optional<UrlParts> parts = split_url(url.url);  // parsed once, here
  if (!parts) throw std::runtime_error("the journal " + path + " has a bad URL: " + url.url);
  url.parts = std::move(*parts);
  url.depth = item.at("depth").get<int>();
  url.parent = item.at("parent").get<std::string>();
  return url;
}

}  // namespace

void write_journal(const std::string& path, const Journal& journal) {
  Json frontier = Json::array();
  for (const QueuedUrl& item : journal.frontier) {
    frontier.push_back({{"url", item.url}, {"depth", item.depth}, {"parent", item.parent}});
  }
  const Json document = {
      {"version", kJournalVersion},
      {"options", journal.options},
      {"finished", journal.finished},
      {"seen", journal.seen},
      {"frontier", frontier},
      {"pages_requested", journal.pages_requested},
      {"elapsed_seconds", Seconds(journal.elapsed).count()},
      {"reports", reports_to_json(journal.reports)},
  };
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << document.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write the journal " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename the journal into place: " + path);
  }
}

void mark_journal_finished(const std::string& path, const CommandLineOptions& options) {
  if (path.empty() || !std::filesystem::exists(path)) return;
  Journal finished;
  finished.options = options;
  finished.finished = true;
  write_journal(path, finished);
}

Journal read_journal(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open the journal " + path);
  try {
    const Json document = Json::parse(in);
    if (document.at("version").get<int>() != kJournalVersion) {
      throw std::runtime_error("the journal " + path +
                               " was written by another version of corolab-crawl");
    }
    Journal journal;
    journal.options = document.at("options").get<CommandLineOptions>();
    journal.finished = document.at("finished").get<bool>();
    journal.seen = document.at("seen").get<std::vector<std::uint64_t>>();
    for (const Json& item : document.at("frontier"))
      journal.frontier.push_back(queued_from_json(item, path));
    journal.pages_requested = document.at("pages_requested").get<std::size_t>();
    journal.elapsed =
        std::chrono::duration_cast<Duration>(Seconds(document.at("elapsed_seconds").get<double>()));
    journal.reports = reports_from_json(document.at("reports"));
    return journal;
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error("the journal " + path + " is damaged: " + error.what());
  }
}

}  // namespace corolab::crawler
