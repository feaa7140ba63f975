#include "transfer.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>

#include "curl_multi_bridge.hpp"

namespace corolab::http {

namespace {

long milliseconds(Duration duration) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}

Duration microseconds_info(CURL* easy, CURLINFO info) {
  curl_off_t value = 0;
  curl_easy_getinfo(easy, info, &value);
  return std::chrono::microseconds(value);
}

// 11 for HTTP/1.1, 20 for HTTP/2, 30 for HTTP/3; 0 if no response came.
int http_version_of(CURL* easy) {
  long version = CURL_HTTP_VERSION_NONE;
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
  switch (version) {
    case CURL_HTTP_VERSION_1_0: return 10;
    case CURL_HTTP_VERSION_1_1: return 11;
    case CURL_HTTP_VERSION_2_0: return 20;
    case CURL_HTTP_VERSION_3: return 30;
    default: return 0;
  }
}

// Sorting curl's many error codes into the few a program can act on.
ErrorKind classify(CURLcode code, bool body_too_large) {
  if (body_too_large) return ErrorKind::too_large;
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_TOO_MANY_REDIRECTS: return ErrorKind::bad_url;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return ErrorKind::dns;
    case CURLE_COULDNT_CONNECT: return ErrorKind::connect;
    case CURLE_OPERATION_TIMEDOUT: return ErrorKind::timeout;
    case CURLE_FILESIZE_EXCEEDED: return ErrorKind::too_large;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE: return ErrorKind::tls;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return ErrorKind::reset;
    default: return ErrorKind::other;
  }
}

// `reference` made absolute against `base`, the way curl resolves redirects.
std::optional<std::string> resolve_against(const std::string& base, std::string_view reference) {
  CURLU* url = curl_url();
  std::optional<std::string> absolute;
  const std::string text(reference);
  if (curl_url_set(url, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
      curl_url_set(url, CURLUPART_URL, text.c_str(), 0) == CURLUE_OK) {
    char* result = nullptr;
    if (curl_url_get(url, CURLUPART_URL, &result, 0) == CURLUE_OK) absolute = result;
    curl_free(result);
  }
  curl_url_cleanup(url);
  return absolute;
}

}  // namespace

Transfer::Transfer(CurlMultiBridge& bridge, const ClientOptions& client, std::string url,
                   RequestOptions options, bool head_only)
    : bridge_(bridge), easy_(curl_easy_init()), url_(std::move(url)), options_(std::move(options)) {
  if (easy_ == nullptr) throw std::runtime_error("curl_easy_init failed");
  curl_easy_setopt(easy_, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(easy_, CURLOPT_PRIVATE, this);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_buffer_);
  // No signals: curl must not use SIGALRM for timeouts in a program with an
  // event loop, and must not let SIGPIPE kill us.
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  // Only the web: a redirect to file:// or gopher:// is refused, too.
  curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, options_.follow_redirects ? 1L : 0L);
  curl_easy_setopt(easy_, CURLOPT_MAXREDIRS, options_.max_redirects);
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(options_.connect_timeout));
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, milliseconds(options_.total_timeout));
  if (options_.low_speed_limit > 0) {
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit);
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_TIME, milliseconds(options_.low_speed_time) / 1000);
  }
  // Refuses at once a body whose Content-Length is too large; on_body_data
  // catches the ones that do not announce their size. (A body to truncate
  // is not refused: on_body_data cuts it.)
  if (!options_.truncate_body) {
    curl_easy_setopt(easy_, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options_.max_body_size));
  }
  curl_easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, "");  // every codec this libcurl has
  curl_easy_setopt(easy_, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  // While the first connection to a host is being made, wait for it rather
  // than open more: if it speaks HTTP/2, every request shares it.
  curl_easy_setopt(easy_, CURLOPT_PIPEWAIT, 1L);
  if (!client.ca_file.empty()) curl_easy_setopt(easy_, CURLOPT_CAINFO, client.ca_file.c_str());
  curl_easy_setopt(easy_, CURLOPT_USERAGENT, options_.user_agent.c_str());
  if (head_only) curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
  for (const auto& field : options_.headers) {
    request_headers_ =
        curl_slist_append(request_headers_, (field.name + ": " + field.value).c_str());
  }
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, request_headers_);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &Transfer::on_header_line);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &Transfer::on_body_data);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_CLOSESOCKETFUNCTION, &CurlMultiBridge::close_socket);
  curl_easy_setopt(easy_, CURLOPT_CLOSESOCKETDATA, &bridge_);
}

Transfer::~Transfer() {
  bridge_.remove(*this);  // a no-op unless we are destroyed mid-transfer
  curl_easy_cleanup(easy_);
  curl_slist_free_all(request_headers_);
}

void Transfer::start() { bridge_.add(*this); }

void Transfer::detach() noexcept { bridge_.remove(*this); }

void Transfer::on_done(CURLcode result) noexcept {
  result_ = result;
  collect_info();
  wake();
}

void Transfer::collect_info() {
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  response_.status = static_cast<int>(status);
  char* text = nullptr;
  if (curl_easy_getinfo(easy_, CURLINFO_EFFECTIVE_URL, &text) == CURLE_OK && text)
    response_.effective_url = text;
  text = nullptr;
  if (curl_easy_getinfo(easy_, CURLINFO_REDIRECT_URL, &text) == CURLE_OK && text)
    response_.location = text;
  // curl computes the redirect URL only for a transfer that ran to its end;
  // one whose body was skipped needs its Location made absolute by us.
  const bool is_redirect = response_.status >= 300 && response_.status < 400;
  if (!response_.location && is_redirect) {
    if (auto location = response_.headers.get("Location")) {
      response_.location = resolve_against(response_.effective_url, *location);
    }
  }
  curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &response_.new_connections);
  response_.http_version = http_version_of(easy_);
  response_.timings.name_lookup = microseconds_info(easy_, CURLINFO_NAMELOOKUP_TIME_T);
  response_.timings.connect = microseconds_info(easy_, CURLINFO_CONNECT_TIME_T);
  response_.timings.tls_handshake = microseconds_info(easy_, CURLINFO_APPCONNECT_TIME_T);
  response_.timings.first_byte = microseconds_info(easy_, CURLINFO_STARTTRANSFER_TIME_T);
  response_.timings.total = microseconds_info(easy_, CURLINFO_TOTAL_TIME_T);
}

ClientResponse Transfer::take_response() {
  // A write aborted on purpose (the caller skipped or truncated the body) is a success.
  const bool cut_short = response_.body_skipped || response_.body_truncated;
  const bool on_purpose = cut_short && result_ == CURLE_WRITE_ERROR;
  if (result_ != CURLE_OK && !on_purpose) {
    std::string detail = error_buffer_[0] != '\0' ? error_buffer_ : curl_easy_strerror(result_);
    if (body_too_large_)
      detail = "body larger than " + std::to_string(options_.max_body_size) + " bytes";
    throw HttpError(classify(result_, body_too_large_), url_, detail);
  }
  return std::move(response_);
}

// --- curl's callbacks ------------------------------------------------------

std::size_t Transfer::on_header_line(char* data, std::size_t size, std::size_t count, void* self) {
  const std::size_t length = size * count;
  return static_cast<Transfer*>(self)->header_line({data, length}) ? length : 0;
}

std::size_t Transfer::on_body_data(char* data, std::size_t size, std::size_t count, void* self) {
  const std::size_t length = size * count;
  return static_cast<Transfer*>(self)->body_data({data, length}) ? length : 0;
}

// curl hands us the head line by line: the status line, the fields, a blank
// line. With redirects or "100 Continue" several heads arrive; keep the last.
bool Transfer::header_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    response_.headers.clear();
    headers_done_ = false;
    return true;
  }
  if (!line.empty()) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return true;  // not a field: ignore it
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    response_.headers.add(std::string(line.substr(0, colon)), std::string(value));
    return true;
  }
  // The blank line: the head is complete. Informational (1xx) heads and the
  // heads of redirects curl follows are not the final answer.
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200) return true;
  const bool will_follow = options_.follow_redirects && status >= 300 && status < 400 &&
                           response_.headers.contains("Location");
  if (will_follow) return true;
  headers_done_ = true;
  if (options_.accept_body && !options_.accept_body(static_cast<int>(status), response_.headers)) {
    response_.body_skipped = true;
    return false;  // makes curl stop the transfer here
  }
  return true;
}

bool Transfer::body_data(std::string_view chunk) {
  const bool too_large = response_.body_size + chunk.size() > options_.max_body_size;
  if (too_large && !options_.truncate_body) {
    body_too_large_ = true;
    return false;  // abort now, not after downloading the rest
  }
  if (too_large) chunk = chunk.substr(0, options_.max_body_size - response_.body_size);
  response_.body_size += chunk.size();
  if (options_.on_body_chunk) {
    options_.on_body_chunk(chunk);
  } else {
    response_.body.append(chunk);
  }
  if (too_large) response_.body_truncated = true;
  return !too_large;  // truncated: the rest is not downloaded
}

}  // namespace corolab::http
