// Input from the page, ahead of Dear ImGui, in the order it happened.
//
// Dear ImGui 1.86 has no event queue: it samples the mouse position, the mouse buttons and the
// keys once per frame and acts on what it sees then. Fed straight from the browser's callbacks,
// a click and the key right after it can reach ImGui in one frame, so the key goes to the field
// that had focus before the click (a password's first letter in the email field); a press and
// its release between two frames are never seen; two editing keys in a frame act as one. So every
// callback here only appends an event to one queue (mouse moves and buttons, wheel, keys, text),
// and begin_frame hands ImGui, in order, as many events as it can tell apart in one frame:
//  - a mouse button change ends the frame's share (nothing after it in the same frame, and
//    nothing but moves before it), so a click is seen where it happened, and keys typed after
//    it go to what the click focused;
//  - an editing key's press (Backspace, arrows, Tab, Enter, Escape, Ctrl+<key>) ends it too,
//    and a key ImGui reads (editing keys, modifiers) changes at most once per frame;
//  - text (typed, pasted or composed with an input method: see platform.hpp's text input) goes
//    in as whole UTF-8 strings, full Unicode (ImWchar is 32 bits: IMGUI_USE_WCHAR32).
// The frame loop keeps drawing while events wait (take_activity), so nothing is delayed by more
// than a few frames and nothing is lost or reordered, at any frame rate.
//
// Enter in the composer is read from the key event itself: Shift+Enter becomes a '\n' character
// (in order with the typed text) and a plain Enter a send request for the composer's frame.
// The mouse wheel arrives in ImGui's units (Emscripten 3.1.6 passes raw DOM deltas, sign flipped).
#pragma once
#include <GLFW/glfw3.h>

namespace agent::input {

// Call once, with ImGui_ImplGlfw_InitForOpenGL(window, /*install_callbacks=*/false).
void install(GLFWwindow* window);

// True when input arrived since the last call, or events still wait for a frame.
bool take_activity();

// Around ImGui::NewFrame(): begin_frame (after the backend's NewFrame, which it overrides for the
// mouse) hands this frame's share of the waiting events to ImGui, with mouse positions divided by
// framebuffer_scale (the backing store's pixels per CSS pixel); end_frame closes the frame.
void begin_frame(float framebuffer_scale);
void end_frame();

// For the composer, each frame it is drawn: whether it is the active item (so it owns Enter
// until the next frame), and whether a plain Enter asked it to send since the last frame.
void composer_drawn(bool active);
bool take_send_request();
// Whether the composer was active in the last drawn frame (window.lcDebug(), for tests).
bool composer_active();
// Events waiting for a frame (window.lcDebug(), for tests that wait for input to be taken).
int waiting();

}  // namespace agent::input
