#include "transport.hpp"

namespace livechat::server {

std::string HttpRequest::cookie(const std::string& name) const {
  std::string all = header("cookie");
  std::size_t i = 0;
  while (i < all.size()) {
    while (i < all.size() && (all[i] == ' ' || all[i] == ';')) ++i;
    std::size_t eq = all.find('=', i), end = all.find(';', i);
    if (end == std::string::npos) end = all.size();
    if (eq != std::string::npos && eq < end && all.compare(i, eq - i, name) == 0 && eq - i == name.size())
      return all.substr(eq + 1, end - eq - 1);
    i = end + 1;
  }
  return {};
}

}  // namespace livechat::server
