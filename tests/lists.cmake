# The district's lists (组织类别、行业、主管单位), supervising units and party-member
# activity stations: a hostile community and the core's checks against a real street
# hub in-process (lists_hostile), the whole way through real node, street and district
# processes (lists_*.sh).
if(TARGET hub_api_util)
  add_executable(lists_hostile ${CMAKE_CURRENT_SOURCE_DIR}/lists_hostile.c)
  target_link_libraries(lists_hostile PRIVATE hub_api_util PkgConfig::CMOCKA)
  add_test(NAME lists_hostile COMMAND lists_hostile)
  set_tests_properties(lists_hostile PROPERTIES TIMEOUT 120 LABELS lists ENVIRONMENT "LINLI_LOG=warn")
endif()
if(TARGET linli-hub AND TARGET linli-node)
  file(GLOB LISTS_SCRIPTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/lists_*.sh)
  foreach(script ${LISTS_SCRIPTS})
    get_filename_component(name ${script} NAME_WE)
    add_test(NAME ${name} COMMAND bash ${script})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "BIN=${PROJECT_BINARY_DIR}"
                         TIMEOUT 180 LABELS lists)
  endforeach()
endif()
