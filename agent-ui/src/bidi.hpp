// Right-to-left text for display. Dear ImGui draws code points left to right, one glyph each,
// with no shaping, so Hebrew would read backwards and Arabic as unjoined letters. Before drawing,
// a line of logical text (as typed and stored: never changed) becomes its visual form:
//  - Arabic letters take their contextual presentation forms (isolated, initial, medial, final;
//    lam-alef ligatures), which DejaVu Sans has (U+FE70..U+FEFF);
//  - a simplified Unicode bidirectional algorithm (UAX #9) orders the characters: the paragraph
//    direction from the first strong character, right-to-left runs reversed, numbers and
//    left-to-right words inside them kept in reading order, neutrals between two runs of one
//    direction take it, brackets mirrored, and LRO/RLO...PDF overrides honoured. Embeddings and
//    isolates are treated as neutral (drawn as nothing).
// Only display goes through here: text fields edit (and the store keeps) the logical text.
#pragma once
#include <string>
#include <string_view>

namespace agent::bidi {

// Whether the text holds anything right-to-left (the fast path for everything else).
bool has_rtl(std::string_view utf8);

// The visual form of one line (no '\n'); `rtl` tells whether its paragraph reads right to left.
std::string visual(std::string_view line, bool* rtl = nullptr);

// Draws text at the cursor, wrapped at the content width: lines without right-to-left text as
// ImGui::TextUnformatted does; the others broken into lines first, then each made visual, and
// right-aligned when the paragraph reads right to left.
void draw_wrapped(std::string_view utf8);

}  // namespace agent::bidi
