#include "images.hpp"

#include <GLES3/gl3.h>

#include <cstdio>
#include <map>

#include "platform.hpp"

namespace agent::images {

namespace {
constexpr std::size_t kMaxImages = 200;  // textures kept for the page's lifetime
std::map<std::string, Image> g_images;
Image g_too_many{Image::State::failed, 0, 0, 0, "too many images on this page"};
}  // namespace

const Image& get(const std::string& url) {
  if (auto it = g_images.find(url); it != g_images.end()) return it->second;
  if (g_images.size() >= kMaxImages) return g_too_many;
  Image& image = g_images[url];
  glGenTextures(1, &image.texture);
  platform::load_image(url, image.texture);
  return image;
}

void on_report(const std::string& url, int status, const std::string& body) {
  auto it = g_images.find(url);
  if (it == g_images.end()) return;
  Image& image = it->second;
  if (status == 1 && std::sscanf(body.c_str(), "%d %d", &image.width, &image.height) == 2 && image.width > 0 &&
      image.height > 0) {
    image.state = Image::State::ready;
    return;
  }
  image.state = Image::State::failed;
  image.error = body.empty() ? "could not be loaded" : body;
  glDeleteTextures(1, &image.texture);
  image.texture = 0;
}

nlohmann::json debug_json() {
  nlohmann::json a = nlohmann::json::array();
  const char* names[] = {"loading", "ready", "failed"};
  for (const auto& [url, image] : g_images)
    a.push_back({{"url", url},
                 {"state", names[static_cast<int>(image.state)]},
                 {"width", image.width},
                 {"height", image.height},
                 {"error", image.error}});
  return a;
}

}  // namespace agent::images
