# cmake -DIN=file -DOUT=file.cpp -DSYMBOL=name -P embed_text.cmake
# A text file as a C++ string constant (castnet::formats::SYMBOL), so that the binary carries it.
file(READ "${IN}" text)
string(FIND "${text}" ")castnet_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} holds the raw-string delimiter )castnet_text\"")
endif()
# The literal is cut into pieces: compilers limit one string literal's length (MSVC at 16 KB,
# and -Woverlength-strings warns past 4 KB), not the concatenation.
string(LENGTH "${text}" n)
set(body "")
set(at 0)
while(at LESS n)
  string(SUBSTRING "${text}" ${at} 8000 piece)
  string(APPEND body "R\"castnet_text(${piece})castnet_text\"\n")
  math(EXPR at "${at} + 8000")
endwhile()
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by cmake/embed_text.cmake; do not edit.\nnamespace castnet::formats {\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} =\n${body};\n}  // namespace castnet::formats\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
