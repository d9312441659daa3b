// Text from users and from file names, made safe for where it goes. One rule for the names a
// user gives people (`castnet people name`, a gallery's folders or labels): valid UTF-8 without
// control characters, else refused with a sentence. Everything else (file names are bytes, and
// stores written before the rule may hold anything) is repaired on its way out: by the writers
// (castnet/formats/tables.hpp) and, for the terminal, by terminal_text.
#pragma once
#include <string>

namespace castnet {

// `s` as valid UTF-8: each byte that is not part of a well-formed sequence becomes U+FFFD. File
// names are bytes; a CSV, GEXF or HTML reader wants UTF-8 text.
std::string valid_utf8(const std::string& s);

// Why `name` cannot name a person ("" if it can): empty, not valid UTF-8, a control character
// (C0, DEL, C1: invisible, and not allowed in XML), or longer than 200 bytes.
std::string name_problem(const std::string& name);

// `s` as text every file writer can carry: valid UTF-8, each control character but tab, LF and
// CR (C0, DEL, C1) and the non-characters U+FFFE, U+FFFF made U+FFFD. XML 1.0 forbids C0 and
// the two; DEL and C1 are invisible.
std::string text_without_controls(const std::string& s);

// `s` for a terminal: valid UTF-8, each control character shown as \xNN (an ESC would otherwise
// be obeyed by the terminal, a vertical tab move the cursor).
std::string terminal_text(const std::string& s);

// `name` as one safe file name component: valid UTF-8, '/', '\\' and control characters made
// '_', at most 200 bytes (cut at a character), and never "", "." or ".." or hidden ("_" first).
std::string file_name_component(const std::string& name);

}  // namespace castnet
