# castnet_library(NAME SOURCES a.cpp ... ) -- one of castnet's own shared libraries, built as it
# is installed: libcastnet_NAME.so in <build>/<libdir>, headers under NAME/include, exported as
# castnet::NAME.
function(castnet_library name)
  cmake_parse_arguments(L "" "" "SOURCES" ${ARGN})
  add_library(castnet_${name} SHARED ${L_SOURCES})
  add_library(castnet::${name} ALIAS castnet_${name})
  target_include_directories(castnet_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  set_target_properties(castnet_${name} PROPERTIES
    EXPORT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/${CMAKE_INSTALL_LIBDIR}
    # They find each other in an install too (a RUNPATH serves only the direct dependencies).
    INSTALL_RPATH "$ORIGIN"
    VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  install(TARGETS castnet_${name} EXPORT castnetTargets LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY include/castnet DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()

# castnet_test(NAME SOURCES a.cpp ... [LIBS lib ...]) -- a GoogleTest binary whose tests ctest
# runs (scripts/test). Tests find ../shared, the castnet binary and the shared helpers.
function(castnet_test name)
  if(NOT CASTNET_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE castnet::core ${T_LIBS} fmt::fmt GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE
    CASTNET_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CASTNET_BIN="$<TARGET_FILE:castnet_cli>")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 900)
endfunction()
