// The dashboard's words in the user's language (gettext style: the English text is the key).
//
//   ImGui::Button(tr("Assign to me"));
//   ImGui::Text(tr("Lead created for %s"), name.c_str());   // printf formats keep their %s
//   ui::button(tr("Close##conversation"));                   // "##id" kept: the id never changes
//
// `english` is the msgid; only the part before "##" is translated, the "##..." suffix is kept so
// ImGui ids stay the same in every language. The pointer returned lives as long as the program.
// Every string shown in the UI goes through tr(), so the catalog check can find it.
#pragma once

namespace agent {

const char* tr(const char* english);

}  // namespace agent
