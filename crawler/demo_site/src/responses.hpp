#pragma once
// Small constructors for the responses the site sends.

#include <string>
#include <string_view>

#include "corolab/http/message.hpp"

namespace corolab::demo_site {

http::Response html_response(int status, std::string body);
http::Response text_response(int status, std::string body);
http::Response redirect_response(int status, std::string location);
http::Response not_found_response(std::string_view target);  // an HTML page with no links

}  // namespace corolab::demo_site
