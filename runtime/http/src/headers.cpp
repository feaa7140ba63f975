#include "corolab/http/headers.hpp"

#include <algorithm>

namespace corolab::http {

namespace {
char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& field) { return iequals(field.name, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const noexcept {
  for (const Field& field : fields_) {
    if (iequals(field.name, name)) return field.value;
  }
  return std::nullopt;
}

}  // namespace corolab::http
