#include "references.hpp"

#include <vector>

namespace corolab::demo_site {

namespace {

// "/a/b/" -> {"a", "b"}; "/" -> {}
std::vector<std::string_view> folders_of(std::string_view directory) {
  std::vector<std::string_view> folders;
  std::size_t start = 1;
  while (start < directory.size()) {
    const std::size_t slash = directory.find('/', start);
    folders.push_back(directory.substr(start, slash - start));
    start = slash + 1;
  }
  return folders;
}

}  // namespace

std::string directory_of(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));  // a query may hold '/' too
  return std::string(path.substr(0, path.rfind('/') + 1));
}

std::string relative_reference(std::string_view from_directory, std::string_view to_target) {
  const std::string to_directory = directory_of(to_target);
  const std::string_view last_segment =
      to_target.substr(to_directory.size());  // "page.html", "tags?x=1", ""
  const std::vector<std::string_view> from = folders_of(from_directory);
  const std::vector<std::string_view> to = folders_of(to_directory);

  std::size_t shared = 0;
  while (shared < from.size() && shared < to.size() && from[shared] == to[shared]) ++shared;

  std::string reference;
  for (std::size_t i = shared; i < from.size(); ++i)
    reference += "../";                               // up to the shared folder...
  for (std::size_t i = shared; i < to.size(); ++i) {  // ...then down to the target's
    reference += to[i];
    reference += '/';
  }
  reference += last_segment;
  return reference.empty() ? "./" : reference;  // an empty href would name the page itself
}

std::string write_reference(HrefForm form, std::string_view base_url,
                            std::string_view from_directory, std::string_view target) {
  switch (form) {
    case HrefForm::relative: return relative_reference(from_directory, target);
    case HrefForm::root_relative: return std::string(target);
    case HrefForm::absolute: break;
  }
  return std::string(base_url) + std::string(target);
}

}  // namespace corolab::demo_site
