# Third-party packages, all from Debian (scripts/setup installs them).
#   nlohmann/json : header-only, used by the core on both platforms.
#   GoogleTest    : native from the system package; in WASM built from /usr/src/googletest.

if(EMSCRIPTEN)
  # Never put /usr/include on a WASM include path (it drags in glibc headers): expose only the
  # nlohmann folder through a link in the build tree.
  set(LIVECHAT_JSON_INCLUDE ${CMAKE_BINARY_DIR}/json-include)
  if(NOT EXISTS ${LIVECHAT_JSON_INCLUDE}/nlohmann)
    file(MAKE_DIRECTORY ${LIVECHAT_JSON_INCLUDE})
    file(CREATE_LINK /usr/include/nlohmann ${LIVECHAT_JSON_INCLUDE}/nlohmann SYMBOLIC)
  endif()
  add_library(livechat_json INTERFACE)
  target_include_directories(livechat_json SYSTEM INTERFACE ${LIVECHAT_JSON_INCLUDE})

  set(gtest_disable_pthreads ON CACHE BOOL "" FORCE)
  set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  add_subdirectory(/usr/src/googletest ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL)
  add_library(livechat_gtest INTERFACE)
  target_link_libraries(livechat_gtest INTERFACE gtest gtest_main)
else()
  find_package(nlohmann_json 3.11 REQUIRED)
  add_library(livechat_json INTERFACE)
  target_link_libraries(livechat_json INTERFACE nlohmann_json::nlohmann_json)

  find_package(GTest REQUIRED)
  add_library(livechat_gtest INTERFACE)
  target_link_libraries(livechat_gtest INTERFACE GTest::gtest GTest::gtest_main)
  include(GoogleTest)
endif()
