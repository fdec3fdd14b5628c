// The side panel's date field: a YYYY-MM-DD text field with a calendar popup (a month grid,
// previous/next month, Today, Clear). The calendar only writes real dates; typed text is checked
// by the core's validate_side_panel when the panel is saved, as before.
#pragma once
#include <cstddef>

namespace agent {

// Draws the field and its "Pick" button; true when the text changed (typed or picked). `id`
// names the field for the test hooks ("##close_date" -> "close_date"); the calendar's controls
// are tracked as "calendar", "month:prev", "month:next", "date:today", "date:clear", "day:N".
bool date_field(const char* id, char* buf, std::size_t size, double now_ms);

}  // namespace agent
