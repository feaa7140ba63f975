#pragma once
// The link graph as Graphviz DOT, drawn to be looked at: a map of the site.
//
// Pages are small boxes coloured by outcome, in boxes per folder (per host,
// then up to two directory levels), so the site's structure shows. The
// layout is osage's, which packs those boxes: a 3,000-page crawl draws in a
// fifth of a second (dot's layered layout of every link took over four
// minutes; sfdp's took three seconds for a hairball that shows no folders).
// Every link cannot be drawn readably, so only those worth a look are:
// links to broken pages (red) and redirects (blue); the legend counts the
// rest. Links out of scope become one node per outside host, sized by how
// many links go there. In SVG, hover a page for its URL and outcome, click it
// to open it: `dot -Tsvg site.dot -o site.svg` (the file names its layout).

#include <map>
#include <ostream>
#include <set>
#include <string>
#include <utility>

#include "corolab/crawler/reports.hpp"

namespace corolab::crawler {

// `urls`: what became of each URL; `links`: from -> to, as found.
void write_link_graph(std::ostream& out, const std::map<std::string, ReportedUrl>& urls,
                      const std::set<std::pair<std::string, std::string>>& links);

}  // namespace corolab::crawler
