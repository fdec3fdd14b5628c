// Labelled controls for the test hook window.agentUi.widgets(): every control drawn through
// these helpers is recorded with its label and screen rectangle (CSS pixels) for this frame, so
// browser tests click real coordinates by label. Labels are the visible text ("Sign in"), or the
// part after "##" for controls without visible text ("##email" -> "email").
#pragma once
#include <string>

#include "imgui.h"

namespace agent::ui {

void begin_frame();                   // forget the previous frame's controls
void track(const char* label);        // record the last drawn item under label
std::string widgets_json();           // [{"label","x","y","w","h"}, ...]

bool button(const char* label, ImVec2 size = ImVec2(0, 0));  // ImGui::Button + track
bool selectable(const char* label, bool selected, const char* tracked_as = nullptr);
// A Selectable whose text is drawn exactly as given, for names people type: ImGui reads "##" in a
// label as the start of a hidden id, so the label "Marco##x" would show as "Marco". Its id comes
// from the ID stack (PushID something unique first); `tracked_as` is recorded as is.
bool selectable_text(const std::string& text, const std::string& tracked_as);

// The language switch: a combo of the languages, each named in itself (tracked as "language",
// its entries as "language:it"); choosing one switches at once and keeps the choice.
void language_picker(float width);

// Colours of the main action of a screen (blue, white text); pop_primary undoes push_primary.
void push_primary();
void pop_primary();

// Text on one line, cut to `width` with an ellipsis (whole characters) when longer, the full
// text then shown on hover. `disabled`: the secondary text colour.
void text_fit(const std::string& text, float width, bool disabled = false);

// Copies src into the edit buffer dst of `size` bytes (NUL included), cut at a character
// boundary when it is longer: never half a UTF-8 sequence.
void copy_utf8(char* dst, std::size_t size, const std::string& src);

// The label a tracked control is known by (see above).
std::string visible_label(const char* label);

}  // namespace agent::ui
