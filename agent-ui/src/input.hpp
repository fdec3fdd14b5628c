// Input from the page, ahead of Dear ImGui: the GLFW callbacks, which forward to ImGui's GLFW
// backend (initialised without its own callbacks). They do three jobs:
//  - wake the frame loop: the dashboard draws only when something happened (main.cpp);
//  - Enter in the composer, read from the key event itself. ImGui 1.86 samples key state once per
//    frame, so under load a Shift+Enter (or a whole Enter press) can fall between two frames and
//    be lost or seen without Shift. Here Shift+Enter becomes a '\n' character at once (in order
//    with the typed characters) and a plain Enter a send request for the composer's next frame;
//    characters typed after that Enter wait one frame so they start the next message;
//  - one editing key per frame: after the press of an editing key (Backspace, arrows, Enter,
//    Ctrl+<key>...) reaches ImGui, later key and character events wait for the end of the frame
//    that saw it (a fast Ctrl+A, Backspace, "text" loses nothing);
//  - the mouse wheel in ImGui's units (Emscripten 3.1.6 passes raw DOM deltas, sign flipped).
#pragma once
#include <GLFW/glfw3.h>

namespace agent::input {

// Call once, with ImGui_ImplGlfw_InitForOpenGL(window, /*install_callbacks=*/false).
void install(GLFWwindow* window);

// True when input arrived since the last call (and forgets it).
bool take_activity();

// Around ImGui::NewFrame(): begin_frame hides Enter from ImGui while the composer owns it and
// holds back characters typed after a send; end_frame gives the held characters back.
void begin_frame();
void end_frame();

// For the composer, each frame it is drawn: whether it is the active item (so it owns Enter
// until the next frame), and whether a plain Enter asked it to send since the last frame.
void composer_drawn(bool active);
bool take_send_request();
// Whether the composer was active in the last drawn frame (window.lcDebug(), for tests).
bool composer_active();

}  // namespace agent::input
