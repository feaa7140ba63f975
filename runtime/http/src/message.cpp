#include "corolab/http/message.hpp"

#include <utility>

#include "optional_whitespace.hpp"

namespace corolab::http {

namespace {

// Connection is a comma-separated list of options ("keep-alive, Upgrade"),
// possibly spread over several fields (RFC 9110 7.6.1).
bool has_connection_option(const Headers& headers, std::string_view option) noexcept {
  for (const Headers::Field& field : headers) {
    if (!iequals(field.name, "Connection")) continue;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      if (iequals(trim_optional_whitespace(rest.substr(0, comma)), option)) return true;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return false;
}

}  // namespace

bool Request::wants_keep_alive() const noexcept {
  if (has_connection_option(headers, "close")) return false;
  if (version_minor >= 1) return true;  // persistent by default since HTTP/1.1
  return has_connection_option(headers, "keep-alive");
}

bool Response::closes_connection() const noexcept {
  return has_connection_option(headers, "close");
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

}  // namespace corolab::http
