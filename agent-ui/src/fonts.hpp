// The dashboard's fonts: one ImGui atlas with four faces (regular, bold, oblique, large), built
// at the device pixel ratio.
//  - At start: DejaVu Sans regular, bold and oblique, subset at build time to Latin, Greek,
//    Cyrillic and common punctuation and symbols (kBaseRanges; agent-ui/CMakeLists.txt makes the
//    files with the same list), which index.html writes to /fonts/ before main() runs.
//  - When text needs more (note_text: every frame, REST answer and piece of typed text is
//    scanned once): a fallback chain of Debian's fonts, each downloaded the first time a character
//    it covers appears (platform::load_font), then merged into every face with only the
//    characters seen so far, so the atlas stays small:
//      DejaVuSans.ttf (all of it)   Hebrew, Arabic, Armenian, Georgian, more symbols
//      Symbola.ttf                  emoji (monochrome) and pictographs
//      DroidSansFallbackFull.ttf    Chinese, Japanese, Korean
//    A character the first font asked lacks is tried in the next ones.
//  - Invisible format characters (zero-width joiner and spaces, variation selectors, bidi
//    controls, tags) get empty zero-width glyphs, never a '?'.
#pragma once
#include <string>
#include <string_view>

#include "imgui.h"

namespace agent {
struct Fonts;
}

namespace agent::fonts {

// Records the characters of `utf8` the atlas cannot draw yet and starts the downloads they need.
void note_text(std::string_view utf8);
// A platform::load_font finished: status 1 when the file is now in /fonts/.
void on_report(const std::string& file, int status);
// Before ImGui::NewFrame: (re)builds the atlas into `faces` when the ratio changed or a fallback
// brought new characters. True when it did (the renderer's font texture must be remade).
bool update(float ratio, Fonts& faces);
// {"fallbacks": {"Symbola.ttf": "ready", ...}, "missing": N} for window.lcDebug().
std::string debug_json();

}  // namespace agent::fonts
