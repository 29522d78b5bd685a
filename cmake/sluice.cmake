# Helpers shared by every CMakeLists.txt of the project.

# sluice_library(NAME <name> SRCS ... [DEPS ...] [PUBLIC_DEPS ...])
#   A static library `sluice_<name>`, aliased `sluice::<name>`, built with the project's
#   warnings. DEPS link PRIVATE, PUBLIC_DEPS link PUBLIC (types that appear in its headers).
function(sluice_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(sluice_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(sluice::${ARG_NAME} ALIAS sluice_${ARG_NAME})
  target_compile_options(sluice_${ARG_NAME} PRIVATE ${SLUICE_WARNING_FLAGS})
  target_include_directories(sluice_${ARG_NAME} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(sluice_${ARG_NAME} PRIVATE ${ARG_DEPS} PUBLIC ${ARG_PUBLIC_DEPS})
endfunction()

# sluice_test(NAME <name> SRCS ... [DEPS ...])
#   A GoogleTest executable registered with ctest (one ctest entry per TEST).
function(sluice_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_compile_options(${ARG_NAME} PRIVATE ${SLUICE_WARNING_FLAGS})
  target_include_directories(${ARG_NAME} PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "SLUICE_BUILD_DIR=${CMAKE_BINARY_DIR}")
endfunction()

# sluice_plugin(NAME <name> SRCS ... MANIFEST <file> [DEPS ...] [OUTPUT_DIR <dir>])
#   A native plugin: a shared library loaded by sluice-plugin-host, placed with its manifest in
#   OUTPUT_DIR (default ${SLUICE_PLUGIN_OUTPUT_DIR}/<name>/). The SDK's symbols come from the
#   host (see sdk/cpp/include/sluice/sdk/plugin.h), so the plugin does not link the SDK library.
function(sluice_plugin)
  cmake_parse_arguments(ARG "" "NAME;MANIFEST;OUTPUT_DIR" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${SLUICE_PLUGIN_OUTPUT_DIR}/${ARG_NAME})
  endif()
  add_library(sluice_plugin_${ARG_NAME} MODULE ${ARG_SRCS})
  set_target_properties(sluice_plugin_${ARG_NAME} PROPERTIES
    OUTPUT_NAME sluice-${ARG_NAME}
    PREFIX lib
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_options(sluice_plugin_${ARG_NAME} PRIVATE ${SLUICE_WARNING_FLAGS})
  target_include_directories(sluice_plugin_${ARG_NAME} PRIVATE
    ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/sdk/cpp/include)
  target_link_libraries(sluice_plugin_${ARG_NAME} PRIVATE absl::status absl::statusor ${ARG_DEPS})
  # A changed manifest relinks the plugin, so that the copy below runs again.
  set_property(TARGET sluice_plugin_${ARG_NAME} APPEND PROPERTY
    LINK_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${ARG_MANIFEST})
  add_custom_command(TARGET sluice_plugin_${ARG_NAME} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${CMAKE_CURRENT_SOURCE_DIR}/${ARG_MANIFEST}
            ${ARG_OUTPUT_DIR}/sluice-plugin.json)
endfunction()
