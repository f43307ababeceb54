// Frames: the length-prefixed text records that peer bodies use where JSON would escape
// (batches of peer calls, Raft entries and snapshot pairs). One frame is
//   "<field> <field> ... <length>\n<length bytes of body>"
// Pure: no Asio, no allocation beyond the output string. Readers never trust a length:
// a frame whose body runs past the text, or whose header is not "words then a number",
// is malformed.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace sysdist {

void append_frame(std::string& out, std::initializer_list<std::string_view> fields, std::string_view body);
// Bytes append_frame() adds for these fields and a body of `body_bytes`.
std::size_t frame_size(std::initializer_list<std::string_view> fields, std::size_t body_bytes);

// Splits one frame off the front of `text`: `fields` gets the words before the length.
bool next_frame(std::string_view& text, std::vector<std::string_view>& fields, std::string_view& body);

// A whole decimal number (no sign, no spaces, no leading zero) no larger than `max`.
bool parse_number(std::string_view text, std::uint64_t& number, std::uint64_t max = UINT64_MAX);

}  // namespace sysdist
