# Tests of the common library (common/*.c): one cmocka executable per module.
foreach(t codec clock db json keyfile failpoint http upstream warnings)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/common_${t}.c)
    add_executable(common_${t} ${CMAKE_CURRENT_SOURCE_DIR}/common_${t}.c)
    target_link_libraries(common_${t} PRIVATE linli_common PkgConfig::CMOCKA)
    add_test(NAME common_${t} COMMAND common_${t})
    set_tests_properties(common_${t} PROPERTIES TIMEOUT 60)
  endif()
endforeach()

# The pages' HTML writer and glossary; its Traditional check reads the sources.
add_executable(common_html ${CMAKE_CURRENT_SOURCE_DIR}/common_html.c)
target_link_libraries(common_html PRIVATE linli_common PkgConfig::CMOCKA)
target_compile_definitions(common_html PRIVATE LINLI_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_test(NAME common_html COMMAND common_html)
set_tests_properties(common_html PROPERTIES TIMEOUT 60)
