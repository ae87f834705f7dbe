# The year of an organisation (annual inspection): a hostile community and the
# street's results against a real street hub in-process (year_hostile), the
# whole cycle through real node, street and district processes (year_*.sh).
if(TARGET hub_api_util)
  add_executable(year_hostile ${CMAKE_CURRENT_SOURCE_DIR}/year_hostile.c)
  target_link_libraries(year_hostile PRIVATE hub_api_util PkgConfig::CMOCKA)
  add_test(NAME year_hostile COMMAND year_hostile)
  set_tests_properties(year_hostile PROPERTIES TIMEOUT 120 LABELS year ENVIRONMENT "LINLI_LOG=warn")
  add_executable(year_eval_hostile ${CMAKE_CURRENT_SOURCE_DIR}/year_eval_hostile.c)
  target_link_libraries(year_eval_hostile PRIVATE hub_api_util PkgConfig::CMOCKA)
  add_test(NAME year_eval_hostile COMMAND year_eval_hostile)
  set_tests_properties(year_eval_hostile PROPERTIES TIMEOUT 120 LABELS year
                       ENVIRONMENT "LINLI_LOG=warn")
endif()
if(TARGET linli-hub AND TARGET linli-node)
  file(GLOB YEAR_SCRIPTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/year_*.sh)
  foreach(script ${YEAR_SCRIPTS})
    get_filename_component(name ${script} NAME_WE)
    add_test(NAME ${name} COMMAND bash ${script})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "BIN=${PROJECT_BINARY_DIR}"
                         TIMEOUT 180 LABELS year)
  endforeach()
endif()
