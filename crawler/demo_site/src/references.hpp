#pragma once
// Writing a link's target the way real pages do: relative ("../topic-2/page-9.html"),
// root-relative ("/section-1/topic-2/page-9.html") or absolute ("http://host:port/...").

#include <string>
#include <string_view>

namespace corolab::demo_site {

enum class HrefForm { relative, root_relative, absolute };
inline constexpr int kHrefFormCount = 3;

// The folder a target lives in: "/a/b/page.html" -> "/a/b/", "/tags?x=1" -> "/".
std::string directory_of(std::string_view target);

// `to_target` relative to a page whose links resolve against `from_directory`
// ("/a/b/"): "page.html", "../c/page.html", "tags?x=1". Never empty ("./").
std::string relative_reference(std::string_view from_directory, std::string_view to_target);

// `target` written in `form`, for a page whose links resolve against `from_directory`.
std::string write_reference(HrefForm form, std::string_view base_url,
                            std::string_view from_directory, std::string_view target);

}  // namespace corolab::demo_site
