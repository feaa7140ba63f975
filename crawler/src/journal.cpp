#include "corolab/crawler/journal.hpp"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

namespace corolab::crawler {

void write_journal(const std::string& path, const Journal& journal) {
  nlohmann::json frontier = nlohmann::json::array();
  for (const QueuedUrl& item : journal.frontier) {
    frontier.push_back({{"url", item.url}, {"depth", item.depth}, {"parent", item.parent}});
  }
  const nlohmann::json document = {
      {"version", 1}, {"seeds", journal.seeds}, {"seen", journal.seen}, {"frontier", frontier}};
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write the journal " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot rename the journal into place: " + path);
  }
}

Journal read_journal(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open the journal " + path);
  try {
    const nlohmann::json document = nlohmann::json::parse(in);
    if (document.at("version").get<int>() != 1) throw std::runtime_error("unknown journal version");
    Journal journal;
    journal.seeds = document.at("seeds").get<std::vector<std::string>>();
    journal.seen = document.at("seen").get<std::vector<std::uint64_t>>();
    for (const auto& item : document.at("frontier")) {
      QueuedUrl url;
      url.url = item.at("url").get<std::string>();
      std::optional<UrlParts> parts = split_url(url.url);  // parsed once, here
      if (!parts) throw std::runtime_error("the journal " + path + " has a bad URL: " + url.url);
      url.parts = std::move(*parts);
      url.depth = item.at("depth").get<int>();
      url.parent = item.at("parent").get<std::string>();
      journal.frontier.push_back(std::move(url));
    }
    return journal;
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error("the journal " + path + " is damaged: " + error.what());
  }
}

}  // namespace corolab::crawler
