# castnet_add_plugin(NAME SOURCES a.cpp ... [LIBS lib ...])
#
# Builds a castnet plugin: a MODULE library named castnet_NAME.so, with hidden visibility (the
# CASTNET_PLUGIN macro exports what the registry needs). Used by castnet's own plugins and, from
# the installed package (find_package(castnet)), by plugins built out of tree.
#   CASTNET_PLUGIN_OUTPUT_DIR   where the library is written (default: the current binary dir)
#   CASTNET_PLUGIN_INSTALL_DIR  if set, `cmake --install` puts the plugin there
function(castnet_add_plugin name)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} MODULE ${P_SOURCES})
  target_link_libraries(${name} PRIVATE castnet::sdk ${P_LIBS})
  set_target_properties(${name} PROPERTIES
    PREFIX "" OUTPUT_NAME "castnet_${name}"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(CASTNET_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CASTNET_PLUGIN_OUTPUT_DIR})
  endif()
  if(CASTNET_PLUGIN_INSTALL_DIR)
    install(TARGETS ${name} LIBRARY DESTINATION ${CASTNET_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
