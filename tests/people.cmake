# The people of an organisation (rosters with sealed names, pledges, residents'
# feedback, funding): the whole cycle through real node, street and district
# processes (people_cycle.sh), and a hostile community against a real street
# hub (people_hostile).
if(TARGET linli-hub AND TARGET linli-node)
  add_test(NAME people_cycle COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/people_cycle.sh)
  set_tests_properties(people_cycle PROPERTIES ENVIRONMENT "BIN=${PROJECT_BINARY_DIR}"
                       TIMEOUT 240 LABELS people)
endif()
if(TARGET hub_api_util)
  add_executable(people_hostile ${CMAKE_CURRENT_SOURCE_DIR}/people_hostile.c)
  target_link_libraries(people_hostile PRIVATE hub_api_util PkgConfig::CMOCKA)
  add_test(NAME people_hostile COMMAND people_hostile)
  set_tests_properties(people_hostile PROPERTIES TIMEOUT 120 LABELS people ENVIRONMENT "LINLI_LOG=warn")
endif()
