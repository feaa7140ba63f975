// HTTPS on loopback: the client and the crawler against nginx serving the
// demo site over TLS, with a CA made for the test (tls_site.hpp). What is
// proved: a certificate from an unknown CA is a TLS error that says what to
// do, and trusting the CA (ca_file, --cacert) fixes it; HTTP/2 carries many
// requests on one connection; a crawl that starts on http:// follows the
// site's redirect to https:// and crawls it all; robots.txt is obeyed there.
//
// nginx is an outside program with its own clock: these tests run on real
// time (a plain EventLoop), and take a fraction of a second each.
//
// "robots.txt reached through a redirect to https" needs the crawler to
// follow robots.txt's redirects (RFC 9309 2.3.1.2); until it does, the
// http:// site's robots.txt is a 301, read as "disallow all", and it fails.
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "corolab/corolab.hpp"
#include "corolab/crawler/crawler.hpp"
#include "corolab/demo_site/site_graph.hpp"
#include "corolab/demo_site/write_site.hpp"
#include "corolab/http/client.hpp"
#include "crawl_recorder.hpp"
#include "temporary_folder.hpp"
#include "tls_site.hpp"

using corolab::Task;
using corolab::crawler::Crawler;
using corolab::crawler::CrawlOptions;
using corolab::crawler::Outcome;
using corolab::crawler::PageRecord;
using corolab::http::Client;
using corolab::http::ClientOptions;
using corolab::http::ClientResponse;
using corolab::http::ErrorKind;
using corolab::http::HttpError;
namespace site = corolab::demo_site;

namespace {

constexpr std::size_t kPages = 30;

// The demo site's pages as files, their links naming `base_url`; and the
// site's graph, the truth a crawl is held against.
site::SiteGraph write_demo_site(const std::filesystem::path& folder, const std::string& base_url) {
  site::SiteOptions options;
  options.pages = kPages;
  options.base_url = base_url;
  site::write_site(options, folder);
  return site::generate_site_graph(options);
}

Task<ClientResponse> fetch(Client* client, std::string url) {
  ClientResponse response = co_await client->get(std::move(url));
  co_return response;
}

// GETs every URL at once.
Task<std::vector<ClientResponse>> fetch_all(Client* client, std::vector<std::string> urls) {
  std::vector<Task<ClientResponse>> fetches;
  for (const std::string& url : urls) fetches.push_back(client->get(url));
  std::vector<ClientResponse> responses = co_await corolab::when_all(std::move(fetches));
  co_return responses;
}

using Recorder = CrawlRecorder;

Task<std::vector<PageRecord>> crawl(CrawlOptions options) {
  Recorder recorder;
  Crawler crawler(std::move(options), recorder);
  co_await crawler.run();
  co_return std::move(recorder.records);
}

CrawlOptions crawl_options(std::string seed, std::string ca_file) {
  CrawlOptions options;
  options.seeds = {std::move(seed)};
  options.concurrency = 16;
  options.per_host = 8;
  options.timeout = std::chrono::seconds(10);
  options.ca_file = std::move(ca_file);
  return options;
}

const PageRecord* find_record(const std::vector<PageRecord>& records, const std::string& url) {
  for (const PageRecord& record : records) {
    if (record.url == url) return &record;
  }
  return nullptr;
}

// What became of `url`, as records print it; "no record" if none.
std::string outcome_of(const std::vector<PageRecord>& records, const std::string& url) {
  const PageRecord* record = find_record(records, url);
  return record != nullptr ? std::string(to_string(record->outcome)) : "no record";
}

// The URLs the crawl asked for, on the https site.
std::set<std::string> requested_https(const std::vector<PageRecord>& records, const TlsSite& tls) {
  std::set<std::string> urls;
  for (const PageRecord& record : records) {
    const bool requested = record.outcome != Outcome::blocked_by_robots &&
                           record.outcome != Outcome::out_of_scope &&
                           record.outcome != Outcome::limit_reached;
    if (requested && record.url.starts_with(tls.https_url() + "/")) urls.insert(record.url);
  }
  return urls;
}

// Stops the site; the requests its server on `port` answered.
std::vector<ServedRequest> served_on(TlsSite& tls, int port) {
  std::vector<ServedRequest> requests = tls.stop_and_read_log();
  std::erase_if(requests, [&](const ServedRequest& request) { return request.port != port; });
  return requests;
}

std::set<long> connections_of(const std::vector<ServedRequest>& requests) {
  std::set<long> connections;
  for (const ServedRequest& request : requests) connections.insert(request.connection);
  return connections;
}

}  // namespace

TEST_CASE("a certificate from an unknown CA is a TLS error, until the client trusts the CA") {
  TemporaryFolder root("https-root");
  TlsSite tls(root.path);
  write_demo_site(root.path, tls.https_url());
  corolab::EventLoop loop;
  const std::string home = tls.https_url() + "/";

  SECTION("without the CA: ErrorKind::tls, in curl's words") {
    Client client;
    try {
      corolab::sync_wait(fetch(&client, home));
      FAIL("the untrusted certificate was accepted");
    } catch (const HttpError& error) {
      CHECK(error.kind() == ErrorKind::tls);
      const std::string message = error.what();
      CHECK_THAT(message, Catch::Contains("TLS error for " + home));
      CHECK_THAT(message, Catch::Contains(
                              "SSL certificate problem: unable to get local issuer certificate"));
    }
    CHECK(tls.stop_and_read_log().empty());  // no request got through
  }
  SECTION("with the CA (ClientOptions::ca_file): the page, over HTTP/2") {
    Client client(ClientOptions{.ca_file = tls.ca_file().string()});
    const ClientResponse response = corolab::sync_wait(fetch(&client, home));
    CHECK(response.status == 200);
    CHECK_THAT(response.body, Catch::Contains("<html"));
    CHECK(response.http_version == 20);
    const std::vector<ServedRequest> served = tls.stop_and_read_log();
    REQUIRE(served.size() == 1);
    CHECK(served[0].protocol == "HTTP/2.0");
  }
}

// CURLOPT_PIPEWAIT (transfer.cpp): while the first connection is being
// made, the other requests wait for it instead of opening connections of
// their own (up to max_host_connections); once it turns out to speak
// HTTP/2, they all share it. So exactly one connection, not eight.
TEST_CASE("HTTP/2 carries many concurrent requests on one connection") {
  TemporaryFolder root("https-root");
  TlsSite tls(root.path);
  const site::SiteGraph truth = write_demo_site(root.path, tls.https_url());
  std::vector<std::string> urls = truth.sitemap_urls();
  REQUIRE(urls.size() >= kPages);
  corolab::EventLoop loop;
  Client client(ClientOptions{.max_host_connections = 8, .ca_file = tls.ca_file().string()});

  const std::vector<ClientResponse> responses = corolab::sync_wait(fetch_all(&client, urls));
  long new_connections = 0;
  for (const ClientResponse& response : responses) {
    CAPTURE(response.effective_url);
    CHECK(response.status == 200);
    CHECK(response.http_version == 20);
    new_connections += response.new_connections;
  }
  CHECK(new_connections == 1);
  // nginx saw the same: every request, on one connection, in HTTP/2.
  const std::vector<ServedRequest> served = tls.stop_and_read_log();
  CHECK(served.size() == urls.size());
  CHECK(connections_of(served).size() == 1);
  for (const ServedRequest& request : served) CHECK(request.protocol == "HTTP/2.0");
}

TEST_CASE("a crawl that starts on http:// is redirected to https:// and crawls it all") {
  TemporaryFolder root("https-root");
  TlsSite tls(root.path, {.redirect_robots_txt = false});  // http:// has no robots.txt
  const site::SiteGraph truth = write_demo_site(root.path, tls.https_url());
  corolab::EventLoop loop;
  const std::vector<PageRecord> records =
      corolab::sync_wait(crawl(crawl_options(tls.http_url() + "/", tls.ca_file().string())));

  // http://host:A/ -> https://host:B/: the same host, so in scope (the scope
  // is the seeds' host names, whatever the scheme and port).
  CHECK(outcome_of(records, tls.http_url() + "/") == "redirect");
  const PageRecord* seed = find_record(records, tls.http_url() + "/");
  CHECK((seed != nullptr && seed->final_url == tls.https_url() + "/"));
  CHECK(requested_https(records, tls) == truth.polite_crawl());
  for (const PageRecord& record : records) {
    CAPTURE(record.url, record.error);
    const site::Node* node = truth.find(record.url);
    if (node == nullptr) continue;  // the http:// seed
    if (node->outcome == site::Outcome::ok) CHECK(record.outcome == Outcome::fetched);
    // robots.txt, fetched over TLS, is obeyed: /private/ is never asked for.
    if (node->outcome == site::Outcome::disallowed)
      CHECK(record.outcome == Outcome::blocked_by_robots);
  }
  for (const ServedRequest& request : served_on(tls, tls.https_port())) {
    CHECK_FALSE(request.target.starts_with("/private/"));
  }
}

// Concurrency 16 on one host, per-host limit 8: HTTP/2 still needs one
// connection for robots.txt, the sitemap and every page (nginx's log counts).
TEST_CASE("a concurrent crawl over HTTP/2 uses one connection for the whole site") {
  TemporaryFolder root("https-root");
  TlsSite tls(root.path);
  const site::SiteGraph truth = write_demo_site(root.path, tls.https_url());
  corolab::EventLoop loop;
  const std::vector<PageRecord> records =
      corolab::sync_wait(crawl(crawl_options(tls.https_url() + "/", tls.ca_file().string())));

  CHECK(requested_https(records, tls) == truth.polite_crawl());
  const std::vector<ServedRequest> served = served_on(tls, tls.https_port());
  CHECK(served.size() > kPages);  // robots.txt, sitemap.xml, the pages, the tag pages
  CHECK(connections_of(served).size() == 1);
  for (const ServedRequest& request : served) CHECK(request.protocol == "HTTP/2.0");
}

// The http:// site's robots.txt is a 301 to https://, and the rules found
// there are the http:// site's rules (RFC 9309 2.3.1.2: follow at least five
// hops, across hosts and schemes).
TEST_CASE("robots.txt reached through a redirect to https") {
  TemporaryFolder root("https-root");
  TlsSite tls(root.path, {.redirect_robots_txt = true});
  write_demo_site(root.path, tls.https_url());
  corolab::EventLoop loop;
  CrawlOptions options = crawl_options(tls.http_url() + "/", tls.ca_file().string());
  options.seeds.push_back(tls.http_url() + "/private/page-0.html");
  const std::vector<PageRecord> records = corolab::sync_wait(crawl(options));

  CHECK(outcome_of(records, tls.http_url() + "/") == "redirect");  // allowed: on to https
  CHECK(outcome_of(records, tls.http_url() + "/private/page-0.html") ==
        "blocked_by_robots");  // Disallow: /private/
  CHECK(outcome_of(records, tls.https_url() + "/") == "fetched");
  const std::vector<ServedRequest> plain = served_on(tls, tls.http_port());
  CHECK(std::any_of(plain.begin(), plain.end(),
                    [](const ServedRequest& request) { return request.target == "/robots.txt"; }));
}

TEST_CASE("the crawl's record says TLS, and --cacert, until the CA is trusted") {
  TemporaryFolder root("https-root");
  TlsSite tls(root.path);
  const site::SiteGraph truth = write_demo_site(root.path, tls.https_url());
  corolab::EventLoop loop;
  const std::string home = tls.https_url() + "/";

  SECTION("untrusted: the seed is a network error, and its error says what to do") {
    const std::vector<PageRecord> records = corolab::sync_wait(crawl(crawl_options(home, "")));
    REQUIRE(records.size() == 1);
    const PageRecord& seed = records[0];
    CHECK(seed.url == home);
    CHECK(seed.outcome == Outcome::network_error);
    CHECK(seed.status == 0);
    CHECK(seed.error.starts_with("TLS error for " + home));
    CHECK_THAT(seed.error, Catch::Contains("SSL certificate problem"));
    CHECK_THAT(seed.error, Catch::Contains("--cacert"));
    CHECK(tls.stop_and_read_log().empty());  // not even robots.txt got through
  }
  SECTION("trusted: the crawl succeeds") {
    const std::vector<PageRecord> records =
        corolab::sync_wait(crawl(crawl_options(home, tls.ca_file().string())));
    CHECK(outcome_of(records, home) == "fetched");
    CHECK(requested_https(records, tls) == truth.polite_crawl());
  }
}

#ifdef COROLAB_CRAWL_PATH
namespace {

// Runs corolab-crawl; its records go to `records` (JSON lines).
int run_crawl_program(const std::string& arguments, const std::filesystem::path& records) {
  const std::string command = std::string(COROLAB_CRAWL_PATH) + " --quiet -o '" + records.string() +
                              "' " + arguments + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::map<std::string, nlohmann::json> records_by_url(const std::filesystem::path& path) {
  std::map<std::string, nlohmann::json> records;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json record = nlohmann::json::parse(line);
    records[record["url"]] = record;
  }
  return records;
}

}  // namespace

TEST_CASE("corolab-crawl --cacert FILE trusts the site's CA") {
  TemporaryFolder root("https-root");
  TemporaryFolder out("https-out");
  TlsSite tls(root.path);
  const site::SiteGraph truth = write_demo_site(root.path, tls.https_url());
  const std::string home = tls.https_url() + "/";
  const std::filesystem::path records = out.path / "crawl.jsonl";

  run_crawl_program(home, records);
  const nlohmann::json untrusted = records_by_url(records).at(home);
  CHECK(untrusted["outcome"] == "network_error");
  CHECK_THAT(untrusted["error"].get<std::string>(), Catch::Contains("SSL certificate problem"));
  CHECK_THAT(untrusted["error"].get<std::string>(), Catch::Contains("--cacert"));

  CHECK(run_crawl_program("--cacert '" + tls.ca_file().string() + "' " + home, records) == 0);
  const std::map<std::string, nlohmann::json> trusted = records_by_url(records);
  for (const std::string& url : truth.polite_crawl()) {
    CAPTURE(url);
    REQUIRE(trusted.contains(url));
    CHECK(trusted.at(url)["outcome"] == "fetched");
  }

  CHECK(run_crawl_program("--cacert /no/such/ca.pem " + home, records) == 2);  // usage error
}
#endif
