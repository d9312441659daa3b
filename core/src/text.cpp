#include "castnet/core/text.hpp"

#include <fmt/format.h>

namespace castnet {

namespace {

// The length of the well-formed UTF-8 sequence at s[i], 0 if none (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF).
std::size_t sequence_at(const std::string& s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 && c >= 0xC2 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E && c <= 0xF4 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  auto c1 = static_cast<unsigned char>(len > 1 ? s[i + 1] : 0);
  if (len == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))) return 0;
  if (len == 4 && ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))) return 0;
  return len;
}

// C0, DEL, or C1 (U+0080..U+009F, encoded C2 80..C2 9F), given a well-formed sequence.
bool is_control(const std::string& s, std::size_t i, std::size_t len) {
  auto c = static_cast<unsigned char>(s[i]);
  if (len == 1) return c < 0x20 || c == 0x7F;
  return len == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
}

}  // namespace

std::string valid_utf8(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = sequence_at(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    out.append(s, i, len);
    i += len;
  }
  return out;
}

std::string text_without_controls(const std::string& s) {
  const std::string text = valid_utf8(s);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = sequence_at(text, i);
    const char c = text[i];
    const bool kept_control = c == '\t' || c == '\n' || c == '\r';
    const bool noncharacter = len == 3 && text.compare(i, 2, "\xEF\xBF") == 0 && static_cast<unsigned char>(text[i + 2]) >= 0xBE;
    if ((is_control(text, i, len) && !kept_control) || noncharacter) out += "\xEF\xBF\xBD";
    else out.append(text, i, len);
    i += len;
  }
  return out;
}

std::string name_problem(const std::string& name) {
  if (name.find_first_not_of(" \t") == std::string::npos) return "it is empty";
  if (name.size() > 200) return fmt::format("it is {} bytes long, over 200", name.size());
  std::size_t character = 1;
  for (std::size_t i = 0; i < name.size(); ++character) {
    std::size_t len = sequence_at(name, i);
    if (len == 0) return fmt::format("it is not valid UTF-8 (byte {} of it)", i + 1);
    if (is_control(name, i, len))
      return fmt::format("character {} of it is a control character ({})", character, terminal_text(name.substr(i, len)));
    i += len;
  }
  return "";
}

std::string terminal_text(const std::string& s) {
  const std::string text = valid_utf8(s);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = sequence_at(text, i);
    if (is_control(text, i, len)) {
      for (std::size_t k = 0; k < len; ++k) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i + k]));
    } else {
      out.append(text, i, len);
    }
    i += len;
  }
  return out;
}

std::string file_name_component(const std::string& name) {
  const std::string text = valid_utf8(name);
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = sequence_at(text, i);
    if (out.size() + len > 200) break;
    const bool bad = is_control(text, i, len) || text[i] == '/' || text[i] == '\\';
    out += bad ? std::string("_") : text.substr(i, len);
    i += len;
  }
  if (out.empty() || out.front() == '.') out.insert(0, "_");
  return out;
}

}  // namespace castnet
