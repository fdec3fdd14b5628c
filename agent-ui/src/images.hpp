// Inline images of rich text (bot, online/offline and agent messages): downloaded by the browser
// (fetch, CORS), decoded (createImageBitmap) straight into a WebGL texture, then drawn by ImGui,
// scaled to fit. Only URLs the core's safe_url accepts for images reach here (http and https;
// javascript: and data: never do). A cross-origin image without CORS headers cannot be used by
// WebGL, so it fails like a missing one: the view then shows a placeholder linking to it.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace agent::images {

struct Image {
  enum class State { loading, ready, failed } state = State::loading;
  unsigned texture = 0;  // the GL texture (ready)
  int width = 0, height = 0;
  std::string error;     // why it failed
};

// The image at `url` (an http(s) URL from safe_url), starting its download on first use.
const Image& get(const std::string& url);

// A report from the browser (platform kind "image"): status 1 and "WIDTH HEIGHT" when the
// texture holds the picture, status 0 and the reason when it could not be loaded.
void on_report(const std::string& url, int status, const std::string& body);

// [{url, state, width, height, error}] for window.lcDebug().
nlohmann::json debug_json();

}  // namespace agent::images
